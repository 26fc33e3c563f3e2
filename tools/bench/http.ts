// `npm run bench:http`: autocannon against the real server on loopback, per-IP limits raised.
// The server runs in a child process, so the load generator does not share its event loop.
// Confirmation mails are queued by each sign-up and handed to Postfix's smtp-sink on loopback (or to
// BENCH_SMTP_URL); after the load the bench waits for that queue to drain and prints how long it took.
import autocannon from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { loadConfig } from '#paperboy/config.js';
import { createContext } from '#paperboy/context.js';
import { buildApp } from '#paperboy/http/app.js';
import { ingestSampleIfEmpty } from '#paperboy/ingest/sample.js';
import { startSink } from './sink.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);

/** A target from the issue: requests per second, and (for sign-up) the p99 latency ceiling. */
interface Target { name: string; minRps: number; maxP99Ms?: number }

/** Child side: starts Paperboy on a free loopback port over a temp database and reports the port. */
async function serve(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-'));
  const config = loadConfig({
    PAPERBOY_DB: join(dir, 'bench.db'), PAPERBOY_OUTBOX: join(dir, 'outbox'), PUBLIC_URL: 'http://127.0.0.1:3000',
    LOG_LEVEL: 'silent', SMTP_URL: process.env.BENCH_SMTP_URL,
  });
  const ctx = await createContext(config, { log: pino({ level: 'silent' }) });
  await ingestSampleIfEmpty({ db: ctx.db });
  const app = await buildApp(ctx, { rateLimit: { max: 1e9, timeWindowMs: 60_000 } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  process.send!({ port, mail: ctx.transport.describe() });
  // Asked after the load: wait until no confirmation mail is queued, and say how long that took.
  process.on('message', async () => {
    const started = performance.now();
    const queued = ctx.db.prepare("SELECT count(*) FROM signup_requests WHERE mail = 'queued'").pluck();
    while ((queued.get() as number) > 0) await new Promise((r) => setTimeout(r, 20));
    const sent = ctx.db.prepare("SELECT count(*) FROM signup_requests WHERE mail = 'sent'").pluck().get() as number;
    process.send!({ sent, seconds: (performance.now() - started) / 1000 });
  });
  process.on('disconnect', () => { void app.close().then(() => rmSync(dir, { recursive: true, force: true })).finally(() => process.exit(0)); });
}

/** Runs one autocannon load and prints its figures; returns whether the target was met. */
async function load(url: string, target: Target, opts: Partial<autocannon.Options>): Promise<boolean> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, ...opts });
  const rps = r.requests.average;
  const ok = rps >= target.minRps && (target.maxP99Ms === undefined || r.latency.p99 < target.maxP99Ms) && r.non2xx === 0 && r.errors === 0;
  console.log(`${target.name}: ${rps.toFixed(0)} req/s (min ${r.requests.min}, max ${r.requests.max}); latency p50 ${r.latency.p50} ms, ` +
    `p99 ${r.latency.p99} ms, max ${r.latency.max} ms; ${r.requests.total} requests, ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
  console.log(`  target ≥ ${target.minRps} req/s${target.maxP99Ms ? `, p99 < ${target.maxP99Ms} ms` : ''}: ${ok ? 'met' : 'NOT met'}`);
  return ok;
}

/** Parent side: starts the server, warms it up, loads the landing page and the sign-up POST. */
async function main(): Promise<void> {
  const sink = process.env.BENCH_SMTP_URL ? null : await startSink();
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--serve'], { env: { ...process.env, BENCH_SMTP_URL: process.env.BENCH_SMTP_URL ?? sink!.url } });
  const { port, mail } = await new Promise<{ port: number; mail: string }>((ok, fail) => {
    child.once('message', (m) => ok(m as { port: number; mail: string }));
    child.once('exit', (code) => fail(new Error(`server exited with ${code}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  console.log(`Paperboy on ${base}; ${CONNECTIONS} connections, ${SECONDS} s per run; confirmation mails: ${mail}`);
  // Other work on the machine shows in the figures: say how busy it was.
  console.log(`${cpus().length} CPUs; load average before the runs: ${loadavg().map((l) => l.toFixed(2)).join(', ')}`);
  let n = 0;
  const signup: Partial<autocannon.Options> = {
    method: 'POST', headers: { 'content-type': 'application/json' },
    // A new address per request: each one is a real sign-up that renders and hands over a confirmation mail.
    requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ email: `reader${process.pid}.${++n}@bench.example`, keywords: ['diffusion'] }) }) }],
  };
  await autocannon({ url: `${base}/`, connections: CONNECTIONS, duration: 2 }); // warm-up
  const results = [
    await load(`${base}/`, { name: 'GET / (landing page)', minRps: 2000 }, {}),
    await load(`${base}/api/subscriptions`, { name: 'POST /api/subscriptions (sign-up)', minRps: 3000, maxP99Ms: 50 }, signup),
  ];
  child.send('backlog');
  const backlog = await new Promise<{ sent: number; seconds: number }>((ok) => child.once('message', (m) => ok(m as { sent: number; seconds: number })));
  console.log(`confirmation mails: ${backlog.sent} handed over in all; the queue left after the load drained in ${backlog.seconds.toFixed(1)} s`);
  child.disconnect();
  sink?.stop();
  console.log(results.every(Boolean) ? 'All targets met.' : 'Some targets were NOT met (see above).');
}

if (process.argv.includes('--serve')) await serve();
else await main();
