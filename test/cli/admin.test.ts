// Running Paperboy for a lab from the shell: one configuration (.env) for the server and every command,
// commands that never create a database or mail links with another PUBLIC_URL, and the admin's subscriber commands.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { closeContext, createContext } from '../../src/context.js';
import { closeDb, openDb } from '../../src/db/open.js';
import { buildApp } from '../../src/http/app.js';
import { recordPublicUrl } from '../../src/store/settings.js';
import { findByEmail } from '../../src/store/subscribers.js';
import { linkPath, submit } from '../helpers/app.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

const run = promisify(execFile);
const BIN = resolve('bin/paperboy.js');
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** Runs `paperboy …` in `cwd` with `env`; resolves with the output and exit code, failing or not. */
async function paperboy(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return run('node', [BIN, ...args], { cwd, env }).then((r) => ({ ...r, code: 0 }),
    (e: { stdout: string; stderr: string; code: number }) => ({ stdout: e.stdout, stderr: e.stderr, code: e.code }));
}

describe('commands and their database', () => {
  let dir: string;
  const env = { ...process.env, LOG_LEVEL: 'warn' };
  for (const key of ['PAPERBOY_DB', 'PAPERBOY_COMMAND', 'PAPERBOY_OUTBOX', 'SMTP_URL', 'PUBLIC_URL']) delete env[key];
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'paperboy-admin-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuse to start without one instead of creating an empty database (only serve and migrate make one)', async () => {
    // ingest too, whether its source can be read or not (it made an empty database before).
    for (const args of [['sources'], ['digest'], ['subscribers', 'list'], ['search', 'diffusion'], ['preview', 'a@example.org'],
      ['ingest', resolve('test/fixtures/arxiv-2026q2-200.jsonl')], ['ingest', 'missing.jsonl']]) {
      const r = await paperboy(dir, env, ...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toBe(`paperboy: no Paperboy database at ${join(dir, 'data', 'paperboy.db')}; start \`node ${BIN} serve\` ` +
        `(or \`node ${BIN} migrate\` for an empty one) in the right folder, or set PAPERBOY_DB\n`);
    }
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });

  it('read the .env file in the working directory, as serve does', async () => {
    writeFileSync(join(dir, '.env'), `PAPERBOY_DB=${join(dir, 'lab.db')}\nPUBLIC_URL=https://papers.lab.example.org\nPAPERBOY_SOURCES=none\nSMTP_PORT=25\n`);
    const r = await paperboy(dir, env, 'migrate');
    expect(r.stdout).toMatch(/^applied 001_init\.sql/);
    expect(r.stderr).toBe(`paperboy: ${join(dir, '.env')}: unknown key SMTP_PORT ignored\n`);
    expect(existsSync(join(dir, 'lab.db'))).toBe(true);
    writeFileSync(join(dir, '.env'), `PAPERBOY_DB=${join(dir, 'lab.db')}\nHOUR=eight\nPORT=eighty\n`);
    const bad = await paperboy(dir, env, 'sources');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(new RegExp(`paperboy: Invalid PORT \\(in ${join(dir, '.env')}\\): `));
    rmSync(join(dir, '.env'));
  });

  it('name the database first when run at a terminal', async () => {
    // `script` gives the command a pseudo-terminal, as a person at a shell has.
    const cmd = `node ${BIN} sources`;
    const { stdout } = await run('script', ['-qec', cmd, '/dev/null'], { cwd: dir, env: { ...env, PAPERBOY_DB: join(dir, 'lab.db') } });
    expect(stdout.split(/\r?\n/)[0]).toBe(`paperboy: database ${join(dir, 'lab.db')}`);
    // Not when the output goes to a pipe or file: scripts read clean output.
    expect((await paperboy(dir, { ...env, PAPERBOY_DB: join(dir, 'lab.db') }, 'sources')).stderr).toBe('');
  });
});

