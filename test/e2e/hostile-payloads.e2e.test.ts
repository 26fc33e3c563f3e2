// Issue 21: nothing a stranger sends can stall, crash or steer Paperboy. The real `paperboy serve` (dist/, built by
// `npm test`'s tsc step) listens on loopback with a bounce mailbox on a local Dovecot and every ESP webhook on; each
// payload of the issue is sent while another client polls /healthz. For each: the answer's status, the server still
// running, and no poll waiting more than 500 ms (the payloads must be refused or read off the main thread, fast).
import { generateKeyPairSync, sign } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type TestImap } from '../helpers/dovecot.js';

const TOKEN = 'operator-token-0123456789abcdef';
const MAILGUN_KEY = 'key-0123456789abcdef0123456789abcdef';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:paperboy-bounces';
const sendgrid = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const POLL_LIMIT_MS = 500;

/** A free loopback port. */
async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** What a hostile payload got: its status, how long its answer took, and the longest /healthz wait meanwhile. */
interface Outcome {
  name: string;
  status: number;
  ms: number;
  maxPollMs: number;
}

describe('hostile payloads against the running server (issue 21)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-hostile-'));
  let imap: TestImap;
  let child: ChildProcess;
  let base: string;
  let exited = false;
  let log = '';
  const polls: { at: number; ms: number; status: number }[] = [];
  let polling = true;
  let poller: Promise<void>;
  const outcomes: Outcome[] = [];

  beforeAll(async () => {
    expect(existsSync('dist/cli.js'), 'run tsc first (npm test does)').toBe(true);
    imap = await startDovecot();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env = {
      ...process.env, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: base, PAPERBOY_DB: join(dir, 'paperboy.db'),
      PAPERBOY_OUTBOX: join(dir, 'outbox'), PAPERBOY_SOURCES: 'none', LOG_LEVEL: 'warn', METRICS_TOKEN: TOKEN,
      BOUNCE_ADDRESS: 'bounces@lab.example.org', BOUNCE_IMAP_URL: imap.url(), BOUNCE_IMAP_INTERVAL_MS: '300',
      SES_TOPIC_ARNS: TOPIC, MAILGUN_WEBHOOK_SIGNING_KEY: MAILGUN_KEY,
      SENDGRID_WEBHOOK_PUBLIC_KEY: sendgrid.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    };
    delete (env as Record<string, unknown>).SMTP_URL;
    child = spawn(process.execPath, [resolve('bin/paperboy.js'), 'serve', '--no-sample'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (b) => { log += b; });
    child.stderr!.on('data', (b) => { log += b; });
    child.on('exit', () => { exited = true; });
    let up = false;
    for (let i = 0; i < 300 && !up && !exited; i++) {
      up = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
      if (!up) await new Promise((r) => setTimeout(r, 50));
    }
    expect(up, log).toBe(true);
    // The other client: one /healthz at a time, 20 a second, each timed from request to answer.
    poller = (async () => {
      while (polling) {
        const t0 = performance.now();
        const status = await fetch(`${base}/healthz`).then((r) => r.status, () => 0);
        polls.push({ at: t0, ms: performance.now() - t0, status });
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
  }, 30_000);

  afterAll(async () => {
    polling = false;
    await poller;
    child?.kill('SIGKILL');
    await imap?.close();
    rmSync(dir, { recursive: true, force: true });
    console.log(`hostile payloads (ms to answer; longest /healthz wait meanwhile):\n${outcomes.map((o) =>
      `  ${o.name.padEnd(58)} ${String(o.status).padStart(3)}  ${o.ms.toFixed(0).padStart(5)} ms  poll ≤ ${o.maxPollMs.toFixed(0)} ms`).join('\n')}\n` +
      `  ${polls.length} polls, the longest ${Math.max(...polls.map((p) => p.ms)).toFixed(0)} ms`);
  });

  /** Runs one payload while the poller runs; records and checks its status, the server, and the polls meanwhile. */
  async function hostile(name: string, send: () => Promise<number>, status: number): Promise<void> {
    const from = performance.now();
    const got = await send();
    const ms = performance.now() - from;
    // A poll that began during the payload and any that waited on it, up to a poll after it.
    await new Promise((r) => setTimeout(r, 120));
    const during = polls.filter((p) => p.at + p.ms >= from);
    const maxPollMs = Math.max(...during.map((p) => p.ms));
    outcomes.push({ name, status: got, ms, maxPollMs });
    expect(got, name).toBe(status);
    expect(exited, `${name}: the server died\n${log}`).toBe(false);
    expect(during.length, name).toBeGreaterThan(0);
    expect(during.every((p) => p.status === 200), `${name}: /healthz failed meanwhile`).toBe(true);
    expect(maxPollMs, `${name}: a /healthz poll waited ${maxPollMs.toFixed(0)} ms`).toBeLessThan(POLL_LIMIT_MS);
  }

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } }).then(async (r) => { await r.arrayBuffer(); return r.status; });
  const signUp = (email: string, more: Record<string, unknown>) => post('/api/subscriptions', JSON.stringify({ email, ...more }));
  const evil = 'arxiv.org/abs/'.repeat(32_000) + '!';

  it('1. a library whose text made the arXiv-link pattern quadratic: in a pasted list, a BibTeX url, a RIS UR and a CSL URL', async () => {
    await hostile('1. library: "arxiv.org/abs/" x 32,000 + "!" (450 KB list)', () => signUp('quad1@example.org', { library: evil }), 202);
    await hostile('1. library: the same in a BibTeX url', () => signUp('quad2@example.org', { library: `@misc{a, title = {A paper}, url = {${evil}}}` }), 202);
    await hostile('1. library: the same in a RIS UR', () => signUp('quad3@example.org', { library: `TY  - JOUR\nTI  - A paper\nUR  - ${evil}\nER  - \n` }), 202);
    await hostile('1. library: the same in a CSL-JSON URL', () => signUp('quad4@example.org', { library: JSON.stringify([{ id: 'a', type: 'article', title: 'A paper', URL: evil }]) }), 202);
  });

  it('2. BibTeX @string doubling (813 bytes that expand to gigabytes): 413, the server alive', async () => {
    const bomb = ['@string{m0 = "aaaaaaaaaa"}', ...Array.from({ length: 24 }, (_, i) => `@string{m${i + 1} = m${i} # m${i}}`),
      ...Array.from({ length: 4 }, (_, i) => `@misc{e${i}, title = m24, abstract = m24, note = m24}`)].join('\n');
    await hostile('2. library: BibTeX @string doubling, 24 levels', () => signUp('bomb@example.org', { library: bomb }), 413);
  });

  it('3. a bounce report with a 200,000-letter Original-Mail-From, read from the bounce mailbox', async () => {
    const detail = async () => (await (await fetch(`${base}/healthz`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { bounceMailboxes: { unknown: number; malformed: number; handled: number }[] };
    const seen = (d: Awaited<ReturnType<typeof detail>>) => d.bounceMailboxes.reduce((n, m) => n + m.unknown + m.malformed + m.handled, 0);
    const before = seen(await detail());
    const report = readFileSync('test/fixtures/bounces/arf-complaint.eml', 'utf8')
      .replaceAll('{{VERP}}', 'someone@example.net').replaceAll('{{RCPT}}', 'x@example.net').replaceAll('{{MSGID}}', '<m@example.net>')
      .replace('Original-Mail-From: <someone@example.net>', `Original-Mail-From: ${'a'.repeat(200_000)}`);
    await hostile('3. bounce mailbox: ARF with a 200,000-letter Original-Mail-From', async () => {
      await imap.append('INBOX', report);
      for (let i = 0; i < 300; i++) {
        if (seen(await detail()) > before) return 200;
        await new Promise((r) => setTimeout(r, 50));
      }
      return 0;
    }, 200);
  });

  it('4. a 2 MB pasted list of one-letter lines: 413 naming the count, before any line is read', async () => {
    await hostile('4. library: 2 MB of one-letter lines (1,048,576 of them)', () => signUp('letters@example.org', { library: 'a\n'.repeat(1024 * 1024) }), 413);
  });

  it('6. webhooks: a year-old Mailgun signature, a reused one with another event, a SendGrid batch stamped 2023', async () => {
    const mailgun = (event: string, token: string, timestamp: number) => JSON.stringify({
      signature: { timestamp: String(timestamp), token, signature: createHmac('sha256', MAILGUN_KEY).update(`${timestamp}${token}`).digest('hex') },
      'event-data': { event, id: `ev-${token}-${event}`, recipient: 'victim@example.org', severity: 'temporary', timestamp },
    });
    const now = Math.floor(Date.now() / 1000);
    await hostile('6. Mailgun: a year-old signature, "complained"', () => post('/webhooks/mailgun', mailgun('complained', 'old-token-0123456789abcdef0123456789abcdef0123', now - 365 * 86_400)), 401);
    await hostile('6. Mailgun: a fresh signature, first use', () => post('/webhooks/mailgun', mailgun('failed', 'fresh-token-0123456789abcdef0123456789abcdef01', now)), 200);
    await hostile('6. Mailgun: the same signature again, "complained"', () => post('/webhooks/mailgun', mailgun('complained', 'fresh-token-0123456789abcdef0123456789abcdef01', now)), 401);
    const batch = JSON.stringify([{ event: 'spamreport', email: 'victim@example.org', sg_event_id: 'sg-1', timestamp: 1690000000 }]);
    await hostile('6. SendGrid: a signed batch stamped 2023', () => post('/webhooks/sendgrid', batch, {
      'x-twilio-email-event-webhook-timestamp': '1690000000',
      'x-twilio-email-event-webhook-signature': sign('sha256', Buffer.from(`1690000000${batch}`), sendgrid.privateKey).toString('base64'),
    }), 401);
  });

  it('8. SES: a crafted SigningCertURL, and a message of another topic: 401, nothing fetched', async () => {
    const sns = (topic: string, certUrl: string) => JSON.stringify({
      Type: 'Notification', MessageId: 'x', TopicArn: topic, Message: '{}', Timestamp: '2026-11-30T09:02:00.000Z',
      SignatureVersion: '2', Signature: 'AAAA', SigningCertURL: certUrl,
    });
    await hostile('8. SES: SigningCertURL https://sns…amazonaws.com%40127.0.0.1', () => post('/webhooks/ses', sns(TOPIC, `https://sns.us-east-1.amazonaws.com%40127.0.0.1:${new URL(base).port}/cert.pem`), { 'content-type': 'text/plain' }), 401);
    await hostile('8. SES: another topic', () => post('/webhooks/ses', sns('arn:aws:sns:us-east-1:999999999999:x', 'https://sns.us-east-1.amazonaws.com/c.pem'), { 'content-type': 'text/plain' }), 401);
  });

  it('9. keywords nested 5,000 levels deep: 400', async () => {
    await hostile('9. keywords nested 5,000 levels', () => post('/api/subscriptions', `{"email":"deep@example.org","library":"2406.01234","keywords":${'['.repeat(5000)}"x"${']'.repeat(5000)}}`), 400);
  });

  it('11. a stranger signing one mailbox up under plus-tags: three mails, then 429', async () => {
    for (const [i, email] of ['owner@example.org', 'owner+1@example.org', 'owner+2@example.org'].entries()) {
      await hostile(`11. sign-up ${i + 1} of one mailbox (${email})`, () => signUp(email, {}), 202);
    }
    await hostile('11. sign-up 4 of one mailbox (owner+3@example.org)', () => signUp('owner+3@example.org', {}), 429);
  });

  it('15. a category arXiv does not list ("daily"): 400', async () => {
    await hostile('15. categories: ["daily"]', () => signUp('daily@example.org', { categories: ['daily'] }), 400);
  });

  it('the server is alive at the end, and no /healthz poll waited 500 ms at any time', async () => {
    expect(exited, log).toBe(false);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(polls.length).toBeGreaterThan(20);
    expect(Math.max(...polls.map((p) => p.ms))).toBeLessThan(POLL_LIMIT_MS);
    expect(log).not.toMatch(/FATAL|heap limit|"level":50/);
  });
});
