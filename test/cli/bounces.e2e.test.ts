import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bounceAddress } from '../../src/mail/verp.js';
import { migrate } from '../../src/db/migrate.js';
import { openDb } from '../../src/db/open.js';
import { startDovecot, type TestImap } from '../helpers/dovecot.js';

const run = promisify(execFile);
const SECRET = 'cli-test-secret-0123456789abcdef0123456789';

// The real `paperboy bounces` command against a real Dovecot: a dry run, a pass, and a clear error when it cannot.
describe('paperboy bounces', () => {
  let dir: string;
  let imap: TestImap;
  let env: NodeJS.ProcessEnv;
  const paperboy = (...args: string[]) => run('node', ['bin/paperboy.js', 'bounces', ...args], { env });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-cli-bounces-'));
    imap = await startDovecot();
    env = { ...process.env, PAPERBOY_DB: join(dir, 'p.db'), PAPERBOY_SECRET: SECRET, BOUNCE_ADDRESS: 'bounces@lab.example.org', BOUNCE_IMAP_URL: imap.url(), LOG_LEVEL: 'warn' };
    const db = openDb(join(dir, 'p.db'));
    migrate(db);
    const id = Number(db.prepare(`INSERT INTO subscribers (email, status, timezone, hour, created_at) VALUES ('gone@example.net', 'active', 'UTC', 8, '2026-01-01')`).run().lastInsertRowid);
    db.close();
    const fill = (name: string) => readFileSync(`test/fixtures/bounces/${name}.eml`, 'utf8')
      .replaceAll('{{VERP}}', bounceAddress(SECRET, 'bounces@lab.example.org', { subscriberId: id, digestId: 0 }))
      .replaceAll('{{RCPT}}', 'gone@example.net').replaceAll('{{MSGID}}', '<digest.x@lab.example.org>');
    await imap.append('INBOX', fill('postfix-hard'), fill('junk'));
  });
  afterAll(async () => {
    await imap.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--dry-run reads and records nothing; a pass records the bounce and leaves the spam', async () => {
    expect((await paperboy('--dry-run')).stdout.trim())
      .toBe(`dry run: bounces@127.0.0.1:${imap.port}/INBOX: read 2: handled 1 (recorded 0, seen before 0), left in the mailbox: unknown 1, malformed 0`);
    expect((await paperboy()).stdout).toMatch(/: read 2: handled 1 \(recorded 1, seen before 0\), left in the mailbox: unknown 1, malformed 0$/m);
    expect((await paperboy()).stdout).toMatch(/: read 0: handled 0/);
    const db = openDb(join(dir, 'p.db'));
    expect(db.prepare('SELECT hard_bounces, suspended_reason FROM subscribers').get()).toEqual({ hard_bounces: 1, suspended_reason: '1 hard bounce' });
    db.close();
    expect(await imap.messageIds('INBOX')).toEqual(['<8a7d6e5f.junk@deals.example.com>']);
  });

  it('says why it cannot: no mailbox set, a refused login (exit code 1, no password shown)', async () => {
    const unset = await run('node', ['bin/paperboy.js', 'bounces'], { env: { ...env, BOUNCE_IMAP_URL: '' } }).catch((e: { code: number; stderr: string }) => e);
    expect(unset).toMatchObject({ code: 1, stderr: 'paperboy: BOUNCE_IMAP_URL is not set: there is no bounce mailbox to read\n' });
    const refused = await run('node', ['bin/paperboy.js', 'bounces'], { env: { ...env, BOUNCE_IMAP_URL: imap.url('wrong-password') } }).catch((e: { code: number; stderr: string }) => e);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringMatching(/^paperboy: bounce mailbox bounces@127\.0\.0\.1:\d+\/INBOX: 127\.0\.0\.1 refused the login of bounces: check the user and password in BOUNCE_IMAP_URL/) });
    expect((refused as { stderr: string }).stderr).not.toContain('wrong-password');
  });
});
