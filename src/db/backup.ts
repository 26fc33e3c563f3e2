// `paperboy backup` and `paperboy restore`: SQLite's online backup API (through better-sqlite3), which copies a
// consistent snapshot while other processes go on reading and writing. The search index file is not copied: it is
// derived from papers, and a restore deletes it so that the next start rebuilds it from the restored papers.
import Database from 'better-sqlite3';
import { closeSync, fsyncSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openAlone } from './maintenance.js';
import { loadMigrations } from './migrate.js';

/** better-sqlite3 copies this many pages per step after the first; asking for all of them makes the copy one read
 *  transaction, so that a busy server's writes cannot restart it (SQLite restarts a backup the source changed under). */
const ALL_PAGES = 0x7fffffff;

/** What a backup or restore did. */
export interface CopyReport {
  bytes: number;
  ms: number;
}

/** Raised with a message for the operator when a backup or restore cannot be made; nothing live was changed. */
export class BackupError extends Error {}

/** Writes a consistent copy of the live database `file` to `target` while others may use it: a temporary file beside
 *  the target, checked with PRAGMA integrity_check, made a plain single file (no WAL), then renamed into place. */
export async function backupDatabase(file: string, target: string): Promise<CopyReport> {
  const started = performance.now();
  const to = resolve(target);
  if ([file, `${file}-wal`, `${file}-search`].map((f) => resolve(f)).includes(to)) throw new BackupError(`${to} is the live database itself; choose another file`);
  const partial = createPrivate(`${to}.partial-${process.pid}`, to);
  try {
    const source = new Database(file, { fileMustExist: true });
    try {
      source.pragma('busy_timeout = 5000');
      await source.backup(partial, { progress: () => ALL_PAGES });
    } finally {
      source.close();
    }
    standalone(partial);
    const fd = openSync(partial, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(partial, to);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err instanceof BackupError ? err : new BackupError(`cannot write the backup to ${to}: ${(err as Error).message}`);
  }
  return { bytes: statSync(to).size, ms: performance.now() - started };
}

/** Creates `path` empty and readable by its owner only (a backup holds addresses and the link secret): SQLite keeps
 *  the mode of a file it opens. Failing here is the clear "cannot write" case: missing folder, no permission, full disk. */
function createPrivate(path: string, target: string): string {
  try {
    if (statSync(target, { throwIfNoEntry: false })?.isDirectory()) throw new Error('it is a folder; give a file name such as ' + resolve(target, 'paperboy.db'));
    closeSync(openSync(path, 'wx', 0o600));
    return path;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? `the folder ${dirname(target)} does not exist`
      : e.code === 'ENOTDIR' ? `${dirname(target)} is not a folder`
        : e.code === 'EACCES' || e.code === 'EPERM' ? `no permission to write in ${dirname(target)}`
          : e.code === 'EROFS' ? 'the file system is read-only' : e.code === 'ENOSPC' ? 'the disk is full' : e.message;
    throw new BackupError(`cannot write the backup to ${target}: ${why}`);
  }
}

/** Makes a copy a single file in rollback-journal mode and checks it page by page. */
function standalone(file: string): void {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
    const problems = db.pragma('integrity_check') as { integrity_check: string }[];
    if (problems[0]?.integrity_check !== 'ok') throw new BackupError(`the copy fails PRAGMA integrity_check: ${problems.map((p) => p.integrity_check).join('; ')}`);
  } finally {
    db.close();
  }
}

/**
 * Replaces the database `file` with the backup `source`, after checking that the backup is whole and a Paperboy
 * database no newer than this code, and that no other process has `file` open. The database as it was is kept as
 * `<file>.before-restore`. The copy goes in through the backup API in one transaction: a failure leaves `file` as it
 * was. The search index file is deleted (the next start rebuilds it from the restored papers).
 */
export async function restoreDatabase(file: string, source: string): Promise<CopyReport & { kept: string | null }> {
  const started = performance.now();
  const from = resolve(source);
  checkBackup(from);
  const live = openAlone(file);
  if (!live.missing && !live.db) throw new BackupError(`${file} is in use by another process (a running \`paperboy serve\`?): stop it, then restore`);
  live.db?.close();
  let kept: string | null = null;
  if (!live.missing) {
    kept = `${file}.before-restore`;
    await backupDatabase(file, kept);
  } else {
    createPrivate(file, file);
  }
  const db = new Database(from, { readonly: true, fileMustExist: true });
  try {
    await db.backup(file, { progress: () => ALL_PAGES });
  } catch (err) {
    if (live.missing) rmSync(file, { force: true });
    throw new BackupError(`cannot restore into ${file}: ${(err as Error).message}; it is as it was`);
  } finally {
    db.close();
  }
  for (const suffix of ['-search', '-search-wal', '-search-shm']) rmSync(file + suffix, { force: true });
  return { bytes: statSync(file).size, ms: performance.now() - started, kept };
}

/** Refuses a file that is not a whole SQLite database, fails PRAGMA integrity_check, or is not a Paperboy database
 *  this code can run (its newest migration unknown here). */
export function checkBackup(file: string): void {
  const header = readHeader(file);
  if (header.length < 100 || header.toString('latin1', 0, 16) !== 'SQLite format 3\0') throw new BackupError(`${file} is not an SQLite database. Nothing was restored`);
  const pageSize = header.readUInt16BE(16) === 1 ? 65536 : header.readUInt16BE(16);
  const expected = pageSize * header.readUInt32BE(28);
  const size = statSync(file).size;
  if (size < expected) throw new BackupError(`${file} is cut short: its header says ${expected} bytes, the file has ${size}. Nothing was restored`);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new BackupError(`cannot open ${file}: ${(err as Error).message}. Nothing was restored`);
  }
  try {
    const problems = (db.pragma('integrity_check') as { integrity_check: string }[]).map((p) => p.integrity_check);
    if (problems[0] !== 'ok') throw new BackupError(`${file} is damaged (PRAGMA integrity_check: ${problems.slice(0, 3).join('; ')}). Nothing was restored`);
    const paperboy = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").pluck().get() === 1;
    if (!paperboy) throw new BackupError(`${file} is not a Paperboy database (it has no schema_migrations table). Nothing was restored`);
    const version = db.prepare('SELECT COALESCE(max(version), 0) FROM schema_migrations').pluck().get() as number;
    const known = Math.max(...loadMigrations().map((m) => m.version));
    if (version > known) throw new BackupError(`${file} was made by a newer Paperboy (migration ${version}; this one knows up to ${known}): upgrade first`);
  } catch (err) {
    throw err instanceof BackupError ? err : new BackupError(`${file} is damaged (${(err as Error).message}). Nothing was restored`);
  } finally {
    db.close();
  }
}

/** The first 100 bytes of a file (an SQLite header), or fewer when the file is shorter. */
function readHeader(file: string): Buffer {
  const buf = Buffer.alloc(100);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new BackupError(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return buf.subarray(0, readSync(fd, buf, 0, 100, 0));
  } finally {
    closeSync(fd);
  }
}
