// `npm run bench:send`: rank + render + hand-off to Postfix's smtp-sink, at 10,000 and 100,000
// subscribers over 2,000 new papers. Each delivery runs in a child process so its peak RSS is its own.
// In the same run two baselines: a plain sender (nodemailer's own pool, as many connections, the same digests
// rendered before the clock, no database) and Postfix's smtp-source (the machine's SMTP ceiling), both into the same
// sink; Paperboy's messages/s is printed as a ratio to each.
import nodemailer from 'nodemailer';
import { fork, spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '#paperboy/config.js';
import { closeContext, createContext, type Context } from '#paperboy/context.js';
import type { DigestModel } from '#paperboy/digest/compose.js';
import { renderMjmlDirect } from '#paperboy/digest/render.js';
import { digestMail, newMessageId } from '#paperboy/mail/message.js';
import { buildMime } from '#paperboy/mail/mime.js';
import type { RankedPaper } from '#paperboy/model.js';
import { readTemplate } from '#paperboy/templates.js';
import { activeSubscribers, type SubscriberRecord } from '#paperboy/store/subscribers.js';
import { renderDigest } from '#paperboy/digest/build.js';
import { deliver } from '#paperboy/mail/sender.js';
import { makeRanker, type Ranker } from '#paperboy/digest/choose.js';
import { benchPapers, buildBenchDb } from './fixture.js';
import { startSink } from './sink.js';

const NOW = new Date('2026-11-29T09:00:00Z');
/** The SMTP pool size Paperboy runs with when SMTP_MAX_CONNECTIONS is not set: what the bench measures unless --connections says otherwise. */
const DEFAULT_CONNECTIONS = loadConfig({}).SMTP_MAX_CONNECTIONS;
const arg = (name: string, def: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def);

/** Opens a context over a bench database; mail goes to `smtpUrl` (or nowhere when unset). */
async function benchContext(db: string, smtpUrl?: string, connections = 8, threads = 0): Promise<Context> {
  const config = loadConfig({
    PAPERBOY_DB: db, PUBLIC_URL: 'https://paperboy.example.org', SMTP_URL: smtpUrl, LOG_LEVEL: 'silent',
    SMTP_MAX_CONNECTIONS: String(connections), PAPERBOY_OUTBOX: join(tmpdir(), 'paperboy-bench-outbox'), SEND_THREADS: String(threads),
  });
  return createContext(config, { log: pino({ level: 'silent' }) });
}

/** Milliseconds per call of `fn`, over `n` calls. */
function perCall(n: number, fn: () => unknown): number {
  const t = performance.now();
  for (let i = 0; i < n; i++) fn();
  return (performance.now() - t) / n;
}

/** Fill vs mjml per mail, and rank + render per digest (every subscriber ranked, then as a run shares rankings). */
async function cpuPhase(ctx: Context, sample: number): Promise<void> {
  const subs = [...take(activeSubscribers(ctx.db), sample)];
  const date = '2026-11-29';
  const t0 = performance.now();
  const unshared = makeRanker(ctx.db, NOW, { memo: false });
  unshared(subs[0]);
  console.log(`ranking model over the week's papers built in ${((performance.now() - t0) / 1000).toFixed(1)} s (once per run)`);
  const model: DigestModel = renderDigest(ctx, subs[0], date, unshared(subs[0]), 'mail').model;
  const fill = perCall(2000, () => ctx.templates.digest(model));
  const source = readTemplate('digest.mjml');
  let mjml = performance.now();
  for (let i = 0; i < 20; i++) await renderMjmlDirect(source, model, 'digest');
  mjml = (performance.now() - mjml) / 20;
  console.log(`render per mail: fill ${fill.toFixed(3)} ms, mjml ${mjml.toFixed(1)} ms → fill is ${(mjml / fill).toFixed(0)}× faster`);
  let rankMs = 0;
  let renderMs = 0;
  for (const sub of subs) {
    const t1 = performance.now();
    const ranked = unshared(sub);
    const t2 = performance.now();
    renderDigest(ctx, sub, date, ranked, 'mail');
    rankMs += t2 - t1;
    renderMs += performance.now() - t2;
  }
  const n = subs.length;
  console.log(`rank + render, every subscriber ranked (${n} subscribers): ${(1000 * n / (rankMs + renderMs)).toFixed(0)} digests/s ` +
    `(rank ${(rankMs / n).toFixed(2)} ms + render ${(renderMs / n).toFixed(2)} ms per digest)`);
  const shared = makeRanker(ctx.db, NOW);
  shared(subs[0]);
  const all = [...take(activeSubscribers(ctx.db), 20_000)];
  const t = performance.now();
  for (const sub of all) renderDigest(ctx, sub, date, shared(sub), 'mail');
  console.log(`rank + render as a run does it (identical new profiles ranked once; ${all.length} subscribers): ` +
    `${(1000 * all.length / (performance.now() - t)).toFixed(0)} digests/s`);
}

function* take<T>(it: Iterable<T>, n: number): Generator<T> {
  for (const x of it) {
    if (n-- <= 0) return;
    yield x;
  }
}

/** Child: one delivery run over `db` to `url`, sampling RSS; reports JSON to the parent. With `inRun`, every
 *  subscriber is ranked inside the run and none shares a ranking (as when all have votes or sent papers). */
async function child(db: string, url: string, inRun = false): Promise<void> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
  const threads = arg('threads', 0);
  const ctx = await benchContext(db, url, arg('connections', DEFAULT_CONNECTIONS), threads);
  // Otherwise every distinct profile is ranked once before the clock starts: the run measures the hand-off.
  const t0 = performance.now();
  const ranker = makeRanker(ctx.db, NOW, { memo: !inRun });
  let profiles = 0;
  const seen = new Set<string>();
  // With digest threads the ranking happens on them, in the run (each thread shares rankings within itself).
  for (const sub of inRun || threads ? [] : activeSubscribers(ctx.db)) {
    const key = JSON.stringify(sub.profile);
    if (!seen.has(key)) { seen.add(key); ranker(sub); profiles++; }
  }
  const rankSeconds = (performance.now() - t0) / 1000;
  const t = performance.now();
  const cpu = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  const r = await deliver(ctx, NOW, { ranker, memo: !inRun });
  const seconds = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  const mainBusy = performance.eventLoopUtilization(elu).active / 1000;
  const cpuMsPerMessage = (used.user + used.system) / 1000 / Math.max(1, r.sent);
  const mainMsPerMessage = (1000 * mainBusy) / Math.max(1, r.sent);
  clearInterval(timer);
  // maxRSS covers the whole process: the digest threads' heaps with the send loop's.
  peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  await closeContext(ctx);
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  const result = { ...r, seconds, cpuMsPerMessage, mainMsPerMessage, peak, profiles, rankSeconds, heapMb: Math.round(m.heapUsed / 2 ** 20), externalMb: Math.round(m.external / 2 ** 20) };
  if (process.send) process.send(result);
  else console.log(JSON.stringify(result));
}

