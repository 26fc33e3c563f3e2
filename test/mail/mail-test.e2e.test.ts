// Mail that is known to work (issue 22, item 8): `paperboy mail-test <address>` sends one real mail through the configured
// relay (a real SMTP server on loopback here) and prints its answer; serve and the detailed /healthz warn when a
// public instance's mail goes to the outbox folder.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { closeContext, createContext } from '../../src/context.js';
import { buildApp } from '../../src/http/app.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

const exec = promisify(execFile);
const BIN = resolve('bin/paperboy.js');

/** Runs `paperboy …` with `env`; resolves with the output and exit code, failing or not. */
function paperboy(env: NodeJS.ProcessEnv, ...args: string[]) {
  return exec(process.execPath, [BIN, ...args], { env }).then((r) => ({ ...r, code: 0 }),
    (e: { stdout: string; stderr: string; code: number }) => ({ stdout: e.stdout, stderr: e.stderr, code: e.code }));
}

describe('paperboy mail-test', () => {
  let dir: string;
  let smtp: TestSmtp;
  let refusing: TestSmtp;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-mailtest-'));
    smtp = await startSmtp();
    refusing = await startSmtp({ script: { rcpt: () => ({ code: 550, text: '5.7.1 Relaying denied' }) } });
    env = { ...process.env, PAPERBOY_DB: join(dir, 'p.db'), PAPERBOY_OUTBOX: join(dir, 'outbox'), PUBLIC_URL: 'https://papers.vision-lab.org',
      MAIL_FROM: 'Vision Lab papers <papers@vision-lab.org>', INSTANCE_NAME: 'Vision Lab papers', LOG_LEVEL: 'warn' };
    delete env.SMTP_URL;
    expect((await paperboy(env, 'migrate')).code).toBe(0);
  });
  afterAll(async () => {
    await smtp.close();
    await refusing.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends one mail through the relay and prints its answer', async () => {
    const r = await paperboy({ ...env, SMTP_URL: smtp.url }, 'mail-test', 'ada@vision-lab.org');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(`sent a test mail to ada@vision-lab.org from Vision Lab papers <papers@vision-lab.org> through ${smtp.url} (5 connections)`);
    expect(lines[1]).toMatch(/^the relay answered: 250 /);
    expect(lines[2]).toMatch(/^accepted is not delivered: look for it in that inbox/);
    const [mail] = await smtp.waitFor(1);
    expect(mail.subject).toBe('Vision Lab papers: test mail');
    expect(mail.from?.value).toEqual([{ name: 'Vision Lab papers', address: 'papers@vision-lab.org' }]);
    expect(mail.text).toMatch(/^This is a test mail from Vision Lab papers \(https:\/\/papers\.vision-lab\.org\)/);
  });

  it('exits 1 with the relay\'s refusal and what to check', async () => {
    const r = await paperboy({ ...env, SMTP_URL: refusing.url }, 'mail-test', 'ada@vision-lab.org');
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toEqual([
      `the test mail to ada@vision-lab.org was not handed over (${refusing.url} (5 connections))`,
      expect.stringMatching(/^the relay answered: 550 5\.7\.1 Relaying denied/),
      'the relay refuses to send for this sender or recipient: check MAIL_FROM (a domain the relay sends for) and SMTP_URL',
    ]);
    const closed = await paperboy({ ...env, SMTP_URL: 'smtp://127.0.0.1:1', SMTP_TIMEOUT_MS: '2000', DELIVERY_LEASE_MS: '5000' }, 'mail-test', 'ada@vision-lab.org');
    expect(closed.code).toBe(1);
    expect(closed.stdout).toMatch(/the relay could not be reached: check the host and port in SMTP_URL/);
  });

  it('says so when there is no relay: the mail is a file in the outbox', async () => {
    const r = await paperboy(env, 'mail-test', 'ada@vision-lab.org');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sent a test mail to ada@vision-lab\.org .* through outbox folder .*\nthe relay answered: 250 written .*\.eml\nSMTP_URL is not set: the mail is a file in the outbox folder and left this machine for nobody/);
    expect(readdirSync(join(dir, 'outbox')).filter((f) => f.endsWith('.eml'))).toHaveLength(1);
    expect((await paperboy(env, 'mail-test', 'ada')).stderr).toMatch(/"ada" is not an email address such as you@lab\.example\.org/);
    // The sign-up form's rule and cap: a long run of dots is refused at once (the pattern before took seconds on it).
    expect((await paperboy(env, 'mail-test', `a@${'.'.repeat(120_000)}`)).stderr).toMatch(/is not an email address such as you@lab\.example\.org: it is too long/);
    expect((await paperboy(env, 'mail-test', 'ada@lab..org')).stderr).toMatch(/it has a domain with an empty part: "lab\.\.org"/);
  });

  it('serve warns at start that a public instance\'s mail goes to the outbox', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--no-sample'], { env: { ...env, PORT: '0', PAPERBOY_SOURCES: 'none', LOG_LEVEL: 'info' } });
    let out = '';
    try {
      await new Promise<void>((ok, fail) => {
        const seen = (b: Buffer) => { out += b; if (out.includes('Paperboy is running')) ok(); };
        child.stdout.on('data', seen);
        child.stderr.on('data', seen);
        child.once('exit', (code) => fail(new Error(`serve exited ${code}: ${out}`)));
      });
      await new Promise((r) => setImmediate(r));
      expect(out).toMatch(/"level":40,.*"msg":"SMTP_URL is not set, so every mail is written to the outbox folder .* while PUBLIC_URL \(https:\/\/papers\.vision-lab\.org\) is a public address/);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  it('the detailed /healthz warns that a public instance\'s mail goes to the outbox', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } }));
    const config = loadConfig({ PAPERBOY_DB: join(dir, 'p.db'), PAPERBOY_OUTBOX: join(dir, 'outbox'), PUBLIC_URL: 'https://papers.vision-lab.org',
      METRICS_TOKEN: 'm'.repeat(32), PAPERBOY_SOURCES: 'none' });
    const ctx = await createContext(config, { log });
    const app = await buildApp(ctx);
    try {
      const health = await app.inject({ url: '/healthz', headers: { authorization: `Bearer ${'m'.repeat(32)}` } });
      expect(health.json().warnings[0]).toMatch(/^SMTP_URL is not set, so every mail is written to the outbox folder .* while PUBLIC_URL \(https:\/\/papers\.vision-lab\.org\) is a public address/);
    } finally {
      await app.close();
      await closeContext(ctx);
    }
  });
});
