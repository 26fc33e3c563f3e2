// `paperboy prune`, `paperboy migrate` on a file made before incremental vacuum, and the retention setting, through the
// real command line (bin/paperboy.js → dist/, built by `npm test`'s tsc step).
import Database from 'better-sqlite3';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { openDb, type Db } from '../../src/db/open.js';
import { claimDigest } from '../../src/store/digests.js';
import { upsertPapers } from '../../src/store/papers.js';
import { ranked, samplePapers } from '../helpers/digest.js';
import { addSubscribers } from '../helpers/subscribers.js';

const run = promisify(execFile);
const DAY = 86_400_000;

/** Runs the CLI; resolves with its exit code and output whatever the code. */
async function paperboy(env: NodeJS.ProcessEnv, args: string[], prefix: string[] = []): Promise<{ code: number; out: string }> {
  const [cmd, ...rest] = [...prefix, process.execPath, 'bin/paperboy.js', ...args];
  return run(cmd, rest, { env }).then((r) => ({ code: 0, out: r.stdout + r.stderr }), (e) => ({ code: e.code as number, out: `${e.stdout}${e.stderr}` }));
}

/** `days` days of skipped-or-sent digests, a month and more ago, for 300 subscribers with two papers each. */
function oldHistory(db: Db): void {
  const papers = samplePapers();
  upsertPapers(db, papers, new Date(Date.now() - 90 * DAY));
  const subs = addSubscribers(db, 300);
  db.transaction(() => {
    for (let d = 40; d < 50; d++) {
      const at = new Date(Date.now() - d * DAY);
      for (const s of subs) {
        claimDigest(db, { subscriberId: s, date: at.toISOString().slice(0, 10), messageId: `<${s}.${d}@t>`, subject: 's', items: ranked(papers.slice(2 * (d - 40), 2 * (d - 39))) }, at);
      }
    }
  })();
}

/** True when this machine lets a process mount a tmpfs in a user and mount namespace of its own (util-linux unshare). */
function canMountTmpfs(): boolean {
  return spawnSync('unshare', ['-rm', 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs /mnt']).status === 0;
}

const count = (file: string, sql: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).pluck().get();
  } finally {
    db.close();
  }
};

describe('retention from the command line', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-prune-'));
    file = join(dir, 'p.db');
    env = { ...process.env, PAPERBOY_DB: file, LOG_LEVEL: 'warn' };
    const db = openDb(file);
    migrate(db);
    oldHistory(db);
    db.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['0', '13', '-1'])('refuses RETENTION_DAYS=%s at start, naming the variable', async (days) => {
    for (const args of [['serve'], ['prune']]) {
      const r = await paperboy({ ...env, RETENTION_DAYS: days, PORT: '0' }, args);
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/Invalid RETENTION_DAYS: must be at least 14 days: "never the same paper twice" reads a week of a subscriber's past digests, and this keeps a week of margin/);
    }
  });

  it.runIf(canMountTmpfs())('stops on a full disk with a clear message and exit code 1, the database intact and unchanged', () => {
    // A copy of the database on a tmpfs with room for the two shared-memory files and a few WAL pages, in a mount
    // namespace of its own: the first batch fills the disk (ENOSPC). The copy is checked in there, before it goes.
    const size = statSync(file).size + statSync(`${file}-search`).size + 80 * 1024;
    const script = `mount -t tmpfs -o size=${size} tmpfs "$1" && cp "$2" "$2-search" "$1"/ || exit 9
      PAPERBOY_DB="$1/p.db" "$3" bin/paperboy.js prune 2>&1; echo "exit=$?"
      "$3" -e 'const db = new (require("better-sqlite3"))(process.argv[1]); console.log(db.pragma("integrity_check", { simple: true }), db.prepare("SELECT count(*) FROM digests").pluck().get())' "$1/p.db"`;
    const mnt = mkdtempSync(join(tmpdir(), 'paperboy-full-'));
    const r = spawnSync('unshare', ['-rm', 'sh', '-c', script, 'sh', mnt, file, process.execPath], { env, encoding: 'utf8' });
    rmSync(mnt, { recursive: true, force: true });
    expect(r.stdout, r.stderr).toMatch(/^paperboy: pruning stopped: the disk is full\. The batch it was on was rolled back and the database is intact; what earlier batches removed stays removed\. Free some disk space and run `node bin\/paperboy\.js prune` again\nexit=1\nok 3000\n$/);
  });

  it('stops when a write fails (a file size limit) with a clear message and exit code 1, the database intact and unchanged', async () => {
    // Any write past 150,001 bytes fails (EFBIG): the first batch's WAL frames cannot all be written.
    const r = await paperboy(env, ['prune'], ['prlimit', '--fsize=150001']);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/^paperboy: pruning stopped: the database could not be written \(disk I\/O error\)\. The batch it was on was rolled back and the database is intact/m);
    expect(count(file, 'SELECT count(*) FROM digests')).toBe(3000);
    expect(count(file, 'PRAGMA integrity_check')).toBe('ok');
  });

  it('counts what it would delete with --dry-run, then deletes it and gives the space back', async () => {
    const dry = await paperboy(env, ['prune', '--dry-run']);
    expect(dry.out).toMatch(/^dry run \(RETENTION_DAYS=30\): would delete 3000 digests of days before \d{4}-\d\d-\d\d \(6000 papers listed in them, 0 delivery attempts\), 0 ingest runs/);
    expect(count(file, 'SELECT count(*) FROM digests')).toBe(3000);
    const r = await paperboy(env, ['prune']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/^pruned 3000 digests of days before .*; gave [1-9][\d.]* MB back to the file system; \d+ transactions/);
    expect(count(file, 'SELECT count(*) FROM digest_items')).toBe(0);
  });
});

describe('paperboy migrate on a file made before incremental vacuum', () => {
  it('rewrites it once so that pruned space goes back, not while another process has it open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-convert-'));
    const file = join(dir, 'old.db');
    const env = { ...process.env, PAPERBOY_DB: file, LOG_LEVEL: 'warn' };
    try {
      // The file as the code before this made it: no auto_vacuum, WAL.
      const old = new Database(file);
      old.pragma('journal_mode = WAL');
      old.prepare('ATTACH ? AS search').run(`${file}-search`);
      migrate(old);
      expect(old.pragma('auto_vacuum', { simple: true })).toBe(0);
      const busy = await paperboy(env, ['migrate']);
      expect(busy.out).toMatch(/is in use by another process: stop `node bin\/paperboy\.js serve` and run `node bin\/paperboy\.js migrate` again/);
      old.close();
      const r = await paperboy(env, ['migrate']);
      expect(r.out).toMatch(/rewrote .*old\.db in [\d.]+ s: pruned space now goes back to the file system/);
      expect(count(file, 'PRAGMA auto_vacuum')).toBe(2);
      expect(count(file, 'SELECT count(*) FROM schema_migrations')).toBeGreaterThan(7);
      expect((await paperboy(env, ['migrate'])).out).toMatch(/is up to date\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
