import nodemailer from 'nodemailer';
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OutgoingMail } from './message.js';
import { bareAddress, buildMime } from './mime.js';
import { startSmtpThread } from './smtp-thread.js';

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

/** DKIM signing settings. */
export interface DkimOptions {
  domain: string;
  selector: string;
  privateKey: string;
}

/** Pool settings of the SMTP transport. */
export interface PoolOptions {
  maxConnections: number;
  /** Messages per second across all connections; 0 = no limit. */
  ratePerSecond: number;
  timeoutMs: number;
}

/** Options of createTransport. */
export interface TransportOptions {
  smtpUrl?: string;
  outbox: string;
  pool?: PoolOptions;
  dkim?: DkimOptions;
}

/**
 * Headers DKIM signs. Nodemailer's default list leaves out List-Unsubscribe-Post; mailbox providers
 * honour one-click unsubscribe only when both list headers are covered by the signature (RFC 8058 §4).
 */
export const DKIM_SIGNED_HEADERS = 'From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:' +
  'Content-Transfer-Encoding:List-Id:List-Unsubscribe:List-Unsubscribe-Post';

const DEFAULT_POOL: PoolOptions = { maxConnections: 5, ratePerSecond: 0, timeoutMs: 60_000 };

/** An SMTP transport (pooled) when `smtpUrl` is set, else one that writes each mail as an .eml file into `outbox`. */
export function createTransport(opts: TransportOptions): Transport {
  return opts.smtpUrl ? smtpTransport(opts.smtpUrl, opts.pool ?? DEFAULT_POOL, opts.dkim) : outboxTransport(opts.outbox, opts.dkim);
}

/** Nodemailer's dkim option for our settings, signing both List-Unsubscribe headers. */
export function dkimOption(d: DkimOptions) {
  return { domainName: d.domain, keySelector: d.selector, privateKey: d.privateKey, headerFieldNames: DKIM_SIGNED_HEADERS };
}

/** What nodemailer is handed: the envelope and the finished message, so it only streams bytes (and signs them). */
function wire(mail: OutgoingMail) {
  return { envelope: { from: mail.envelopeFrom ?? bareAddress(mail.from), to: [bareAddress(mail.to)] }, raw: mail.raw ? Buffer.from(mail.raw.buffer, mail.raw.byteOffset, mail.raw.byteLength) : buildMime(mail) };
}

function smtpTransport(url: string, pool: PoolOptions, dkim?: DkimOptions): Transport {
  const t = startSmtpThread({
    url, pool: true, maxConnections: pool.maxConnections, maxMessages: 1000,
    // An ambiguous failure (connection lost mid-message) is reported to us, never silently resent.
    maxRequeues: 0,
    ...(pool.ratePerSecond ? { rateDelta: 1000, rateLimit: pool.ratePerSecond } : {}),
    connectionTimeout: pool.timeoutMs, greetingTimeout: pool.timeoutMs, socketTimeout: pool.timeoutMs,
    ...(dkim ? { dkim: dkimOption(dkim) } : {}),
  });
  const safe = new URL(url);
  safe.password = '';
  safe.username = '';
  return {
    send: async (mail) => ({ response: await t.send(wire(mail)) }),
    close: () => t.close(),
    describe: () => `${safe.toString()} (${pool.maxConnections} connections${pool.ratePerSecond ? `, ${pool.ratePerSecond}/s` : ''})`,
  };
}

/** Writes mails as .eml files, readable by the owner only (0600, folder 0700): their links carry tokens. */
function outboxTransport(dir: string, dkim?: DkimOptions): Transport {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const t = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix', ...(dkim ? { dkim: dkimOption(dkim) } : {}) });
  return {
    async send(mail) {
      const info = await t.sendMail(wire(mail));
      const file = join(dir, `${mail.messageId.replace(/[^A-Za-z0-9.@_-]/g, '')}.eml`);
      // Write then rename, so a reader never sees half a mail.
      writeFileSync(`${file}.tmp`, info.message as Buffer, { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
      return { response: `250 written ${file}` };
    },
    close: () => t.close(),
    describe: () => `outbox folder ${dir}`,
  };
}
