// `paperboy serve` is SIGKILLed while it hands 400 queued confirmation mails (a sign-up burst) to a loopback SMTP
// server, then started again until every mail is recorded as sent (issue 21). Counted from what the server got:
// nobody is missed, a mail resent after a kill keeps its Message-ID, and only mails in flight at a kill come twice.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { openDb } from '../../src/db/open.js';
import { signUp } from '../../src/store/subscribers.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

const ADDRESSES = 400;
const CONNECTIONS = 4;
const KILLS = 3;
const INPUT = { keywords: ['diffusion'], categories: [], authors: [], about: '', papers: [], timezone: 'UTC', hour: 8, frequency: 'daily' as const, weekday: 1 };

const dir = mkdtempSync(join(tmpdir(), 'paperboy-confirm-crash-'));
const file = join(dir, 'paperboy.db');
let smtp: TestSmtp;
let child: ChildProcess | undefined;
afterAll(async () => {
  child?.kill('SIGKILL');
  await smtp?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Requests whose mail is recorded as sent, read as another process would. */
function sentCount(): number {
  const db = openDb(file);
  try {
    return db.prepare("SELECT count(*) FROM signup_requests WHERE mail = 'sent'").pluck().get() as number;
  } finally {
    db.close();
  }
}

describe('crash test: SIGKILL while confirmation mails go out', () => {
  it('restarted until done: 0 missing, duplicates ≤ connections per kill, each resend with its first Message-ID', async () => {
    expect(existsSync('dist/cli.js'), 'run tsc first (npm test does)').toBe(true);
    smtp = await startSmtp({ parse: false });
    const db = openDb(file);
    migrate(db);
    for (let i = 0; i < ADDRESSES; i++) signUp(db, { email: `burst${i}@example.org`, ...INPUT });
    db.close();
    const env = {
      ...process.env, PAPERBOY_DB: file, SMTP_URL: smtp.url, SMTP_MAX_CONNECTIONS: String(CONNECTIONS), SMTP_RATE_PER_SECOND: '150',
      PORT: '0', PUBLIC_URL: 'http://paperboy.test', LOG_LEVEL: 'silent', SMTP_TIMEOUT_MS: '5000', DELIVERY_LEASE_MS: '6000',
    };
    const serve = () => {
      child = spawn(process.execPath, ['bin/paperboy.js', 'serve', '--no-sample'], { env, stdio: 'ignore' });
      return new Promise<void>((ok) => child!.once('exit', () => ok()));
    };

    const kills: number[] = [];
    for (let k = 0; k < KILLS; k++) {
      const exited = serve();
      const target = smtp.received.length + 30 + Math.floor(Math.random() * 60);
      while (smtp.received.length < target) await new Promise((r) => setTimeout(r, 5));
      child!.kill('SIGKILL');
      await exited;
      kills.push(smtp.received.length);
    }
    const exited = serve();
    // The claims of the killed processes wait for their lease (6 s), then go out again.
    while (sentCount() < ADDRESSES) await new Promise((r) => setTimeout(r, 200));
    child!.kill('SIGTERM');
    await exited;

    const byRecipient = new Map<string, string[]>();
    for (const raw of smtp.received) {
      const head = raw.subarray(0, raw.indexOf('\r\n\r\n')).toString().replace(/\r\n[ \t]+/g, ' ');
      const to = /^To: (.+)$/m.exec(head)![1].trim();
      byRecipient.set(to, [...(byRecipient.get(to) ?? []), /^Message-ID: (.+)$/m.exec(head)![1].trim()]);
    }
    const duplicates = smtp.received.length - byRecipient.size;
    console.log(`confirmation crash test: ${KILLS} kills at ${kills.join(', ')} messages; ${smtp.received.length} received, ` +
      `${byRecipient.size} recipients, duplicates ${duplicates}`);
    expect(byRecipient.size).toBe(ADDRESSES);
    expect(duplicates).toBeLessThanOrEqual(CONNECTIONS * KILLS);
    for (const [to, ids] of byRecipient) expect(new Set(ids).size, to).toBe(1);
  }, 120_000);
});
