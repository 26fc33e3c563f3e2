// SQL on a worker thread with its own connection to the database file, attached as the main one is: WAL checkpoints
// and full-text indexing run on the other core while the main thread goes on writing papers. SQLite lets a
// checkpoint run beside a writer, and the index has its own file, so neither waits for the other's lock.
// The worker stops after a short idle time and is started again on demand.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

const DRIVER = createRequire(import.meta.url).resolve('better-sqlite3');
// Long enough to outlast the gap between the sources of one scheduled ingest: starting a thread costs ~30 ms.
const IDLE_MS = 30_000;

// Plain JavaScript, evaluated: it runs the same way from dist/ and under vitest.
// A failed script is rolled back and reported; what it was for (a checkpoint, a catch-up) is done again later.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
db.prepare('ATTACH ? AS search').run(workerData.search);
db.pragma('search.synchronous = NORMAL');
db.pragma('search.cache_size = -65536');
// The index file's WAL is copied back every 40 MB, not every 4: merges rewrite the same pages again and again.
db.pragma('wal_autocheckpoint = 10000');
let idle;
const stop = () => { db.close(); parentPort.close(); };
parentPort.on('message', (sql) => {
  clearTimeout(idle);
  let error = null;
  try { db.exec(sql); } catch (err) { error = String(err); if (db.inTransaction) db.exec('ROLLBACK'); }
  parentPort.postMessage(error);
  idle = setTimeout(stop, workerData.idleMs);
});`;

type Db = Database.Database;

interface Background {
  worker: Worker;
  /** Scripts sent and not yet answered, oldest first: each settles with the error text, or null. */
  queue: ((error: string | null) => void)[];
  /** Settles with the last script sent. */
  last: Promise<unknown>;
}

const running = new WeakMap<Db, Background>();

/** The file attached to `db` as `search` (the full-text index), which the worker attaches too. */
function searchFile(db: Db): string {
  const list = db.pragma('database_list') as { name: string; file: string }[];
  return list.find((d) => d.name === 'search')!.file;
}

/** The worker of `db`, started when there is none. */
function workerFor(db: Db): Background {
  const known = running.get(db);
  if (known) return known;
  const search = searchFile(db);
  const worker = new Worker(WORKER, { eval: true, workerData: { driver: DRIVER, file: db.name, search, idleMs: IDLE_MS } });
  const bg: Background = { worker, queue: [], last: Promise.resolve() };
  running.set(db, bg);
  worker.on('message', (error: string | null) => {
    bg.queue.shift()?.(error);
    // An idle thread does not keep the process alive; one with work does (see runInBackground).
    if (bg.queue.length === 0) worker.unref();
  });
  worker.on('error', () => undefined); // reported by 'exit', which settles what was pending
  worker.on('exit', () => {
    running.delete(db);
    for (const settle of bg.queue.splice(0)) settle('the background thread stopped');
  });
  return bg;
}

/** Runs an SQL script (BEGIN … COMMIT when it is a transaction) on the worker thread of file database `db`;
 *  resolves with the error text, or null. The process lives until it is done. */
export function runInBackground(db: Db, sql: string): Promise<string | null> {
  const bg = workerFor(db);
  const done = new Promise<string | null>((resolve) => {
    bg.queue.push(resolve);
    bg.worker.ref();
    bg.worker.postMessage(sql);
  });
  bg.last = done;
  return done;
}

/** Resolves when the worker of `db` has done every script sent so far (commands wait for it before closing). */
export async function backgroundDone(db: Db): Promise<void> {
  // A script may send another when it settles (a catch-up follows a checkpoint): wait until none is left.
  for (let bg = running.get(db); bg && bg.queue.length > 0; bg = running.get(db)) await bg.last;
}
