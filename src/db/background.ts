// SQL on a worker thread with its own connection to the database file, attached as the main one is: WAL checkpoints
// and full-text indexing run on the other core while the main thread goes on writing papers. SQLite lets a
// checkpoint run beside a writer, and the index has its own file, so neither waits for the other's lock.
// The thread stops after a short idle time and is started again on demand (src/worker-thread.ts).
import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';
import { startThread, ThreadStopped, type WorkerThread } from '../worker-thread.js';

const DRIVER = createRequire(import.meta.url).resolve('better-sqlite3');
// Long enough to outlast the gap between the sources of one scheduled ingest: starting a thread costs ~30 ms.
const IDLE_MS = 30_000;

type Db = Database.Database;

/** The thread's side: its own connection, with the index file attached. A failed script is rolled back and its
 *  error returned; what it was for (a checkpoint, a catch-up) is done again later. */
function sqlMain(data: { driver: string; file: string; search: string }) {
  const Driver = require(data.driver);
  const db = new Driver(data.file);
  db.pragma('busy_timeout = 5000');
  db.prepare('ATTACH ? AS search').run(data.search);
  db.pragma('search.synchronous = NORMAL');
  db.pragma('search.cache_size = -65536');
  // The index file's WAL is copied back every 40 MB, not every 4: merges rewrite the same pages again and again.
  db.pragma('wal_autocheckpoint = 10000');
  return {
    handle(sql: string) {
      try {
        db.exec(sql);
      } catch (err) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw err;
      }
    },
    close: () => db.close(),
  };
}

const threads = new WeakMap<Db, WorkerThread<string, void>>();

/** Says that background work of a database failed: what it was for, and SQLite's error. */
export type BackgroundErrorReport = (task: string, error: string) => void;

const reporters = new WeakMap<Db, BackgroundErrorReport>();

/** Reports every failed script of `db`'s worker thread from now on (the context passes its logger); nobody
 *  awaits a checkpoint or an index catch-up, so without this a failure would go unseen. */
export function reportBackgroundErrors(db: Db, report: BackgroundErrorReport): void {
  reporters.set(db, report);
}

/** The file attached to `db` as `search` (the full-text index), which the worker attaches too. */
function searchFile(db: Db): string {
  const list = db.pragma('database_list') as { name: string; file: string }[];
  return list.find((d) => d.name === 'search')!.file;
}

/** The worker thread of `db` (made on first use; the thread itself starts with the first script). */
function threadFor(db: Db): WorkerThread<string, void> {
  let t = threads.get(db);
  if (!t) {
    t = startThread({ main: sqlMain, workerData: { driver: DRIVER, file: db.name, search: searchFile(db) }, idleMs: IDLE_MS, restart: true });
    threads.set(db, t);
  }
  return t;
}

/** Runs an SQL script (BEGIN … COMMIT when it is a transaction) on the worker thread of file database `db`;
 *  resolves with the error text (also reported, as `task`), or null. The process lives until it is done. */
export function runInBackground(db: Db, sql: string, task = 'SQL script'): Promise<string | null> {
  return threadFor(db).request(sql).then(() => null, (err: Error) => {
    const error = err instanceof ThreadStopped ? 'the background thread stopped' : String(err);
    reporters.get(db)?.(task, error);
    return error;
  });
}

/** Resolves when the worker of `db` has done every script sent so far, and any they sent in turn (commands wait for it before closing). */
export async function backgroundDone(db: Db): Promise<void> {
  await threads.get(db)?.drained();
}

/** Ends the worker of `db` (its connection closed) once it has done every script sent so far; closeDb calls it, so
 *  that no connection of this process holds the file after it is closed (a restore needs the file alone). */
export async function stopBackground(db: Db): Promise<void> {
  const t = threads.get(db);
  if (!t) return;
  await t.drained();
  threads.delete(db);
  await t.close();
}
