// `paperboy backup` in the middle of a real send run (`paperboy digest` to an SMTP server on loopback), `paperboy
// restore`, and the ways both refuse, through the real command line (bin/paperboy.js → dist/, built by tsc).
import Database from 'better-sqlite3';
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRunDb } from '../helpers/send-run.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

const run = promisify(execFile);
const SUBSCRIBERS = 1500;
const NOW = '2026-11-29T09:00:00Z';

/** Runs the CLI; resolves with its exit code and output whatever the code. */
function paperboy(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; out: string }> {
  return run(process.execPath, ['bin/paperboy.js', ...args], { env }).then((r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e) => ({ code: e.code as number, out: `${e.stdout}${e.stderr}` }));
}

/** Every digest row of a database file: id → state. */
function digests(file: string): Map<number, string> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return new Map((db.prepare('SELECT id, state FROM digests').all() as { id: number; state: string }[]).map((r) => [r.id, r.state]));
  } finally {
    db.close();
  }
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('paperboy backup and restore', () => {
  let dir: string;
  let db: string;
  let env: NodeJS.ProcessEnv;
  let smtp: TestSmtp;
  let copy: string;
  let sentInCopy = 0;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-backup-'));
    db = join(dir, 'paperboy.db');
    copy = join(dir, 'backups', 'paperboy-2026-11-29.db');
    smtp = await startSmtp({ parse: false });
    sendRunDb(db, SUBSCRIBERS);
    // 300 messages a second: the run lasts about 5 s, long enough to back up in its middle.
    env = { ...process.env, PAPERBOY_DB: db, SMTP_URL: smtp.url, SMTP_RATE_PER_SECOND: '300', PUBLIC_URL: 'http://paperboy.test', LOG_LEVEL: 'silent' };
  });
  afterAll(async () => {
    await smtp.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies the database in the middle of a send run: the copy opens, passes integrity_check and holds every digest committed before', async () => {
    expect(existsSync('dist/cli.js'), 'run tsc first (npm test does)').toBe(true);
    const sending = spawn(process.execPath, ['bin/paperboy.js', 'digest', '--now', NOW], { env, stdio: 'ignore' });
    const finished = new Promise<number | null>((ok) => sending.on('exit', ok));
    while (smtp.received.length < 300 && sending.exitCode === null) await new Promise((r) => setTimeout(r, 10));
    const before = digests(db);
    mkdirSync(join(dir, 'backups'));

    const r = await paperboy(env, 'backup', copy);

    expect(r.code, r.out).toBe(0);
    expect(sending.exitCode, 'the send run was still going when the backup was done').toBeNull();
    expect(r.out).toMatch(/^backed up .*paperboy\.db to .*paperboy-2026-11-29\.db \([\d.]+ MB, [\d.]+ s; integrity check ok\)/);
    const held = digests(copy);
    expect(before.size).toBeGreaterThanOrEqual(300);
    expect(before.size).toBeLessThan(SUBSCRIBERS);
    for (const [id, state] of before) {
      expect(held.has(id), `digest ${id}`).toBe(true);
      if (state === 'sent') expect(held.get(id)).toBe('sent');
    }
    const c = new Database(copy, { readonly: true });
    expect(c.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(c.pragma('journal_mode', { simple: true })).toBe('delete');
    c.close();
    expect(statSync(copy).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'backups'))).toEqual(['paperboy-2026-11-29.db']);
    expect(await finished).toBe(0);
    sentInCopy = [...held.values()].filter((s) => s === 'sent').length;
    console.log(`backup in the middle of a send run: ${before.size} digests committed before it began, ${held.size} in the copy ` +
      `(${sentInCopy} sent); ${r.out.match(/\(([\d.]+ MB, [\d.]+ s)/)![1]}; the run went on to ${SUBSCRIBERS}`);
  }, 60_000);

  it('refuses a target it cannot write, leaving the live database untouched', async () => {
    const hash = sha(db);
    writeFileSync(join(dir, 'a-file'), '');
    symlinkSync(db, join(dir, 'link.db'));
    for (const [target, message] of [
      [join(dir, 'missing', 'x.db'), `cannot write the backup to ${join(dir, 'missing', 'x.db')}: the folder ${join(dir, 'missing')} does not exist`],
      [join(dir, 'a-file', 'x.db'), `cannot write the backup to ${join(dir, 'a-file', 'x.db')}: ${join(dir, 'a-file')} is not a folder`],
      [join(dir, 'backups'), `cannot write the backup to ${join(dir, 'backups')}: it is a folder`],
      // Every file of the live database: the shared memory, WAL, journal and the search index's (issue 21), and the
      // database under another name.
      ...['', '-shm', '-wal', '-journal', '-search', '-search-wal'].map((suffix) => [db + suffix, `${db + suffix} is a file of the live database itself; choose another file`]),
      [join(dir, 'link.db'), `${join(dir, 'link.db')} is a file of the live database itself; choose another file`],
    ]) {
      const r = await paperboy(env, 'backup', target);
      expect(r.code, target).toBe(1);
      expect(r.out).toContain(`paperboy: ${message}`);
    }
    expect(sha(db)).toBe(hash);
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('refuses to restore a truncated or foreign file, or while the database is in use, leaving it untouched', async () => {
    const hash = sha(db);
    const cut = join(dir, 'cut.db');
    writeFileSync(cut, readFileSync(copy).subarray(0, Math.floor(statSync(copy).size / 2)));
    const foreign = join(dir, 'foreign.db');
    new Database(foreign).exec('CREATE TABLE t (x)').close();
    // A whole Paperboy backup carrying a trigger of its own, which would copy each new address into a public page.
    const rigged = join(dir, 'rigged.db');
    copyFileSync(copy, rigged);
    new Database(rigged).exec(`CREATE TRIGGER leak AFTER INSERT ON subscribers BEGIN
      UPDATE papers SET title = NEW.email WHERE rowid = (SELECT min(rowid) FROM papers); END`).close();
    const extraTable = join(dir, 'extra.db');
    copyFileSync(copy, extraTable);
    new Database(extraTable).exec('CREATE TABLE notes (x); DROP INDEX IF EXISTS subscribers_status').close();
    const expected: [string, RegExp][] = [
      [rigged, /rigged\.db does not have the schema Paperboy's migrations make \(an extra trigger leak\)\. Nothing was restored/],
      [extraTable, /extra\.db does not have the schema Paperboy's migrations make \(an extra table notes; no index subscribers_status\)\. Nothing was restored/],
      [cut, /is cut short: its header says \d+ bytes, the file has \d+\. Nothing was restored/],
      [foreign, /is not a Paperboy database \(it has no schema_migrations table\)\. Nothing was restored/],
      [join(dir, 'a-file'), /is not an SQLite database\. Nothing was restored/],
      [join(dir, 'nowhere.db'), /cannot read .*nowhere\.db: ENOENT/],
    ];
    for (const [file, message] of expected) {
      const r = await paperboy(env, 'restore', file);
      expect(r.code, file).toBe(1);
      expect(r.out).toMatch(message);
    }
    // A connection that has read the file, as a running server's has.
    const open = new Database(db);
    open.prepare('SELECT count(*) FROM digests').get();
    const busy = await paperboy(env, 'restore', copy);
    open.close();
    expect(busy.code).toBe(1);
    expect(busy.out).toMatch(/paperboy\.db is in use by another process \(a running `node bin\/paperboy\.js serve`\?\): stop it, then restore/);
    expect(sha(db)).toBe(hash);
    expect(existsSync(`${db}.before-restore`)).toBe(false);
  });

  it('restores the copy, keeping the database as it was, and the next run sends what the copy had not sent', async () => {
    const after = digests(db);
    expect([...after.values()].every((s) => s === 'sent')).toBe(true);
    const received = smtp.received.length;

    const r = await paperboy(env, 'restore', copy);

    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/^restored .*paperboy-2026-11-29\.db into .*paperboy\.db \([\d.]+ MB, [\d.]+ s\); the database as it was is in .*paperboy\.db\.before-restore/);
    expect(digests(db)).toEqual(digests(copy));
    expect(digests(`${db}.before-restore`)).toEqual(after);
    expect(existsSync(`${db}-search`)).toBe(false);
    // The index is rebuilt from the restored papers.
    expect((await paperboy(env, 'search', 'diffusion', '--limit', '1')).out).toMatch(/^\S+ {2}.*diffusion/im);
    // Everything the copy had not recorded as sent goes out (again): restoring loses what happened after the backup.
    const again = await paperboy(env, 'digest', '--now', NOW);
    expect(again.code, again.out).toBe(0);
    expect(smtp.received.length - received).toBe(SUBSCRIBERS - sentInCopy);
    expect(new Set(digests(db).values())).toEqual(new Set(['sent']));
  }, 60_000);
});
