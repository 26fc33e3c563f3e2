import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { sendRunDb } from '../helpers/send-run.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { addSubscribers } from '../helpers/subscribers.js';

// The CLI (`paperboy digest`, built by tsc) is SIGKILLed at random moments while it sends 2,000
// digests to a loopback SMTP server, then restarted until it finishes. Counted from what the
// server received: nobody is missed, and only mails in flight at a kill may arrive twice.
const SUBSCRIBERS = 2000;
const CONNECTIONS = 4;
const KILLS = 5;
const NOW = '2026-11-29T09:00:00Z';

let smtp: TestSmtp;

function runCli(env: NodeJS.ProcessEnv): { child: ChildProcess; exit: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, ['bin/paperboy.js', 'digest', '--now', NOW], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c) => { out += c; });
  child.stderr!.on('data', (c) => { out += c; });
  const exit = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
  return { child, exit, output: () => out };
}

/** Resolves when the server has received `n` more messages than `from`, or the child exits. */
async function until(n: number, exit: Promise<unknown>): Promise<void> {
  let done = false;
  void exit.then(() => { done = true; });
  while (!done && smtp.received.length < n) await new Promise((r) => setTimeout(r, 5));
}

// The same with SEND_THREADS=2: digests ranked and rendered on threads, claimed and sent by the send loop.
describe.each([['on the send loop', '0'], ['with two digest threads', '2']])('crash test: SIGKILL during a 2,000-digest run, %s', (_, threads) => {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-crash-'));
  afterAll(async () => {
    await smtp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restarted until done: 0 missing, duplicates ≤ connections per kill, resends keep their Message-ID', async () => {
    expect(existsSync('dist/cli.js'), 'run tsc first (npm test does)').toBe(true);
    smtp = await startSmtp({ parse: false });
    sendRunDb(join(dir, 'paperboy.db'), SUBSCRIBERS);
    const env = {
      ...process.env, PAPERBOY_DB: join(dir, 'paperboy.db'), SMTP_URL: smtp.url, SMTP_MAX_CONNECTIONS: String(CONNECTIONS),
      PUBLIC_URL: 'http://paperboy.test', LOG_LEVEL: 'silent', SMTP_RETRY_BASE_MS: '50', SEND_THREADS: threads,
    };

    const kills: { at: number; received: number }[] = [];
    let last = 0;
    for (let k = 0; k < KILLS; k++) {
      const run = runCli(env);
      // The first kill lands during start-up; the others after a random number of messages.
      const target = k === 0 ? 0 : smtp.received.length + 20 + Math.floor(Math.random() * (SUBSCRIBERS / KILLS - 20));
      if (k === 0) await new Promise((r) => setTimeout(r, 100 + Math.random() * 400));
      else await until(target, run.exit);
      run.child.kill('SIGKILL');
      await run.exit;
      kills.push({ at: target, received: smtp.received.length });
      expect(smtp.received.length).toBeGreaterThanOrEqual(last);
      last = smtp.received.length;
    }
    let code: number | null = null;
    let output = '';
    for (let tries = 0; code !== 0 && tries < 3; tries++) {
      const run = runCli(env);
      code = await run.exit;
      output = run.output();
    }
    expect(code, output).toBe(0);

    const byRecipient = new Map<string, string[]>();
    for (const raw of smtp.received) {
      const head = raw.subarray(0, raw.indexOf('\r\n\r\n')).toString().replace(/\r\n[ \t]+/g, ' ');
      const to = /^To: (.+)$/m.exec(head)![1].trim();
      const id = /^Message-ID: (.+)$/m.exec(head)![1].trim();
      byRecipient.set(to, [...(byRecipient.get(to) ?? []), id]);
    }
    const missing = SUBSCRIBERS - byRecipient.size;
    const duplicates = smtp.received.length - byRecipient.size;
    console.log(`crash test: ${kills.length} kills at ${kills.map((x) => x.received).join(', ')} messages; ` +
      `${smtp.received.length} received, ${byRecipient.size} recipients, missing ${missing}, duplicates ${duplicates}; last run: ${output.trim()}`);
    expect(missing).toBe(0);
    expect(duplicates).toBeLessThanOrEqual(CONNECTIONS * KILLS);
    for (const ids of byRecipient.values()) expect(new Set(ids).size).toBe(1);

    const check = openDb(join(dir, 'paperboy.db'));
    const states = check.prepare('SELECT state, count(*) AS n FROM digests GROUP BY state').all();
    check.close();
    expect(states).toEqual([{ state: 'sent', n: SUBSCRIBERS }]);
  }, 120_000);

  it('SIGTERM: the CLI takes no new work, records what was in flight, and exits', async () => {
    const before = smtp.received.length;
    const db = openDb(join(dir, 'paperboy.db'));
    addSubscribers(db, 400, { prefix: 'late' });
    db.close();
    const env = {
      ...process.env, PAPERBOY_DB: join(dir, 'paperboy.db'), SMTP_URL: smtp.url, SMTP_MAX_CONNECTIONS: String(CONNECTIONS),
      PUBLIC_URL: 'http://paperboy.test', LOG_LEVEL: 'silent', SEND_THREADS: threads,
    };
    const run = runCli(env);
    await until(before + 30, run.exit);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    expect(run.output()).toMatch(/\(stopped early\)/);
    const check = openDb(join(dir, 'paperboy.db'));
    const rows = check.prepare("SELECT state, count(*) AS n FROM digests WHERE digest_date = '2026-11-29' AND state <> 'sent' GROUP BY state").all();
    const sent = check.prepare("SELECT count(*) FROM digests d JOIN subscribers s ON s.id = d.subscriber_id WHERE s.email LIKE 'late%' AND d.state = 'sent'").pluck().get() as number;
    check.close();
    expect(rows).toEqual([]); // nothing left 'sending' or 'queued': in-flight mails were recorded
    expect(sent).toBe(smtp.received.length - before);
    expect(sent).toBeLessThan(400);
  }, 60_000);
});
