import Database from 'better-sqlite3';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInBackground, stopBackground } from './background.js';

export type Db = Database.Database;

/** Bumped when migrations/search-index.sql changes: an index file of another version is made again. */
const SEARCH_INDEX_VERSION = 1;
const SEARCH_INDEX_SQL = fileURLToPath(new URL('../../migrations/search-index.sql', import.meta.url));

/** How long a statement waits for another connection's lock before "database is locked": the server's default is short
 *  (a request should not hang), commands wait longer (see db/lock.ts). */
export interface OpenOptions {
  busyTimeoutMs?: number;
}

/** Opens (creating if needed) the SQLite file with WAL, foreign keys and a busy timeout, its search index attached. */
export function openDb(file: string, opts: OpenOptions = {}): Db {
  if (file !== ':memory:') {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    keepPrivate(file);
  }
  const db = new Database(file);
  // Before the first table exists, so that pages freed by the daily prune can go back to the file system
  // (src/jobs/retention.ts); a file made without it keeps them for reuse until `paperboy migrate` converts it.
  db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // A 64 MB page cache: bulk ingest of 100k papers stores about 20% faster than with the 2 MB default.
  db.pragma('cache_size = -65536');
  // Two processes on one file wait for each other instead of failing at once.
  db.pragma(`busy_timeout = ${Math.floor(opts.busyTimeoutMs ?? 5000)}`);
  // Once checkpointed, a WAL grown by a bulk ingest is cut back to 4 MB instead of keeping its size on disk.
  db.pragma('journal_size_limit = 4194304');
  attachSearchIndex(db);
  return db;
}

/** Closes the database once the work sent to its worker thread (checkpoint, index catch-up) is done, and the
 *  thread's own connection with it. */
export async function closeDb(db: Db): Promise<void> {
  await stopBackground(db);
  db.close();
}

/** The file of a database's full-text index: beside it, named after it (in memory for an in-memory database). */
function searchIndexFile(db: Db): string {
  return db.memory ? ':memory:' : `${db.name}-search`;
}

/**
 * Makes a database file readable by its owner only (0600), creating it empty when missing: it holds addresses,
 * interests and the link secret. SQLite gives the -wal and -shm files it creates the mode of the database file;
 * ones left by an earlier version are narrowed too. A file owned by someone else is left as it is.
 */
function keepPrivate(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      chmodSync(f, 0o600);
    } catch (err) {
      if (!['ENOENT', 'EPERM'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
    }
  }
}

/** Attaches the full-text index file as `search`, making its schema when the file is new or of another version. */
function attachSearchIndex(db: Db): void {
  if (!db.memory) keepPrivate(searchIndexFile(db));
  db.prepare('ATTACH ? AS search').run(searchIndexFile(db));
  db.pragma('search.journal_mode = WAL');
  db.pragma('search.synchronous = NORMAL');
  if (db.pragma('search.user_version', { simple: true }) === SEARCH_INDEX_VERSION) return;
  db.transaction(() => {
    db.exec(readFileSync(SEARCH_INDEX_SQL, 'utf8'));
    db.pragma(`search.user_version = ${SEARCH_INDEX_VERSION}`);
  })();
}

/** Checkpoints of a database still running on the worker thread. */
const checkpointing = new WeakMap<Db, number>();

/** Runs `fn` with automatic checkpoints off, then checkpoints once on the worker thread: a bulk write copies
 *  each page into the database file once, instead of again every 1,000 pages of WAL, and not on this thread. */
export function checkpointAfter<T>(db: Db, fn: () => T): T {
  db.pragma('wal_autocheckpoint = 0');
  try {
    return fn();
  } finally {
    if (db.memory) resumeAutoCheckpoints(db);
    else checkpointInBackground(db);
  }
}

/** Copies the WAL into the database file on the worker thread; automatic checkpoints stay off until that is done. */
function checkpointInBackground(db: Db): void {
  checkpointing.set(db, (checkpointing.get(db) ?? 0) + 1);
  void runInBackground(db, 'PRAGMA main.wal_checkpoint(PASSIVE)', 'checkpoint').then(() => {
    const left = checkpointing.get(db)! - 1;
    checkpointing.set(db, left);
    // A failed checkpoint is made up by SQLite's own automatic ones, which resume here.
    if (left === 0 && db.open) resumeAutoCheckpoints(db);
  });
}

/** Turns SQLite's automatic checkpoints back on at its default of every 1,000 WAL pages. */
function resumeAutoCheckpoints(db: Db): void {
  db.pragma('wal_autocheckpoint = 1000');
}

/** Lowers the connection's page cache to at most `kib` KiB (SQLite frees the pages above it); returns the undo. */
export function shrinkPageCache(db: Db, kib: number): () => void {
  const before = db.pragma('cache_size', { simple: true }) as number;
  // A negative cache_size is a size in KiB; a positive one, a number of pages.
  db.pragma(`cache_size = ${-kib}`);
  return () => { db.pragma(`cache_size = ${before}`); };
}
