// Nodemailer's SMTP pool on a worker thread. Dot-stuffing every byte, socket writes and the SMTP
// dialogue cost as much CPU as ranking and rendering a digest, so on two cores they run beside the
// send loop instead of inside it. The thread only streams finished messages: no database, no state.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** One message for the thread: envelope and wire form. */
export interface WireMessage {
  envelope: { from: string; to: string[] };
  raw: Buffer;
}

/** The fields of a nodemailer error that failureOutcome reads, copied across the thread boundary. */
interface ThreadError {
  message: string;
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

type Reply = { id: number; response: string } | { id: number; error: ThreadError };

/** The thread's code, run as a CommonJS script (so it needs no compiled file beside it, also under vitest). */
function threadMain(): void {
  const { parentPort, workerData } = require('node:worker_threads');
  const t = require(workerData.nodemailer).createTransport(workerData.options);
  parentPort.on('message', (m: { id: number; envelope: unknown; raw: Uint8Array } | 'close') => {
    if (m === 'close') { t.close(); parentPort.close(); return; }
    const raw = Buffer.from(m.raw.buffer, m.raw.byteOffset, m.raw.byteLength);
    t.sendMail({ envelope: m.envelope, raw }, (err: (Error & Record<string, unknown>) | null, info: { response: string }) => {
      parentPort.postMessage(err
        ? { id: m.id, error: { message: err.message, code: err.code, responseCode: err.responseCode, response: err.response, command: err.command } }
        : { id: m.id, response: info.response });
    });
  });
}

/** A nodemailer transport (created from `options`) on its own thread. */
export interface SmtpThread {
  send(m: WireMessage): Promise<string>;
  close(): void;
}

/** Starts the thread; it lives until close(), and keeps the process alive only while a mail is in flight. */
export function startSmtpThread(options: Record<string, unknown>): SmtpThread {
  const nodemailer = createRequire(import.meta.url).resolve('nodemailer');
  const worker = new Worker(`(${threadMain.toString()})()`, { eval: true, workerData: { nodemailer, options } });
  worker.unref();
  const pending = new Map<number, { ok: (r: string) => void; fail: (e: Error) => void }>();
  let nextId = 0;
  const settle = (id: number, fn: (p: { ok: (r: string) => void; fail: (e: Error) => void }) => void) => {
    const p = pending.get(id)!;
    pending.delete(id);
    if (pending.size === 0) worker.unref();
    fn(p);
  };
  worker.on('message', (r: Reply) => settle(r.id, (p) => ('error' in r ? p.fail(Object.assign(new Error(r.error.message), r.error)) : p.ok(r.response))));
  let stopped: Error | undefined;
  worker.on('error', (err) => {
    // A bug in the thread: nothing in flight was confirmed, so each is retried like a dropped connection.
    stopped = Object.assign(new Error(`SMTP thread stopped: ${err.message}`), { code: 'ECONNECTION' });
    for (const id of [...pending.keys()]) settle(id, (p) => p.fail(stopped!));
  });
  return {
    send: (m) => new Promise<string>((ok, fail) => {
      if (stopped) return fail(stopped);
      const id = nextId++;
      pending.set(id, { ok, fail });
      worker.ref();
      // The bytes' memory moves to the thread when the buffer owns it (posting a 100 KB string would cost ~0.5 ms).
      const own = m.raw.byteOffset === 0 && m.raw.byteLength === m.raw.buffer.byteLength;
      worker.postMessage({ id, envelope: m.envelope, raw: m.raw }, own ? [m.raw.buffer as ArrayBuffer] : []);
    }),
    close: () => worker.postMessage('close'),
  };
}
