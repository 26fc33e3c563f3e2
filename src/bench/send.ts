// `npm run bench:send`: rank + render + hand-off to Postfix's smtp-sink, at 10,000 and 100,000
// subscribers over 2,000 new papers. Each delivery runs in a child process so its peak RSS is its own.
// In the same run a plain sender (nodemailer's pool of 5, mjml2html per mail, no database) mails the same
// digests to the same sink: Paperboy's messages/s is printed as a ratio to it.
import nodemailer from 'nodemailer';
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../config.js';
import { closeContext, createContext, type Context } from '../context.js';
import type { DigestModel } from '../digest/compose.js';
import { renderMjmlDirect } from '../digest/render.js';
import type { RankedPaper } from '../model.js';
import { readTemplate } from '../templates.js';
import { activeSubscribers, type SubscriberRecord } from '../store/subscribers.js';
import { deliver, renderDigest } from '../mail/sender.js';
import { makeRanker, type Ranker } from '../ranking.js';
import { benchPapers, buildBenchDb } from './fixture.js';
import { startSink } from './sink.js';

const NOW = new Date('2026-11-29T09:00:00Z');
/** The SMTP pool size Paperboy runs with when SMTP_MAX_CONNECTIONS is not set: what the bench measures unless --connections says otherwise. */
const DEFAULT_CONNECTIONS = loadConfig({}).SMTP_MAX_CONNECTIONS;
const arg = (name: string, def: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def);