describe('paperboy subscribers', () => {
  let dir: string;
  let smtp: TestSmtp;
  let env: NodeJS.ProcessEnv;
  const db = () => join(dir, 'lab.db');
  const invitations: Awaited<ReturnType<TestSmtp['waitFor']>> = [];
  const mailTo = (mails: typeof invitations, email: string) => mails.filter((m) => (m.to as { text: string }).text === email);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-subs-'));
    smtp = await startSmtp();
    env = {
      ...process.env, PAPERBOY_DB: db(), SMTP_URL: smtp.url, PUBLIC_URL: 'https://papers.lab.example.org', LOG_LEVEL: 'warn',
      ALLOWED_EMAIL_DOMAINS: 'lab.example.org', INSTANCE_NAME: 'Vision Lab papers',
    };
    await paperboy(dir, env, 'migrate');
    const handle = openDb(db());
    recordPublicUrl(handle, 'https://papers.lab.example.org'); // as `paperboy serve` does at start
    await closeDb(handle);
  });
  afterAll(async () => {
    await smtp.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('invite sends each good line the confirmation mail of a sign-up, reports bad lines by number, and subscribes nobody', async () => {
    writeFileSync(join(dir, 'invite.csv'), [
      '# Vision lab, autumn 2026',
      'email,keywords,categories',
      'ada@lab.example.org,"diffusion; video generation",cs.CV',
      'bob@lab.example.org,,cs.CL',
      'not-an-address,robotics,',
      'eve@elsewhere.org,retrieval,',
      'carol@lab.example.org,"unclosed',
      'ADA@lab.example.org,again,',
      'dan@cs.lab.example.org,"retrieval, ranking",cs.IR;cs.CL',
      '',
    ].join('\n'));
    const r = await paperboy(dir, env, 'subscribers', 'invite', 'invite.csv');
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'line 5: email: is not a valid email address',
      'line 6: eve@elsewhere.org: Sign-ups are open to addresses at lab.example.org only',
      expect.stringMatching(/^line 7: not a CSV line: .*quote/i),
      'line 8: ADA@lab.example.org is already on line 3',
    ]);
    expect(lines[4]).toMatch(/^invited 3: each gets the mail of a sign-up .*, no existing subscriber is changed, and nobody is subscribed until they confirm; mail goes to smtp:\/\/127\.0\.0\.1:\d+/);
    expect(lines[5]).toBe('4 lines refused (above)');

    const mails = await smtp.waitFor(3);
    invitations.push(...mails);
    expect(mails.map((m) => (m.to as { text: string }).text).sort()).toEqual(['ada@lab.example.org', 'bob@lab.example.org', 'dan@cs.lab.example.org']);
    expect(mails[0].subject).toBe('Confirm your Vision Lab papers subscription');
    expect(mails[0].from?.value).toEqual([{ name: 'Vision Lab papers', address: 'digest@papers.lab.example.org' }]);
    expect(mails[0].text).toContain('https://papers.lab.example.org/confirm/');
    // Our words only: what the file asked for is shown on the confirmation page, not in the mail.
    expect(mails.map((m) => m.text).join('\n')).not.toMatch(/diffusion|retrieval/);

    const listed = JSON.parse((await paperboy(dir, env, 'subscribers', 'list', '--json')).stdout) as { email: string; status: string; keywords: string[]; categories: string[] }[];
    expect(listed.map((s) => [s.email, s.status])).toEqual([
      ['ada@lab.example.org', 'pending'], ['bob@lab.example.org', 'pending'], ['dan@cs.lab.example.org', 'pending']]);
    expect(listed[0]).toMatchObject({ keywords: ['diffusion', 'video generation'], categories: ['cs.CV'] });
    expect(listed[2]).toMatchObject({ keywords: ['retrieval', 'ranking'], categories: ['cs.IR', 'cs.CL'] });
  });

  it('list prints one line per subscriber and filters by status', async () => {
    handleExec(`UPDATE subscribers SET status = 'active' WHERE email = 'bob@lab.example.org'`);
    const all = (await paperboy(dir, env, 'subscribers', 'list')).stdout.trim().split('\n');
    expect(all).toHaveLength(4);
    expect(all[1]).toMatch(/^active\s+bob@lab\.example\.org\s+\d{4}-\d\d-\d\d  every day at 08:00 \(UTC\)  cs\.CL$/);
    expect(all[3]).toBe('3 subscribers (2 pending, 1 active)');
    expect((await paperboy(dir, env, 'subscribers', 'list', '--status', 'active')).stdout.trim().split('\n')).toHaveLength(2);
    const bad = await paperboy(dir, env, 'subscribers', 'list', '--status', 'gone');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/expected pending, active or unsubscribed/);
  });

  it('invite of addresses already on the list changes none of them: each gets the mail a sign-up gets', async () => {
    // ada is pending, bob active (above), dan left.
    handleExec(`UPDATE subscribers SET status = 'unsubscribed', unsubscribed_at = '2026-11-01T00:00:00.000Z' WHERE email = 'dan@cs.lab.example.org'`);
    const rows = () => JSON.stringify(withDb((h) => h.prepare('SELECT * FROM subscribers ORDER BY id').all()));
    const before = rows();
    smtp.messages.length = 0;
    writeFileSync(join(dir, 'again.csv'), 'email,keywords,categories\nada@lab.example.org,robotics,cs.RO\nbob@lab.example.org,robotics,cs.RO\ndan@cs.lab.example.org,robotics,cs.RO\n');
    const r = await paperboy(dir, env, 'subscribers', 'invite', 'again.csv');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^invited 3: /);
    expect(rows()).toBe(before);
    const mails = await smtp.waitFor(3);
    const subjectTo = (email: string) => mailTo(mails, email).map((m) => m.subject);
    expect(subjectTo('ada@lab.example.org')).toEqual(['Confirm your Vision Lab papers subscription']);
    expect(subjectTo('dan@cs.lab.example.org')).toEqual(['Confirm your Vision Lab papers subscription']);
    expect(subjectTo('bob@lab.example.org')).toEqual(['Your Vision Lab papers preferences link']);

    // What the invite asked for waits for its own link: dan's applies it, and ada's earlier link still applies hers.
    await withApp(async (app) => {
      const dan = linkPath(mailTo(mails, 'dan@cs.lab.example.org')[0].text!, 'confirm');
      expect((await app.inject(dan)).body).toContain('robotics');
      expect((await submit(app, { url: dan, headers: FORM })).body).toContain('You are subscribed');
    });
    expect(withDb((h) => findByEmail(h, 'dan@cs.lab.example.org'))).toMatchObject({ status: 'active', profile: { keywords: ['robotics'], categories: ['cs.RO'] } });
    expect(withDb((h) => findByEmail(h, 'ada@lab.example.org'))).toMatchObject({ status: 'pending', profile: { keywords: ['diffusion', 'video generation'] } });
    expect(withDb((h) => h.prepare("SELECT count(*) FROM signup_requests r JOIN subscribers s ON s.id = r.subscriber_id WHERE s.email = 'ada@lab.example.org' AND r.kind = 'confirm'").pluck().get())).toBe(2);
  });

  it('list shows no link token', async () => {
    const listed = JSON.parse((await paperboy(dir, env, 'subscribers', 'list', '--json')).stdout) as Record<string, unknown>[];
    expect(Object.keys(listed[0]).sort()).toEqual(['authors', 'categories', 'confirmedAt', 'createdAt', 'digestSize', 'email', 'frequency',
      'hour', 'keywords', 'pausedUntil', 'status', 'timezone', 'unsubscribedAt', 'weekday']);
    expect((await paperboy(dir, env, 'subscribers', 'list')).stdout).not.toMatch(/https?:|\/(confirm|preferences|unsubscribe)\//);
  });

  it('remove erases the subscriber and suppresses the address', async () => {
    // bob's links: the confirmation link of his invitation, the preferences link of the second one, and his unsubscribe link; all work now.
    const bobLinks = await withApp(async (app, ctx) => {
      const links = [linkPath(mailTo(invitations, 'bob@lab.example.org')[0].text!, 'confirm'),
        linkPath(mailTo(smtp.messages, 'bob@lab.example.org')[0].text!, 'preferences'),
        new URL(ctx.links.unsubscribe(findByEmail(ctx.db, 'bob@lab.example.org')!)).pathname];
      for (const url of links) expect((await app.inject(url)).statusCode, url).toBe(200);
      return links;
    });
    const r = await paperboy(dir, env, 'subscribers', 'remove', 'bob@lab.example.org');
    expect(r.stdout).toMatch(/^removed bob@lab\.example\.org \(was active\): their data is erased, the address is suppressed/);
    expect((await paperboy(dir, env, 'subscribers', 'list')).stdout).not.toContain('bob@');
    const handle = openDb(db());
    expect(handle.prepare('SELECT count(*) FROM suppressions').pluck().get()).toBe(1);
    await closeDb(handle);
    const again = await paperboy(dir, env, 'subscribers', 'remove', 'bob@lab.example.org');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^paperboy: no subscriber bob@lab\.example\.org/);
    // Every link in bob's mails is dead, as after his own "delete my data", and his requests went with the row.
    await withApp(async (app) => {
      for (const url of bobLinks) expect((await app.inject(url)).statusCode, url).toBe(404);
      for (const url of [bobLinks[0], bobLinks[2]]) expect((await app.inject({ method: 'POST', url, headers: FORM })).statusCode, url).toBe(404);
    });
    expect(withDb((h) => h.prepare('SELECT count(*) FROM signup_requests WHERE subscriber_id NOT IN (SELECT id FROM subscribers)').pluck().get())).toBe(0);
  });

  it('refuses to mail links on another PUBLIC_URL than the server\'s, naming both', async () => {
    const other = { ...env, PUBLIC_URL: 'http://127.0.0.1:3000' };
    for (const args of [['digest'], ['subscribers', 'invite', 'invite.csv']]) {
      const r = await paperboy(dir, other, ...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/^paperboy: PUBLIC_URL is http:\/\/127\.0\.0\.1:3000 here, but `node \S+\/bin\/paperboy\.js serve` runs with https:\/\/papers\.lab\.example\.org: /);
    }
    expect((await paperboy(dir, other, 'digest', '--dry-run')).code).toBe(0);
    expect(smtp.messages).toHaveLength(3); // the second invite's, none since
  });

  /** Reads the database file with its own connection, as another process would. */
  function withDb<T>(read: (h: ReturnType<typeof openDb>) => T): T {
    const handle = openDb(db());
    try { return read(handle); } finally { handle.close(); }
  }

  /** The real HTTP app of this instance (as `paperboy serve` builds it) over the same database file, for the links in its mails. */
  async function withApp<T>(use: (app: Awaited<ReturnType<typeof buildApp>>, ctx: Awaited<ReturnType<typeof createContext>>) => Promise<T>): Promise<T> {
    const config = loadConfig({ PAPERBOY_DB: db(), PUBLIC_URL: 'https://papers.lab.example.org', PAPERBOY_OUTBOX: join(dir, 'outbox'), LOG_LEVEL: 'silent', PAPERBOY_SOURCES: 'none' });
    const ctx = await createContext(config, { log: pino({ level: 'silent' }) });
    const app = await buildApp(ctx);
    try { return await use(app, ctx); } finally { await app.close(); await closeContext(ctx); }
  }

  /** Runs one SQL statement on the database file, as another process would. */
  function handleExec(sql: string): void {
    const handle = openDb(db());
    handle.exec(sql);
    handle.close();
  }
});
