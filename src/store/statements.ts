import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open.js';

const caches = new WeakMap<Db, Map<string, Statement>>();

/** The prepared statement for `sql` on this connection, compiled once: hot paths (sign-up, pages) skip SQLite's parser. */
export function stmt(db: Db, sql: string): Statement {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let s = cache.get(sql);
  if (!s) cache.set(sql, (s = db.prepare(sql)));
  return s;
}

/** Runs `fn` in a transaction, or simply runs it when the caller already holds one (no savepoint to pay for). */
export function atomically<T>(db: Db, fn: () => T): T {
  return db.inTransaction ? fn() : db.transaction(fn)();
}
