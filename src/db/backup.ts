// `paperboy backup` and `paperboy restore`: SQLite's online backup API (through better-sqlite3), which copies a
// consistent snapshot while other processes go on reading and writing. The search index file is not copied: it is
// derived from papers, and a restore deletes it so that the next start rebuilds it from the restored papers.
import Database from 'better-sqlite3';
import { closeSync, fsyncSync, openSync, readSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openAlone } from './maintenance.js';
import { loadMigrations, migrate } from './migrate.js';
import { commandLine } from '../command.js';

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
  if (isLiveFile(file, to)) throw new BackupError(`${to} is a file of the live database itself; choose another file`);
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

/** The files SQLite keeps beside a database (its WAL, shared memory and rollback journal), and the search index's. */
const LIVE_SUFFIXES = ['', '-wal', '-shm', '-journal', '-search', '-search-wal', '-search-shm', '-search-journal'];

/** True when `target` is the database `file` or one of the files beside it, by name (through symbolic links of its
 *  folder) or as the same file under another name (a link): writing there would overwrite what the server is using. */
function isLiveFile(file: string, target: string): boolean {
  const real = (f: string) => {
    try {
      return join(realpathSync(dirname(resolve(f))), basename(f));
    } catch {
      return resolve(f);
    }
  };
  const stat = (f: string) => {
    try {
      return statSync(f);
    } catch {
      return undefined; // missing, or not reachable (a file where a folder should be): createPrivate says why
    }
  };
  const to = real(target);
  const targetStat = stat(target);
  return LIVE_SUFFIXES.some((suffix) => {
    if (real(file + suffix) === to) return true;
    const live = stat(file + suffix);
    return !!live && !!targetStat && live.dev === targetStat.dev && live.ino === targetStat.ino;
  });
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
 * Replaces the database `file` with the backup `source`, after checking that the backup is whole, a Paperboy
 * database no newer than this code with exactly the schema its migrations make, and that no other process has
 * `file` open. The database as it was is kept as `<file>.before-restore`. The backup is copied beside `file` first,
 * where the links of the database being replaced are carried into it (see CARRY_LINK_MARKS), then copied in through the
 * backup API in one transaction: a failure leaves `file` as it was. The search index file is deleted (the next start
 * rebuilds it from the restored papers).
 */
export async function restoreDatabase(file: string, source: string): Promise<CopyReport & { kept: string | null }> {
  const started = performance.now();
  const from = resolve(source);
  checkBackup(from);
  const live = openAlone(file);
  if (!live.missing && !live.db) throw new BackupError(`${file} is in use by another process (a running ${commandLine('serve')}?): stop it, then restore`);
  live.db?.close();
  let kept: string | null = null;
  if (!live.missing) {
    kept = `${file}.before-restore`;
    await backupDatabase(file, kept);
  } else {
    createPrivate(file, file);
  }
  const staged = createPrivate(`${file}.restoring-${process.pid}`, file);
  try {
    const db = new Database(from, { readonly: true, fileMustExist: true });
    try {
      await db.backup(staged, { progress: () => ALL_PAGES });
    } finally {
      db.close();
    }
    if (kept) carryLinkMarks(staged, kept);
    const copy = new Database(staged, { fileMustExist: true });
    try {
      await copy.backup(file, { progress: () => ALL_PAGES });
    } finally {
      copy.close();
    }
  } catch (err) {
    if (live.missing) rmSync(file, { force: true });
    throw err instanceof BackupError ? err : new BackupError(`cannot restore into ${file}: ${(err as Error).message}; it is as it was`);
  } finally {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(staged + suffix, { force: true });
  }
  for (const suffix of ['-search', '-search-wal', '-search-shm']) rmSync(file + suffix, { force: true });
  return { bytes: statSync(file).size, ms: performance.now() - started, kept };
}

/**
 * Links stay with the people they were mailed to across a restore. A backup's highest subscriber and sign-up request
 * ids are lower than those of the database it replaces: without this, the next sign-ups would get the ids of people
 * who signed up after the backup, and the links mailed to those people (preferences, data export, delete) would open
 * the newcomers' subscriptions. The rows made after the backup are gone with the restore, so their ids count as
 * deleted ones (insertPending never hands those out); sign-up requests continue after the replaced file's last id;
 * and a subscriber in both keeps the higher link versions, so links retired after the backup stay retired.
 */
const CARRY_LINK_MARKS = `
  INSERT INTO settings (key, value) VALUES ('deleted_subscriber_max_id', (SELECT max(
      COALESCE((SELECT max(id) FROM replaced.subscribers), 0),
      COALESCE((SELECT CAST(value AS INTEGER) FROM replaced.settings WHERE key = 'deleted_subscriber_max_id'), 0))))
    ON CONFLICT (key) DO UPDATE SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER));
  DELETE FROM sqlite_sequence WHERE name = 'signup_requests' AND seq < COALESCE(
    (SELECT seq FROM replaced.sqlite_sequence WHERE name = 'signup_requests'), 0);
  INSERT INTO sqlite_sequence (name, seq)
    SELECT 'signup_requests', seq FROM replaced.sqlite_sequence WHERE name = 'signup_requests'
      AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'signup_requests');
  UPDATE subscribers SET token_version = max(subscribers.token_version, r.token_version),
                         manage_version = max(subscribers.manage_version, r.manage_version)
    FROM replaced.subscribers r WHERE r.id = subscribers.id AND r.email = subscribers.email;`;

/** Carries the link marks of the database being replaced (its copy `replaced`) into the restored copy `staged`. */
function carryLinkMarks(staged: string, replaced: string): void {
  const db = new Database(staged, { fileMustExist: true });
  try {
    db.prepare('ATTACH ? AS replaced').run(replaced);
    db.transaction(() => db.exec(CARRY_LINK_MARKS))();
  } catch (err) {
    throw new BackupError(`cannot carry the links of ${replaced} over into the restored database (${(err as Error).message}): ` +
      'without that, new sign-ups would get the ids of people who signed up after the backup. Nothing was restored');
  } finally {
    db.close();
  }
}

/** Refuses a file that is not a whole SQLite database, fails PRAGMA integrity_check, or is not a Paperboy database
 *  this code can run (its newest migration unknown here), or whose schema is not exactly what its migrations make
 *  (a trigger of its own would run inside the server on every write). */
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
    const differences = schemaDifferences(db, version);
    if (differences.length) {
      throw new BackupError(`${file} does not have the schema Paperboy's migrations make (${differences.slice(0, 3).join('; ')}${differences.length > 3 ? '; …' : ''}). Nothing was restored`);
    }
  } catch (err) {
    throw err instanceof BackupError ? err : new BackupError(`${file} is damaged (${(err as Error).message}). Nothing was restored`);
  } finally {
    db.close();
  }
}

