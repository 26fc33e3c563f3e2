import nodemailer from 'nodemailer';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A mail ready to hand to a transport. */
export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  messageId: string;
  headers?: Record<string, string>;
}

/** What the transport says about a hand-off: the SMTP reply, or where the file went. */
export interface SendResult {
  response: string;
}

/** The one thing the sender needs from a mail transport. */
export interface Transport {
  send(mail: OutgoingMail): Promise<SendResult>;
  close(): void;
  /** Human-readable target for the logs, with no password. */
  describe(): string;
}

/** An SMTP transport (pooled) when `smtpUrl` is set, else one that writes each mail as an .eml file into `outbox`. */
export function createTransport(opts: { smtpUrl?: string; outbox: string }): Transport {
  return opts.smtpUrl ? smtpTransport(opts.smtpUrl) : outboxTransport(opts.outbox);
}

function smtpTransport(url: string): Transport {
  const t = nodemailer.createTransport(url);
  const safe = new URL(url);
  safe.password = '';
  safe.username = '';
  return {
    send: async (mail) => ({ response: (await t.sendMail(mail)).response }),
    close: () => t.close(),
    describe: () => safe.toString(),
  };
}

function outboxTransport(dir: string): Transport {
  mkdirSync(dir, { recursive: true });
  const t = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const info = await t.sendMail(mail);
      const file = join(dir, `${mail.messageId.replace(/[^A-Za-z0-9.@_-]/g, '')}.eml`);
      // Write then rename, so a reader never sees half a mail.
      writeFileSync(`${file}.tmp`, info.message as Buffer);
      renameSync(`${file}.tmp`, file);
      return { response: `written ${file}` };
    },
    close: () => t.close(),
    describe: () => `outbox folder ${dir}`,
  };
}
