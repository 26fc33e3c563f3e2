// The database file itself: giving pruned space back to the file system, and holding the file alone for the work
// that must not run beside a server (restoring a backup, rewriting the file).
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import type { Db } from './open.js';

/** PRAGMA auto_vacuum's value for INCREMENTAL: free pages stay in the file until `incremental_vacuum` returns them. */
const INCREMENTAL = 2;

/** True when `db` can give free pages back to the file system (made with incremental auto-vacuum, or converted). */
export function returnsSpace(db: Db): boolean {
  return db.pragma('auto_vacuum', { simple: true }) === INCREMENTAL;
}

/** Pages on the free list: space deleted rows left that the file still holds (and reuses for new rows). */
export function freePages(db: Db): number {
  return db.pragma('freelist_count', { simple: true }) as number;
}

/** Gives up to `pages` free pages back to the file system in one short write transaction (in WAL mode the file
 *  shrinks at the next checkpoint); does nothing unless returnsSpace(db). */
export function returnFreePages(db: Db, pages: number): void {
  // Moves the pages at the end of the file into free slots and cuts the end off.
  db.exec(`PRAGMA incremental_vacuum(${Math.max(1, Math.floor(pages))})`);
}

/**
 * Opens `file` so that no other connection can read or write it until it is closed (EXCLUSIVE locking mode, taken
 * at once); null when another process has it open, e.g. a running `paperboy serve`. A missing file is not opened: null
 * with `missing` true.
 */
export function openAlone(file: string): { db: Db | null; missing: boolean } {
  if (!existsSync(file)) return { db: null, missing: true };
  const db = new Database(file);
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    // The first write takes the exclusive lock, which fails while any other connection has the file open.
    db.exec('BEGIN EXCLUSIVE; COMMIT');
    return { db, missing: false };
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') return { db: null, missing: false };
    throw err;
  }
}

/**
 * Rewrites the file of `db` (held alone: see openAlone) with incremental auto-vacuum, so that pruned space can go back
 * to the file system. Databases made before this had none; new ones get it from openDb. Takes about as long as copying
 * the file. Returns false when there was nothing to do.
 */
export function convertToIncrementalVacuum(db: Db): boolean {
  if (returnsSpace(db)) return false;
  db.pragma('auto_vacuum = INCREMENTAL');
  // Only VACUUM applies a new auto_vacuum setting to a database that has tables.
  db.exec('VACUUM');
  return true;
}
