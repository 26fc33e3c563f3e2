// Running Paperboy for a lab from the shell: one configuration (.env) for the server and every command,
// commands that never create a database or mail links with another PUBLIC_URL, and the admin's subscriber commands.
import { execFile, spawn } from 'node:child_process';
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
  const INVITATION = 'Vision Lab papers: your lab added you to its daily papers digest';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-subs-'));
    smtp = await startSmtp();
    env = {
      ...process.env, PAPERBOY_DB: db(), SMTP_URL: smtp.url, PUBLIC_URL: 'https://papers.lab.example.org', LOG_LEVEL: 'warn',
      ALLOWED_EMAIL_DOMAINS: 'lab.example.org', INSTANCE_NAME: 'Vision Lab papers', INSTANCE_CONTACT: 'Ada Admin <admin@lab.example.org>',
      DEFAULT_TIMEZONE: 'Europe/Berlin', DEFAULT_HOUR: '9',
    };
    delete env.PAPERBOY_COMMAND;
    await paperboy(dir, env, 'migrate');
    const handle = openDb(db());
    recordPublicUrl(handle, 'https://papers.lab.example.org'); // as `paperboy serve` does at start
    await closeDb(handle);
  });
  afterAll(async () => {
    await smtp.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('invite mails each good line an invitation that says who invites and what doing nothing does, reports bad lines by number, and subscribes nobody', async () => {
    writeFileSync(join(dir, 'invite.csv'), [
      '# Vision lab, autumn 2026',
      'email,keywords,categories',
      'ada@lab.example.org,"diffusion; video generation",cs.CV',
      'bob@lab.example.org,,cs.CL',
      'not-an-address,robotics,',
      'eve@elsewhere.org,retrieval,',
      'carol@lab.example.org,"unclosed',
      'ADA@lab.example.org,again,',
      'Dan Dennett <dan@cs.lab.example.org>,"retrieval, ranking",cs.IR;cs.CL',
      '',
    ].join('\n'));
    const r = await paperboy(dir, env, 'subscribers', 'invite', 'invite.csv');
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'line 5: email: has no @: an address looks like name@lab.example.org',
      'line 6: eve@elsewhere.org: Sign-ups are open to addresses at lab.example.org only',
      expect.stringMatching(/^line 7: not a CSV line: .*quote/i),
      'line 8: ADA@lab.example.org is already on line 3',
    ]);
    expect(lines[4]).toMatch(/^invited 3: each gets an invitation from Ada Admin <admin@lab\.example\.org> \(09:00 Europe\/Berlin unless the file says otherwise\), and nobody is subscribed until they confirm; mail goes to smtp:\/\/127\.0\.0\.1:\d+/);
    expect(lines[5]).toBe('4 lines refused (above)');

    const mails = await smtp.waitFor(3);
    invitations.push(...mails);
    expect(mails.map((m) => (m.to as { text: string }).text).sort()).toEqual(['ada@lab.example.org', 'bob@lab.example.org', 'dan@cs.lab.example.org']);
    // An invitation, not a sign-up's confirmation (issue 22, item 4): who invites, and what happens if nothing is done.
    expect(mails.map((m) => m.subject)).toEqual([INVITATION, INVITATION, INVITATION]);
    const ada = mailTo(mails, 'ada@lab.example.org')[0];
    expect(ada.from?.value).toEqual([{ name: 'Vision Lab papers', address: 'digest@papers.lab.example.org' }]);
    expect(ada.text).toContain('Ada Admin <admin@lab.example.org> added ada@lab.example.org to Vision Lab papers, a daily digest of new research papers');
    // The lab's hour and timezone (issue 22, item 5).
    expect(ada.text).toContain('every day at 09:00 (Europe/Berlin)');
    expect(ada.text).toContain('If you do nothing, nothing happens: the invitation expires on');
    expect(ada.text).not.toMatch(/Someone, hopefully you|If you did not ask/);
    expect(ada.text).toContain('https://papers.lab.example.org/confirm/');
    // Our words only: what the file asked for is shown on the confirmation page, not in the mail.
    expect(mails.map((m) => m.text).join('\n')).not.toMatch(/diffusion|retrieval/);
    await withApp(async (app) => {
      const page = (await app.inject(linkPath(ada.text!, 'confirm'))).body;
      expect(page).toContain('The people who run Paperboy invited this address');
      expect(page).toContain('every day at 09:00 (Europe/Berlin)');
    });

    const listed = JSON.parse((await paperboy(dir, env, 'subscribers', 'list', '--json')).stdout) as { email: string; status: string; keywords: string[]; categories: string[]; timezone: string; hour: number }[];
    expect(listed.map((s) => [s.email, s.status])).toEqual([
      ['ada@lab.example.org', 'pending'], ['bob@lab.example.org', 'pending'], ['dan@cs.lab.example.org', 'pending']]);
    expect(listed[0]).toMatchObject({ keywords: ['diffusion', 'video generation'], categories: ['cs.CV'], timezone: 'Europe/Berlin', hour: 9 });
    expect(listed[2]).toMatchObject({ keywords: ['retrieval', 'ranking'], categories: ['cs.IR', 'cs.CL'] });
  });

  it('list prints one line per subscriber and filters by status', async () => {
    handleExec(`UPDATE subscribers SET status = 'active' WHERE email = 'bob@lab.example.org'`);
    const all = (await paperboy(dir, env, 'subscribers', 'list')).stdout.trim().split('\n');
    expect(all).toHaveLength(4);
    expect(all[1]).toMatch(/^active\s+bob@lab\.example\.org\s+\d{4}-\d\d-\d\d  every day at 09:00 \(Europe\/Berlin\)  cs\.CL$/);
    expect(all[3]).toBe('3 subscribers (2 pending, 1 active)');
    expect((await paperboy(dir, env, 'subscribers', 'list', '--status', 'active')).stdout.trim().split('\n')).toHaveLength(2);
    const bad = await paperboy(dir, env, 'subscribers', 'list', '--status', 'gone');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/expected pending, active or unsubscribed/);
  });

  it('invite again: an address not confirmed yet is invited anew; one subscribed or one that left is passed over; no row changes', async () => {
    // ada is pending, bob active (above), dan left.
    handleExec(`UPDATE subscribers SET status = 'unsubscribed', unsubscribed_at = '2026-11-01T00:00:00.000Z' WHERE email = 'dan@cs.lab.example.org'`);
    const rows = () => JSON.stringify(withDb((h) => h.prepare('SELECT * FROM subscribers ORDER BY id').all()));
    const before = rows();
    smtp.messages.length = 0;
    writeFileSync(join(dir, 'again.csv'), 'email,keywords,categories\nada@lab.example.org,robotics,cs.RO\nbob@lab.example.org,robotics,cs.RO\ndan@cs.lab.example.org,robotics,cs.RO\n');
    const r = await paperboy(dir, env, 'subscribers', 'invite', 'again.csv');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      'line 3: bob@lab.example.org: already subscribed: nothing sent',
      'line 4: dan@cs.lab.example.org: unsubscribed: they chose to leave, so no invitation is sent (they can sign up again on the page)',
      expect.stringMatching(/^invited 1: /),
      '2 addresses passed over (above): already subscribed, unsubscribed or blocked',
    ]);
    expect(rows()).toBe(before);
    const mails = await smtp.waitFor(1);
    expect(mails.map((m) => [(m.to as { text: string }).text, m.subject])).toEqual([['ada@lab.example.org', INVITATION]]);

    // What the invite asked for waits for its own link: ada's new one applies it.
    await withApp(async (app) => {
      const link = linkPath(mails[0].text!, 'confirm');
      expect((await app.inject(link)).body).toContain('robotics');
      expect((await submit(app, { url: link, headers: FORM })).body).toContain('You are subscribed');
    });
    expect(withDb((h) => findByEmail(h, 'ada@lab.example.org'))).toMatchObject({ status: 'active', profile: { keywords: ['robotics'], categories: ['cs.RO'] } });
    expect(withDb((h) => findByEmail(h, 'dan@cs.lab.example.org'))).toMatchObject({ status: 'unsubscribed', profile: { keywords: ['retrieval', 'ranking'] } });
  });

  it('list shows no link token', async () => {
    const listed = JSON.parse((await paperboy(dir, env, 'subscribers', 'list', '--json')).stdout) as Record<string, unknown>[];
    expect(Object.keys(listed[0]).sort()).toEqual(['authors', 'categories', 'confirmedAt', 'createdAt', 'digestSize', 'email', 'frequency',
      'hour', 'keywords', 'pausedUntil', 'status', 'timezone', 'unsubscribedAt', 'weekday']);
    expect((await paperboy(dir, env, 'subscribers', 'list')).stdout).not.toMatch(/https?:|\/(confirm|preferences|unsubscribe)\//);
  });

  it('remove asks first (or takes --yes), erases the subscriber and blocks the address; blocked lists it, unblock lifts it (issue 22, item 7)', async () => {
    // bob's links: the confirmation link of his invitation and his unsubscribe link; both work now.
    const bobLinks = await withApp(async (app, ctx) => {
      const links = [linkPath(mailTo(invitations, 'bob@lab.example.org')[0].text!, 'confirm'),
        new URL(ctx.links.unsubscribe(findByEmail(ctx.db, 'bob@lab.example.org')!)).pathname];
      for (const url of links) expect((await app.inject(url)).statusCode, url).toBe(200);
      return links;
    });
    // Asked, and answered no (or nothing: a script's stdin at its end): nothing happens.
    for (const answer of ['n\n', '']) {
      const no = await answering(answer, 'subscribers', 'remove', 'bob@lab.example.org');
      expect(no.stderr).toMatch(/^bob@lab\.example\.org \(active, signed up \d{4}-\d\d-\d\d, 0 digests\)\nRemove it\? Its data is erased for good and the address is blocked\. \[y\/N\] $/);
      expect(no.stdout).toBe('not removed (answer y to remove, or add --yes)\n');
      expect(no.code).toBe(1);
    }
    expect((await paperboy(dir, env, 'subscribers', 'list')).stdout).toContain('bob@');
    const yes = await answering('y\n', 'subscribers', 'remove', 'bob@lab.example.org');
    expect(yes.stdout).toMatch(/^removed bob@lab\.example\.org \(was active\): their data is erased, the links in their mails stopped working, and the address is blocked/);
    expect((await paperboy(dir, env, 'subscribers', 'list')).stdout).not.toContain('bob@');
    const again = await paperboy(dir, env, 'subscribers', 'remove', '--yes', 'bob@lab.example.org');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^paperboy: no subscriber bob@lab\.example\.org/);
    // Every link in bob's mails is dead, as after his own "delete my data", and his requests went with the row.
    await withApp(async (app) => {
      for (const url of bobLinks) expect((await app.inject(url)).statusCode, url).toBe(404);
      for (const url of bobLinks) expect((await app.inject({ method: 'POST', url, headers: FORM })).statusCode, url).toBe(404);
    });
    expect(withDb((h) => h.prepare('SELECT count(*) FROM signup_requests WHERE subscriber_id NOT IN (SELECT id FROM subscribers)').pluck().get())).toBe(0);

    // --yes removes without asking (dan left earlier).
    expect((await paperboy(dir, env, 'subscribers', 'remove', '--yes', 'dan@cs.lab.example.org')).stdout).toMatch(/^removed dan@cs\.lab\.example\.org \(was unsubscribed\)/);
    // The block list: when and why, no address (only hashes are kept); one address looked up by name.
    const listed = (await paperboy(dir, env, 'subscribers', 'blocked')).stdout.trim().split('\n');
    expect(listed).toEqual([
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d  removed with `node \S+ subscribers remove`$/),
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d  removed with `node \S+ subscribers remove`$/),
      expect.stringMatching(/^2 blocked addresses; only a one-way hash of each is kept, so none is named here: /),
    ]);
    expect((await paperboy(dir, env, 'subscribers', 'blocked', 'bob@lab.example.org')).stdout).toMatch(/^bob@lab\.example\.org is blocked since \d{4}-\d\d-\d\d \(removed with/);
    expect((await paperboy(dir, env, 'subscribers', 'blocked', 'eve@lab.example.org')).stdout).toBe('eve@lab.example.org is not blocked\n');
    // An invitation passes a blocked address over, naming how to lift the block; unblock lifts it, and the next invite goes out.
    writeFileSync(join(dir, 'bob.csv'), 'bob@lab.example.org\n');
    const passed = await paperboy(dir, env, 'subscribers', 'invite', 'bob.csv');
    expect(passed.stdout).toMatch(/^line 1: bob@lab\.example\.org: blocked since \d{4}-\d\d-\d\d \(removed with .*\): nothing sent; `node \S+ subscribers unblock bob@lab\.example\.org` first to invite it\ninvited 0: /);
    expect((await paperboy(dir, env, 'subscribers', 'unblock', 'bob@lab.example.org')).stdout).toMatch(/^unblocked bob@lab\.example\.org \(blocked since .*\): it may be invited again\n$/);
    expect((await paperboy(dir, env, 'subscribers', 'unblock', 'bob@lab.example.org'))).toMatchObject({ code: 1, stdout: 'bob@lab.example.org is not blocked\n' });
    smtp.messages.length = 0;
    expect((await paperboy(dir, env, 'subscribers', 'invite', 'bob.csv')).stdout).toMatch(/^invited 1: /);
    expect((await smtp.waitFor(1))[0].subject).toBe(INVITATION);
  });

  it('refuses to mail links on another PUBLIC_URL than the server\'s, naming both', async () => {
    const other = { ...env, PUBLIC_URL: 'http://127.0.0.1:3000' };
    const mailed = smtp.messages.length;
    for (const args of [['digest'], ['subscribers', 'invite', 'invite.csv']]) {
      const r = await paperboy(dir, other, ...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/^paperboy: PUBLIC_URL is http:\/\/127\.0\.0\.1:3000 here, but `node \S+\/bin\/paperboy\.js serve` runs with https:\/\/papers\.lab\.example\.org: /);
    }
    expect((await paperboy(dir, other, 'digest', '--dry-run')).code).toBe(0);
    expect(smtp.messages).toHaveLength(mailed);
  });

  /** Runs `paperboy …` with `input` on its standard input (a person answering its question). */
  function answering(input: string, ...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
    return new Promise((ok) => {
      const child = spawn('node', [BIN, ...args], { cwd: dir, env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b) => { stdout += b; });
      child.stderr.on('data', (b) => { stderr += b; });
      child.on('close', (code) => ok({ stdout, stderr, code: code ?? -1 }));
      child.stdin.end(input);
    });
  }

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
