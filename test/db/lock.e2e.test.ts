// A command run while another process holds the database's write lock (serve starting, an ingest) waits for it,
// says so after a second and names the holder, and goes on when the lock is free; it never fails with "database is
// locked". The holder is a real second process with its own connection to the same file.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseLocked, lockHolders, waitForDatabase } from '../../src/db/lock.js';
import { migrate } from '../../src/db/migrate.js';
import { closeDb, openDb } from '../../src/db/open.js';

/** A process that takes the write lock of `file`, prints "locked", and commits when a line arrives on its stdin. */
function holdLock(file: string): Promise<ChildProcess> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(file)});
    db.exec('BEGIN IMMEDIATE');
    db.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES ('held', 'yes')").run();
    process.stdout.write('locked\\n');
    process.stdin.once('data', () => { db.exec('COMMIT'); db.close(); process.exit(0); });`;
  const child = spawn(process.execPath, ['-e', script], { cwd: resolve('.'), stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((ok, fail) => {
    child.stdout!.once('data', () => ok(child));
    child.once('exit', (code) => fail(new Error(`the lock holder exited with ${code}`)));
  });
}

/** Collects a stream's text and resolves `until(text)` when a chunk makes it true. */
function collect(stream: NodeJS.ReadableStream) {
  let text = '';
  const waiters: [RegExp, () => void][] = [];
  stream.on('data', (c: Buffer) => {
    text += c.toString();
    for (const [re, done] of waiters) if (re.test(text)) done();
  });
  return { text: () => text, until: (re: RegExp) => (re.test(text) ? Promise.resolve() : new Promise<void>((ok) => waiters.push([re, ok]))) };
}

describe('a command and the write lock of another process', () => {
  let dir: string;
  let file: string;
  let holder: ChildProcess | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-lock-'));
    file = join(dir, 'p.db');
    const db = openDb(file);
    migrate(db);
    await closeDb(db);
  });
  afterEach(() => { holder?.kill(); holder = undefined; });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('waits, says so naming the holder, and goes on once the lock is free', async () => {
    holder = await holdLock(file);
    const cli = spawn(process.execPath, ['bin/paperboy.js', 'ingest', 'test/fixtures/hf-daily/2025-01-10.json'], {
      env: { ...process.env, PAPERBOY_DB: file, LOG_LEVEL: 'warn', PUBLIC_URL: 'http://paperboy.test' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = collect(cli.stdout!);
    const err = collect(cli.stderr!);
    await err.until(/waiting for the database/);
    expect(err.text()).toMatch(new RegExp(`^paperboy: waiting for the database ${file}: pid ${holder.pid} \\(\\S+ -e .*\\) is writing to it; giving up after a minute\\n$`, 's'));
    // The holder commits; the command, still waiting, goes on.
    holder.stdin!.write('done\n');
    const [code] = await once(cli, 'exit') as [number];
    expect(code, err.text()).toBe(0);
    expect(out.text()).toMatch(/2025-01-10\.json: 9 new, 0 updated, 0 rejected/);
    expect(err.text()).not.toMatch(/database is locked/);
  });

  it('gives up after its time, naming who holds the lock', async () => {
    holder = await holdLock(file);
    expect(lockHolders(file)).toEqual([expect.stringMatching(new RegExp(`^pid ${holder.pid} \\(`))]);
    const said: string[] = [];
    const wait = waitForDatabase(file, { timeoutMs: 1500, onWait: (m) => said.push(m) });
    await expect(wait).rejects.toBeInstanceOf(DatabaseLocked);
    await expect(wait).rejects.toThrow(new RegExp(`^the database ${file} stayed locked for 1\\.5 s by pid ${holder.pid} \\(.*\\): run this command again once that is done$`, 's'));
    expect(said).toEqual([expect.stringMatching(/^waiting for the database .* giving up after 1\.5 s$/s)]);
    holder.stdin!.write('done\n');
    await once(holder, 'exit');
    holder = undefined;
    // Free again: no wait, nothing said.
    const quiet: string[] = [];
    await waitForDatabase(file, { timeoutMs: 1500, onWait: (m) => quiet.push(m) });
    expect(quiet).toEqual([]);
  });
});