/** Opens a context over a bench database; mail goes to `smtpUrl` (or nowhere when unset). */
async function benchContext(db: string, smtpUrl?: string, connections = 8): Promise<Context> {
  const config = loadConfig({
    PAPERBOY_DB: db, PUBLIC_URL: 'https://paperboy.example.org', SMTP_URL: smtpUrl, LOG_LEVEL: 'silent',
    SMTP_MAX_CONNECTIONS: String(connections), PAPERBOY_OUTBOX: join(tmpdir(), 'paperboy-bench-outbox'),
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
  const ctx = await benchContext(db, url, arg('connections', DEFAULT_CONNECTIONS));
  // Otherwise every distinct profile is ranked once before the clock starts: the run measures the hand-off.
  const t0 = performance.now();
  const ranker = makeRanker(ctx.db, NOW, { memo: !inRun });
  let profiles = 0;
  const seen = new Set<string>();
  for (const sub of inRun ? [] : activeSubscribers(ctx.db)) {
    const key = JSON.stringify(sub.profile);
    if (!seen.has(key)) { seen.add(key); ranker(sub); profiles++; }
  }
  const rankSeconds = (performance.now() - t0) / 1000;
  const t = performance.now();
  const cpu = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  const r = await deliver(ctx, NOW, { ranker });
  const seconds = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  const mainBusy = performance.eventLoopUtilization(elu).active / 1000;
  const cpuMsPerMessage = (used.user + used.system) / 1000 / Math.max(1, r.sent);
  const mainMsPerMessage = (1000 * mainBusy) / Math.max(1, r.sent);
  clearInterval(timer);
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

/** The plain sender's in-flight limit: as many as Paperboy's workers (2 per connection). */
const BASELINE_IN_FLIGHT = 10;

/** Child: the plain sender. Ranks like the delivery child (before the clock), then for `n` subscribers fills the MJML
 *  source and runs mjml2html per mail, and hands the mail to nodemailer's own pool of 5 connections; no database writes. */
async function baseline(db: string, url: string, n: number): Promise<void> {
  const ctx = await benchContext(db);
  const ranker = makeRanker(ctx.db, NOW);
  // The first `n` subscribers with something to send (a weak day sends nothing).
  const subs = [...take(withPapers(activeSubscribers(ctx.db), ranker), n)];
  const pool = nodemailer.createTransport({ url, pool: true, maxConnections: 5 } as never);
  const source = readTemplate('digest.mjml');
  const inFlight = new Set<Promise<unknown>>();
  const t = performance.now();
  const cpu = process.cpuUsage();
  for (const { sub, ranked } of subs) {
    // The model and text part as Paperboy makes them; the HTML the plain way: MJML run on each mail.
    const { model, body } = renderDigest(ctx, sub, '2026-11-29', ranked, 'mail');
    const html = await renderMjmlDirect(source, model, 'digest');
    const sent = pool.sendMail({ from: ctx.config.MAIL_FROM, to: sub.email, subject: model.subject, html, text: body.text,
      headers: { 'List-Unsubscribe': `<${model.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } });
    inFlight.add(sent);
    void sent.finally(() => inFlight.delete(sent));
    if (inFlight.size >= BASELINE_IN_FLIGHT) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  pool.close();
  await closeContext(ctx);
  process.send!({ sent: subs.length, seconds, cpuMsPerMessage: (used.user + used.system) / 1000 / subs.length });
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
    for (const name of ['in-run', 'plain']) buildBenchDb(join(dir, `${name}.db`), papers, scales[0], NOW);
    const ctx = await benchContext(join(dir, `${scales[0]}.db`));
    await cpuPhase(ctx, arg('sample', 2000));
    await closeContext(ctx);
    const peaks: number[] = [];
    const rates: number[] = [];
    for (const n of scales) {
      const r = await runChild(join(dir, `${n}.db`), sink.url);
      peaks.push(r.peak);
      rates.push(r.sent / r.seconds);
      console.log(`deliver ${n} subscribers to smtp-sink (${r.profiles} distinct profiles ranked first in ${r.rankSeconds.toFixed(1)} s): ` +
        `sent ${r.sent}, skipped (weak day) ${r.skipped} = ${(100 * r.skipped / Math.max(1, r.due)).toFixed(1)}% of due, failed ${r.failed + r.retrying} in ${r.seconds.toFixed(1)} s → ${(r.sent / r.seconds).toFixed(0)} messages/s ` +
        `(claim + render + SMTP + record; CPU ${r.cpuMsPerMessage.toFixed(2)} ms a message, send loop busy ${r.mainMsPerMessage.toFixed(2)} ms a message); ` +
        `peak RSS ${(r.peak / 2 ** 20).toFixed(0)} MB, live heap after a full GC ${r.heapMb} MB`);
    }
    console.log(`peak RSS at ${scales[1]} / at ${scales[0]}: ${(peaks[1] / peaks[0]).toFixed(2)}× (target ≤ 1.2×)`);
    const inRun = await runChild(join(dir, 'in-run.db'), sink.url, '--in-run');
    console.log(`deliver ${scales[0]} subscribers, every one ranked inside the run with no shared ranking (as when all have history): ` +
      `sent ${inRun.sent} in ${inRun.seconds.toFixed(1)} s → ${(inRun.sent / inRun.seconds).toFixed(0)} messages/s ` +
      `(rank + claim + render + SMTP + record; CPU ${inRun.cpuMsPerMessage.toFixed(2)} ms a message, send loop busy ${inRun.mainMsPerMessage.toFixed(2)} ms a message)`);
    const plain = await runChild(join(dir, 'plain.db'), sink.url, '--baseline');
    const base = plain.sent / plain.seconds;
    console.log(`plain nodemailer (pool of 5, mjml2html per mail, no database) to the same smtp-sink, ${plain.sent} digests: ` +
      `${base.toFixed(0)} messages/s (CPU ${plain.cpuMsPerMessage.toFixed(2)} ms a message); Paperboy's messages/s as a ratio to it: ` +
      scales.map((n, i) => `${(rates[i] / base).toFixed(1)}× at ${n} subscribers`).join(', '));
  } finally {
    sink.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function runChild(db: string, url: string, mode = '--child'): Promise<{ due: number; cpuMsPerMessage: number; mainMsPerMessage: number; heapMb: number; externalMb: number; sent: number; skipped: number; failed: number; retrying: number; seconds: number; peak: number; profiles: number; rankSeconds: number }> {
  return new Promise((ok, fail) => {
    const c = fork(new URL(import.meta.url).pathname, [mode, db, url, ...process.argv.slice(2)], { execArgv: ['--expose-gc'] });
    c.on('message', (m) => ok(m as never));
    c.on('exit', (code) => { if (code) fail(new Error(`bench child exited with ${code}`)); });
  });
}

const i = Math.max(process.argv.indexOf('--child'), process.argv.indexOf('--in-run'));
const b = process.argv.indexOf('--baseline');
if (i >= 0) await child(process.argv[i + 1], process.argv[i + 2], process.argv[i] === '--in-run');
else if (b >= 0) await baseline(process.argv[b + 1], process.argv[b + 2], arg('baseline', 2000));
else await main();
