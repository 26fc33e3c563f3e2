// `npm start` on a fresh checkout: no configuration, a store under ./data, the sample papers, mails as .eml files.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { getSetting } from '../../src/store/settings.js';

/** A setting read from the database file, as another process would. */
function readSetting(file: string, key: string): string | null {
  const db = openDb(file);
  try {
    return getSetting(db, key);
  } finally {
    db.close();
  }
}

/** A loopback port nobody listens on right now. */
async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

/** Resolves with the process's output once `text` appears in it. */
function waitFor(child: ChildProcess, text: string): Promise<string> {
  let out = '';
  return new Promise((ok, fail) => {
    const seen = (b: Buffer) => { out += b; if (out.includes(text)) ok(out); };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.once('exit', (code) => fail(new Error(`exited ${code} before "${text}":\n${out}`)));
  });
}

// By a service manager (output to a pipe): JSON lines, as journald and log shippers read them.
describe('paperboy serve with no configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-serve-'));
  let child: ChildProcess | undefined;
  afterAll(() => { child?.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }); });

  it('creates ./data, ingests the sample as a recorded run, writes mails to ./data/outbox, and stops on SIGTERM', async () => {
    const port = await freePort();
    // The one setting a test must make: by default Paperboy fetches Hugging Face and arXiv, and tests never use the network.
    const env = { ...process.env, PORT: String(port), PAPERBOY_SOURCES: 'none', METRICS_TOKEN: 'operator-token-0123456789abcdef' };
    for (const key of ['PAPERBOY_DB', 'PAPERBOY_OUTBOX', 'SMTP_URL', 'PUBLIC_URL', 'LOG_LEVEL', 'MAIL_FROM', 'INSTANCE_NAME', 'ALLOWED_EMAIL_DOMAINS']) delete env[key];
    child = spawn('node', [resolve('bin/paperboy.js'), 'serve'], { cwd: dir, env });
    const learned = waitFor(child, 'learned the semantic space from 287 papers');
    const log = await waitFor(child, 'Paperboy is running');
    expect(log).toContain(join(dir, 'data', 'paperboy.db'));
    expect(log).toContain('sources: none (PAPERBOY_SOURCES=none: nothing is fetched)');
    expect(existsSync(join(dir, 'data', 'paperboy.db'))).toBe(true);

    const health = await (await fetch(`http://127.0.0.1:${port}/healthz`, { headers: { authorization: 'Bearer operator-token-0123456789abcdef' } }))
      .json() as { papers: number; ingest: { source: string; new: number }[]; warnings: string[] };
    expect(health.papers).toBe(287);
    // The operator sees the sample file by its name only: no absolute server path leaves the server.
    expect(health.ingest).toEqual([expect.objectContaining({ source: 'papers.jsonl.gz', new: 287 })]);
    expect(health.warnings).toEqual([]);
    // Commands run beside it learn the PUBLIC_URL its links use.
    expect(readSetting(join(dir, 'data', 'paperboy.db'), 'public_url')).toBe(`http://127.0.0.1:${port}`);

    const res = await fetch(`http://127.0.0.1:${port}/api/subscriptions`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'fresh@example.org', keywords: ['diffusion'] }),
    });
    expect(res.status).toBe(202);
    const outbox = join(dir, 'data', 'outbox');
    // Only finished mails: the outbox writes `<name>.eml.tmp` first and renames it when complete.
    const mails = () => (existsSync(outbox) ? readdirSync(outbox) : []).filter((f) => f.endsWith('.eml'));
    await expect.poll(() => mails().length).toBe(1);
    expect(readFileSync(join(outbox, mails()[0]!), 'utf8')).toMatch(/^To: fresh@example\.org\r?$/m);

    // The semantic space is learned on a worker thread with a connection of its own; the file stays locked by the
    // server throughout, so a restore beside it is still refused (opening and closing the file behind SQLite's back
    // would drop the server's locks: a restore then got through and the server saw 'disk I/O error').
    await learned;
    const cli = (...args: string[]) => spawnSync('node', [resolve('bin/paperboy.js'), ...args], { cwd: dir, env, encoding: 'utf8' });
    expect(cli('backup', join(dir, 'copy.db')).status).toBe(0);
    const restore = cli('restore', join(dir, 'copy.db'));
    expect(restore.status).toBe(1);
    expect(restore.stderr).toMatch(/is in use by another process/);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

    const exited = new Promise<number | null>((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

describe('paperboy serve at a terminal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-serve-tty-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('logs one readable line an event', async () => {
    const port = await freePort();
    const env = { ...process.env, PORT: String(port), PAPERBOY_SOURCES: 'none', LOG_LEVEL: 'info' };
    for (const key of ['PAPERBOY_DB', 'PAPERBOY_OUTBOX', 'SMTP_URL', 'PUBLIC_URL', 'MAIL_FROM', 'INSTANCE_NAME']) delete env[key];
    // `script` gives serve a pseudo-terminal, as a person running it by hand has; its own process group, to stop it.
    const child = spawn('script', ['-qec', `${process.execPath} ${resolve('bin/paperboy.js')} serve`, '/dev/null'], { cwd: dir, env, detached: true });
    try {
      const out = await waitFor(child, 'Paperboy is running');
      const lines = out.split(/\r?\n/).filter((l) => l.includes('INFO') || l.includes('{"level"'));
      expect(lines.length).toBeGreaterThan(2);
      // eslint-disable-next-line no-control-regex
      for (const line of lines) expect(line.replace(/\x1b\[[0-9;]*m/g, '')).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: /);
      expect(out).toMatch(/INFO.*: .*Paperboy is running at http:\/\/127\.0\.0\.1:\d+/);
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
    }
  });
});