/** Subscribers with their ranked papers, those with none left out. */
function* withPapers(subs: Iterable<SubscriberRecord>, ranker: Ranker): Generator<{ sub: SubscriberRecord; ranked: RankedPaper[] }> {
  for (const sub of subs) {
    const ranked = ranker(sub);
    if (ranked.length) yield { sub, ranked };
  }
}

/** Child: the plain sender, a fair baseline. Ranks and renders `n` digests the way Paperboy does before the clock
 *  starts, then hands them, pre-rendered, to nodemailer's own pool with as many connections as Paperboy uses and
 *  as many mails in flight as Paperboy's workers (2 per connection); no database writes. Also reports the digests'
 *  average size on the wire, for smtp-source. */
async function baseline(db: string, url: string, n: number): Promise<void> {
  const connections = arg('connections', DEFAULT_CONNECTIONS);
  const ctx = await benchContext(db);
  const ranker = makeRanker(ctx.db, NOW);
  // The first `n` subscribers with something to send (a weak day sends nothing), rendered before the clock.
  const mails = [...take(withPapers(activeSubscribers(ctx.db), ranker), n)].map(({ sub, ranked }) => {
    const { model, body } = renderDigest(ctx, sub, '2026-11-29', ranked, 'mail');
    return digestMail({ from: ctx.config.MAIL_FROM, to: sub.email, subject: model.subject, body, messageId: newMessageId('digest', ctx.domain),
      unsubscribeUrl: model.unsubscribeUrl, domain: ctx.domain, instance: ctx.config.INSTANCE_NAME });
  });
  const bytes = mails.reduce((sum, m) => sum + buildMime(m).length, 0) / mails.length;
  const pool = nodemailer.createTransport({ url, pool: true, maxConnections: connections, maxMessages: 1000 } as never);
  const inFlight = new Set<Promise<unknown>>();
  const t = performance.now();
  const cpu = process.cpuUsage();
  for (const m of mails) {
    const sent = pool.sendMail({ from: m.from, to: m.to, subject: m.subject, html: m.html, text: m.text, messageId: m.messageId, headers: m.headers });
    inFlight.add(sent);
    void sent.finally(() => inFlight.delete(sent));
    if (inFlight.size >= 2 * connections) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  pool.close();
  await closeContext(ctx);
  process.send!({ sent: mails.length, seconds, bytes, cpuMsPerMessage: (used.user + used.system) / 1000 / mails.length });
}

/** Postfix's smtp-source into the same sink: `n` messages of `bytes` over `sessions` connections kept open (-d), the
 *  machine's ceiling for SMTP on loopback. Returns messages/s. */
function smtpSource(url: string, n: number, bytes: number, sessions: number): number {
  const { host } = new URL(url);
  const bin = spawnSync('sh', ['-c', 'command -v smtp-source || ls /usr/sbin/smtp-source'], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
  if (!bin) throw new Error('smtp-source not found: install Debian package postfix');
  const t = performance.now();
  const r = spawnSync(bin, ['-d', '-s', String(sessions), '-m', String(n), '-l', String(Math.round(bytes)), '-f', 'bench@example.org', '-t', 'reader@example.org', host], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`smtp-source failed: ${r.stderr}`);
  return n / ((performance.now() - t) / 1000);
}

/** Parent: builds the databases, runs the CPU phase, then one child delivery per scale and the plain sender. */
async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-'));
  const scales = [arg('small', 10_000), arg('subscribers', 100_000)];
  const { papers, source } = benchPapers(arg('papers', 2000));
  console.log(`bench:send — ${papers.length} new papers from ${source}; scales ${scales.join(', ')} subscribers; ${arg('connections', DEFAULT_CONNECTIONS)} SMTP connections; ` +
    `delivery children run with the heap settings paperboy sets at start-up (createContext)`);
  const sink = await startSink();
  try {
    for (const n of scales) buildBenchDb(join(dir, `${n}.db`), papers, n, NOW);
    // Fresh copies of the smaller scale for the run that ranks everyone inside it and for the plain sender.
    for (const name of ['in-run-0', 'in-run-1', 'in-run-2', 'plain']) buildBenchDb(join(dir, `${name}.db`), papers, scales[0], NOW);
    const ctx = await benchContext(join(dir, `${scales[0]}.db`));
    await cpuPhase(ctx, arg('sample', 2000));
    await closeContext(ctx);
    const peaks: number[] = [];
    const rates: number[] = [];
    const threads = arg('threads', 0);
    for (const n of scales) {
      const r = await runChild(join(dir, `${n}.db`), sink.url);
      peaks.push(r.peak);
      rates.push(r.sent / r.seconds);
      console.log(`deliver ${n} subscribers to smtp-sink, SEND_THREADS=${threads} (${threads ? 'rankings shared within each thread, made in the run' : `${r.profiles} distinct profiles ranked first in ${r.rankSeconds.toFixed(1)} s`}): ` +
        `sent ${r.sent}, skipped (weak day) ${r.skipped} = ${(100 * r.skipped / Math.max(1, r.due)).toFixed(1)}% of due, failed ${r.failed + r.retrying} in ${r.seconds.toFixed(1)} s → ${(r.sent / r.seconds).toFixed(0)} messages/s ` +
        `(claim + render + SMTP + record; CPU ${r.cpuMsPerMessage.toFixed(2)} ms a message, send loop busy ${r.mainMsPerMessage.toFixed(2)} ms a message); ` +
        `peak RSS ${(r.peak / 2 ** 20).toFixed(0)} MB, live heap after a full GC ${r.heapMb} MB`);
    }
    console.log(`peak RSS at ${scales[1]} / at ${scales[0]}: ${(peaks[1] / peaks[0]).toFixed(2)}× (target ≤ 1.2×)`);
    // Every subscriber ranked inside the run, no ranking shared (as when all have votes or sent papers): the send
    // loop alone, then with 1 and 2 digest threads, on fresh copies of the same store.
    const inRunRates: number[] = [];
    for (const t of [0, 1, 2]) {
      const inRun = await runChild(join(dir, `in-run-${t}.db`), sink.url, '--in-run', [`--threads=${t}`]);
      inRunRates.push(inRun.sent / inRun.seconds);
      console.log(`deliver ${scales[0]} subscribers, every one ranked inside the run with no shared ranking, SEND_THREADS=${t}: ` +
        `sent ${inRun.sent} in ${inRun.seconds.toFixed(1)} s → ${(inRun.sent / inRun.seconds).toFixed(0)} messages/s ` +
        `(rank + claim + render + SMTP + record; CPU ${inRun.cpuMsPerMessage.toFixed(2)} ms a message, send loop busy ${inRun.mainMsPerMessage.toFixed(2)} ms a message; peak RSS ${(inRun.peak / 2 ** 20).toFixed(0)} MB)`);
    }
    const plain = await runChild(join(dir, 'plain.db'), sink.url, '--baseline');
    const base = plain.sent / plain.seconds;
    const connections = arg('connections', DEFAULT_CONNECTIONS);
    console.log(`plain nodemailer pool (${connections} connections, ${2 * connections} mails in flight, the same digests rendered before the clock, no database) to the same smtp-sink, ` +
      `${plain.sent} digests of ${(plain.bytes / 1024).toFixed(1)} KB on average: ${base.toFixed(0)} messages/s (CPU ${plain.cpuMsPerMessage.toFixed(2)} ms a message)`);
    const ceiling = smtpSource(sink.url, arg('source', 20_000), plain.bytes, connections);
    console.log(`Postfix smtp-source into the same smtp-sink (${connections} sessions kept open, ${(plain.bytes / 1024).toFixed(1)} KB messages): ${ceiling.toFixed(0)} messages/s, the machine's ceiling`);
    const inRun = inRunRates.map((r, t) => `${(r / base).toFixed(2)}× with SEND_THREADS=${t}`).join(', ');
    console.log(`Paperboy ÷ plain pool: ${scales.map((n, i) => `${(rates[i] / base).toFixed(2)}× at ${n} (shared rankings)`).join(', ')}; ` +
      `every subscriber ranked inside the run: ${inRun} (target ≥ 1.5×)`);
    console.log(`Paperboy ÷ smtp-source ceiling: ${scales.map((n, i) => `${(100 * rates[i] / ceiling).toFixed(0)}% at ${n} (shared rankings)`).join(', ')}; ` +
      `every subscriber ranked inside the run: ${inRunRates.map((r, t) => `${(100 * r / ceiling).toFixed(0)}% with SEND_THREADS=${t}`).join(', ')} (target ≥ 60% with shared rankings)`);
  } finally {
    sink.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function runChild(db: string, url: string, mode = '--child', extra: string[] = []): Promise<{ bytes: number; due: number; cpuMsPerMessage: number; mainMsPerMessage: number; heapMb: number; externalMb: number; sent: number; skipped: number; failed: number; retrying: number; seconds: number; peak: number; profiles: number; rankSeconds: number }> {
  return new Promise((ok, fail) => {
    // arg() takes the first match: `extra` goes before the command line's own arguments, so it wins.
    const c = fork(new URL(import.meta.url).pathname, [mode, db, url, ...extra, ...process.argv.slice(2)], { execArgv: ['--expose-gc'] });
    c.on('message', (m) => ok(m as never));
    c.on('exit', (code) => { if (code) fail(new Error(`bench child exited with ${code}`)); });
  });
}

const i = Math.max(process.argv.indexOf('--child'), process.argv.indexOf('--in-run'));
const b = process.argv.indexOf('--baseline');
if (i >= 0) await child(process.argv[i + 1], process.argv[i + 2], process.argv[i] === '--in-run');
else if (b >= 0) await baseline(process.argv[b + 1], process.argv[b + 2], arg('baseline', 5000));
else await main();
