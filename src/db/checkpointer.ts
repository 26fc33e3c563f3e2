// WAL checkpoints on a worker thread: after a bulk write, copying the WAL into the database file runs on the
// other core, with its own connection, while the main thread goes on (SQLite lets a PASSIVE checkpoint run
// beside a writer). The worker stops after a short idle time and is started again on demand.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './open.js';

const DRIVER = createRequire(import.meta.url).resolve('better-sqlite3');
const IDLE_MS = 2_000;

// Plain JavaScript, evaluated: it runs the same way from dist/ and under vitest.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
let idle;
const stop = () => { db.close(); parentPort.close(); };
parentPort.on('message', () => {
  clearTimeout(idle);
  let error = null;
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { error = String(err); }
  parentPort.postMessage(error);
  idle = setTimeout(stop, workerData.idleMs);
});`;

interface Background {
  worker: Worker;
  pending: number;
  waiters: (() => void)[];
}

const running = new WeakMap<Db, Background>();

/** Asks for a checkpoint of `db` on the worker thread; automatic checkpoints on `db` stay off until it is done. */
export function checkpointInBackground(db: Db): void {
  if (db.memory) return;
  let bg = running.get(db);
  if (!bg) {
    const worker = new Worker(WORKER, { eval: true, workerData: { driver: DRIVER, file: db.name, idleMs: IDLE_MS } });
    worker.unref();
    bg = { worker, pending: 0, waiters: [] };
    running.set(db, bg);
    const own = bg;
    worker.on('message', () => settle(db, own));
    worker.on('exit', () => { running.delete(db); own.pending = 0; settle(db, own); });
    worker.on('error', () => undefined); // a failed checkpoint is retried by SQLite's own automatic one
  }
  db.pragma('wal_autocheckpoint = 0');
  bg.pending++;
  bg.worker.postMessage(null);
}

/** One checkpoint finished (or the worker left): when none is pending, automatic checkpoints resume. */
function settle(db: Db, bg: Background): void {
  bg.pending = Math.max(0, bg.pending - 1);
  if (bg.pending > 0) return;
  if (db.open) resumeAutoCheckpoints(db);
  for (const w of bg.waiters.splice(0)) w();
}

/** Turns SQLite's automatic checkpoints back on at its default of every 1,000 WAL pages. */
export function resumeAutoCheckpoints(db: Db): void {
  db.pragma('wal_autocheckpoint = 1000');
}

/** Resolves when no checkpoint of `db` is pending (benchmarks count the copy into the file in their time). */
export function checkpointsDone(db: Db): Promise<void> {
  const bg = running.get(db);
  if (!bg || bg.pending === 0) return Promise.resolve();
  return new Promise((resolve) => bg.waiters.push(resolve));
}
