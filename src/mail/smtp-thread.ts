// Nodemailer's SMTP pool on a worker thread. Dot-stuffing every byte, socket writes and the SMTP
// dialogue cost as much CPU as ranking and rendering a digest, so on two cores they run beside the
// send loop instead of inside it. The thread only streams finished messages: no database, no state.
import { createRequire } from 'node:module';
import { startThread, ThreadStopped } from '../worker-thread.js';

/** One message for the thread: envelope and wire form. */
export interface WireMessage {
  envelope: { from: string; to: string[] };
  raw: Buffer;
}

/** The thread's side: a nodemailer transport that sends each message it is given and answers with the server's reply.
 *  A nodemailer error's fields (code, responseCode, response, command: what failureOutcome reads) cross back with it. */
function smtpMain(data: { nodemailer: string; options: Record<string, unknown> }) {
  const t = require(data.nodemailer).createTransport(data.options);
  return {
    handle: (m: { envelope: unknown; raw: Uint8Array }) => new Promise<string>((ok, fail) => {
      const raw = Buffer.from(m.raw.buffer, m.raw.byteOffset, m.raw.byteLength);
      t.sendMail({ envelope: m.envelope, raw }, (err: Error | null, info: { response: string }) => (err ? fail(err) : ok(info.response)));
    }),
    close: () => t.close(),
  };
}

/** A nodemailer transport (created from `options`) on its own thread. */
export interface SmtpThread {
  send(m: WireMessage): Promise<string>;
  close(): void;
}

/** Starts the thread; it lives until close(), and keeps the process alive only while a mail is in flight. */
export function startSmtpThread(options: Record<string, unknown>): SmtpThread {
  const nodemailer = createRequire(import.meta.url).resolve('nodemailer');
  const thread = startThread<WireMessage, string>({ main: smtpMain, workerData: { nodemailer, options } });
  return {
    async send(m) {
      // The bytes' memory moves to the thread when the buffer owns it (posting a 100 KB string would cost ~0.5 ms).
      const own = m.raw.byteOffset === 0 && m.raw.byteLength === m.raw.buffer.byteLength;
      try {
        return await thread.request(m, own ? [m.raw.buffer as ArrayBuffer] : []);
      } catch (err) {
        // A bug in the thread: nothing in flight was confirmed, so each is retried like a dropped connection.
        if (err instanceof ThreadStopped) throw Object.assign(new Error(`SMTP thread stopped: ${err.message}`), { code: 'ECONNECTION' });
        throw err;
      }
    },
    close: () => thread.close(),
  };
}
