import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { openDb } from '../../src/db/open.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

const run = promisify(execFile);

// The real `paperboy` command (bin/paperboy.js → dist/, built by `npm test`'s tsc step).
describe('paperboy CLI', () => {
  let dir: string;
  let smtp: TestSmtp;
  let env: NodeJS.ProcessEnv;
  const paperboy = (...args: string[]) => run('node', ['bin/paperboy.js', ...args], { env });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-cli-'));
    smtp = await startSmtp();
    env = { ...process.env, PAPERBOY_DB: join(dir, 'p.db'), PAPERBOY_OUTBOX: join(dir, 'outbox'), SMTP_URL: smtp.url, LOG_LEVEL: 'warn' };
  });
  afterAll(async () => {
    await smtp.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has --help for every command', async () => {
    for (const cmd of ['serve', 'ingest', 'digest', 'preview', 'migrate', 'backup', 'restore', 'prune']) {
      const { stdout } = await paperboy(cmd, '--help');
      expect(stdout).toMatch(new RegExp(`^Usage: paperboy ${cmd}`));
    }
  });

  it('asks for PUBLIC_URL behind a wildcard HOST only where links are made (the container runs restore without it)', async () => {
    const wild = { ...env, HOST: '0.0.0.0', PUBLIC_URL: '', PAPERBOY_DB: join(dir, 'wild.db') };
    const cmd = (...args: string[]) => run('node', ['bin/paperboy.js', ...args], { env: wild }).then(() => 0, (e: { code: number; stderr: string }) => e);
    expect(await cmd('migrate')).toBe(0);
    expect(await cmd('sources')).toBe(0);
    const refused = await cmd('digest', '--dry-run');
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringMatching(/Invalid PUBLIC_URL: must be set when HOST is 0\.0\.0\.0/) });
  });

  it('migrates, ingests, and sends a due digest exactly once per day', async () => {
    expect((await paperboy('migrate')).stdout).toMatch(/applied 001_init\.sql/);
    expect((await paperboy('ingest', 'test/fixtures/hf-papers-page.txt')).stdout).toMatch(/199 new, 0 updated, 0 rejected/);
    const db = openDb(join(dir, 'p.db'));
    migrate(db);
    db.prepare(`INSERT INTO subscribers (email, status, keywords, timezone, hour, created_at)
                VALUES ('cli@example.org', 'active', '["diffusion"]', 'UTC', 6, '2026-01-01')`).run();
    db.close();
    const at = new Date(Date.now() + 60_000);
    at.setUTCHours(7);
    const now = at.toISOString();

    // A dry run says what it would do, not that it sent (issue 22, item 19).
    expect((await paperboy('digest', '--now', now, '--dry-run')).stdout).toBe('dry run: due 1, would send 1, would skip 0; nothing was sent or recorded\n');
    expect(smtp.messages).toHaveLength(0);
    const preview = await paperboy('preview', 'cli@example.org', '--html', join(dir, 'preview.html'), '--now', now);
    expect(preview.stdout).toMatch(/^Subject: .+/);
    expect(existsSync(join(dir, 'preview.html'))).toBe(true);
    const ranked = JSON.parse((await paperboy('preview', 'cli@example.org', '--json', '--now', now)).stdout) as { id: string; title: string; score: number; why: string[] }[];
    expect(ranked.length).toBeGreaterThan(0);
    expect(ranked[0]).toEqual({ id: expect.any(String), title: expect.any(String), score: expect.any(Number), why: expect.any(Array) });
    expect(ranked[0].why.join(' ')).toMatch(/diffusion/);

    expect((await paperboy('digest', '--now', now)).stdout).toMatch(/due 1, sent 1, skipped 0, failed 0/);
    // Run again (or after serve sent it): nothing due, and why that can be.
    expect((await paperboy('digest', '--now', now)).stdout).toBe('due 0, sent 0, skipped 0, failed 0 (nothing due now: the one active subscriber has ' +
      "today's digest already, sent by `node bin/paperboy.js serve` within a minute of their hour (`node bin/paperboy.js deliveries --all` lists them), or their hour has not come yet)\n");
    await smtp.waitFor(1);
    expect(smtp.messages.map((m) => m.to && 'text' in m.to ? m.to.text : '')).toEqual(['cli@example.org']);
  });

  it('stops with the name of a badly configured variable', async () => {
    const bad = await run('node', ['bin/paperboy.js', 'migrate'], { env: { ...env, PORT: 'eighty' } }).then(() => null, (e) => e);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Invalid PORT/);
  });

  it('writes mails as .eml files into the outbox when SMTP_URL is unset', async () => {
    const outEnv = { ...env, SMTP_URL: '', PAPERBOY_DB: join(dir, 'o.db') };
    await run('node', ['bin/paperboy.js', 'migrate'], { env: outEnv });
    await run('node', ['bin/paperboy.js', 'ingest', 'test/fixtures/hf-papers-page.txt'], { env: outEnv });
    const db = openDb(join(dir, 'o.db'));
    db.prepare(`INSERT INTO subscribers (email, status, timezone, hour, created_at) VALUES ('out@example.org', 'active', 'UTC', 0, '2026-01-01')`).run();
    db.close();
    const { stdout } = await run('node', ['bin/paperboy.js', 'digest'], { env: outEnv });
    expect(stdout).toMatch(/sent 1/);
    const files = readdirSync(join(dir, 'outbox')).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(1);
  });
});