/** One schema object as SQLite records it. */
type SchemaRow = { type: string; name: string; tbl_name: string; sql: string | null };

/** What the schema of `db` has that migrations 1..`version` do not make, and what it lacks: tables, indexes,
 *  triggers and views compared by their SQL, and the migrations recorded. Statistics ANALYZE may add are allowed. */
function schemaDifferences(db: Database.Database, version: number): string[] {
  const schema = (d: Database.Database) => new Map((d.prepare(`SELECT type, name, tbl_name, sql FROM sqlite_master
      WHERE NOT (type = 'table' AND name IN ('sqlite_stat1', 'sqlite_stat4'))`).all() as SchemaRow[])
    .map((r) => [`${r.type} ${r.name}`, JSON.stringify([r.tbl_name, r.sql])]));
  const reference = new Database(':memory:');
  try {
    const migrations = loadMigrations().filter((m) => m.version <= version);
    migrate(reference, migrations);
    const want = schema(reference);
    const have = schema(db);
    const out: string[] = [];
    for (const [k, v] of have) if (want.get(k) !== v) out.push(want.has(k) ? `${k} differs` : `an extra ${k}`);
    for (const k of want.keys()) if (!have.has(k)) out.push(`no ${k}`);
    const recorded = (db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all() as number[]).join(',');
    if (recorded !== migrations.map((m) => m.version).join(',')) out.push(`migrations recorded ${recorded || 'none'}, not ${migrations.map((m) => m.version).join(',')}`);
    return out;
  } finally {
    reference.close();
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
