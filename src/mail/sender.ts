// The send loop: claim → render → hand over → record, with a fixed number of workers over a pooled
// SMTP transport. See docs/delivery.md for the states and the crash policy.
import { bounceAddress } from './verp.js';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { digestSubject } from '../digest/compose.js';
import { localDayHour, scheduledDay } from '../digest/due.js';
import { shrinkPageCache } from '../db/open.js';
import type { RankedPaper } from '../model.js';
import { suspendedIds } from '../store/bounces.js';
import {
  claimDigest, expireDigest, hasDigest, leaseDigest, loadDigest, nextRetryAt, openDigests,
  releaseStale, skipClaimed, skipDigest, unclaimDigest, type Lease,
} from '../store/digests.js';
import { countDue, dueSubscribers, type LocalNow } from '../store/due.js';
import { getSubscriber, type SubscriberRecord } from '../store/subscribers.js';
import { digestMail, newMessageId, type OutgoingMail } from './message.js';
import { acceptedOutcome, failureOutcome, nextStep, tallyOutcome, type AttemptOutcome, type NextStep, type RetryPolicy, type RunTally } from './outcome.js';
import { endOwner, isDeadOwner, newOwnerId } from './owner.js';
import { groupCommit, limiter, runPool } from './pool.js';
import { makeRanker, type Ranker } from '../digest/choose.js';
import { recordOutcome } from './record-outcome.js';
import { holdForRelay, relayRefusal, releaseRelay } from './relay.js';
import { scrub } from '../log/redact.js';
import { nothingArrived, renderDigest, wantsNote } from '../digest/build.js';
import type { ThreadDigest } from './digest-work.js';
import { keepEntryVectors } from '../store/library.js';
import { startDigestThreads, type DigestThreads } from './digest-thread.js';
import type { DigestMailDeps } from './digest-mail.js';
import type { Transport } from './transport.js';

/**
 * SQLite page cache while a run sends: it reads each subscriber page once and writes at the tail of the
 * outbox tables, so the 64 MB kept for ingest would only fill with pages it never reads again and RSS
 * would grow with the number of subscribers.
 */
const SEND_PAGE_CACHE_KIB = 8192;

/** What the send loop needs of the wiring (built by context.ts): the store, the settings, the log, the transport,
 *  the link secret (VERP addresses) and what a digest's mail is built from. */
export interface SenderDeps extends DigestMailDeps {
  config: Config;
  log: Logger;
  secret: string;
  transport: Transport;
  /** The process's digest threads (SEND_THREADS), kept between runs; without them a run starts its own. */
  digestThreads?: DigestThreads | null;
}

/** Outcome counts of one run: due = sent + skipped (nothing to send, or suspended) + failed (not handed over by the end of the run). */
export interface RunCounts {
  due: number;
  sent: number;
  skipped: number;
  failed: number;
}

/** Counts of one run with the failures split: `failed` given up, `retrying` waiting for a later attempt; and, when
 *  the run was stopped because its relay refused digests alike, what it refused. */
export interface RunReport extends RunCounts {
  retrying: number;
  relayRefused?: string;
}

/** Failures alike, about no recipient, that stop a run when they are most of it (see tallyOutcome). */
const RELAY_REFUSALS_TO_STOP = 10;

/** Operator switches of one run. */
export interface RunOptions {
  /** Rank and render, but send and record nothing. */
  dryRun?: boolean;
  /** Aborting stops taking new work; digests in flight are finished and recorded. */
  signal?: AbortSignal;
  /** Stay until every retry of today's digests is done (the CLI); the scheduler leaves them to its next tick. */
  waitForRetries?: boolean;
  /** The ranking step (default: makeRanker over the week's papers); the bench passes a warmed one. Not used for new
   *  digests when SEND_THREADS ranks them on threads. */
  ranker?: Ranker;
  /** With SEND_THREADS: false ranks every subscriber, sharing no ranking between identical new profiles (the bench). */
  memo?: boolean;
  /** With SEND_THREADS: start the threads only when at least this many subscribers may be due (default THREADS_FROM). */
  threadsFrom?: number;
  /** Called after each active subscriber is checked: how many of how many, and the counts so far (CLI progress). */
  onProgress?: (checked: number, total: number, report: RunReport) => void;
}

/** One digest leased for sending. */
interface Job {
  id: number;
  attempt: number;
  sub: SubscriberRecord;
  date: string;
  messageId: string;
  ranked: RankedPaper[];
  /** The finished message, when a digest thread built it before the claim. */
  raw?: Uint8Array;
}

/** A subscriber due and unclaimed, to be ranked and rendered on a digest thread, then claimed and sent. */
interface Candidate {
  candidate: true;
  sub: SubscriberRecord;
  date: string;
  messageId: string;
}

/** What a run carries around: wiring, clock, lease, counters. */
interface Run {
  ctx: SenderDeps;
  clock: () => Date;
  lease: Lease;
  signal?: AbortSignal;
  ranker: Ranker;
  /** Digest threads (SEND_THREADS), when new digests are ranked and rendered off the send loop's thread. */
  threads?: DigestThreads;
  memo: boolean;
  started: Date;
  suspended: Set<number>;
  report: RunReport;
  retrying: Set<number>;
  /** Bounds mails handed to the transport and not yet recorded: after a crash, at most this many can arrive twice. */
  handOff: <T>(task: () => Promise<T>) => Promise<T>;
  /** Records outcomes, those arriving in one turn of the event loop in one transaction. */
  record: <T>(write: () => T) => Promise<T>;
  onProgress?: RunOptions['onProgress'];
  /** Stops the run (the caller's signal, or a relay refusing everyone). */
  stop: AbortController;
  /** Final outcomes so far, to tell a relay refusing everyone from bad addresses. */
  tally: RunTally;
  /** A run after one stopped for its relay stops at the first refusal alike, and sends one digest at a time. */
  held: boolean;
}

/** Sends every digest due at `now` (and finishes today's unfinished ones); a second run the same day sends nothing. */
export async function sendDueDigests(ctx: SenderDeps, now = new Date(), opts: RunOptions = {}): Promise<RunCounts> {
  const r = await deliver(ctx, now, opts);
  return { due: r.due, sent: r.sent, skipped: r.skipped, failed: r.failed + r.retrying };
}

/** One delivery run: recover what a dead worker left, then claim and send with SMTP_MAX_CONNECTIONS workers. */
export async function deliver(ctx: SenderDeps, now = new Date(), opts: RunOptions = {}): Promise<RunReport> {
  if (opts.dryRun) return dryRun(ctx, now);
  const started = Date.now();
  const owner = newOwnerId();
  const stop = new AbortController();
  if (opts.signal?.aborted) stop.abort();
  opts.signal?.addEventListener('abort', () => stop.abort(), { once: true });
  const held = relayRefusal(ctx.db) !== null;
  const run: Run = {
    ctx, clock: () => new Date(now.getTime() + Date.now() - started), signal: stop.signal, stop, held, tally: { finished: 0, refusals: new Map() },
    lease: { owner, ms: ctx.config.DELIVERY_LEASE_MS }, ranker: opts.ranker ?? makeRanker(ctx.db, now), memo: opts.memo ?? true, started: now,
    suspended: suspendedIds(ctx.db), report: { due: 0, sent: 0, skipped: 0, failed: 0, retrying: 0 }, retrying: new Set(),
    handOff: limiter(ctx.config.SMTP_MAX_CONNECTIONS), record: groupCommit((fn) => ctx.db.transaction(fn)()),
    onProgress: opts.onProgress,
  };
  // Two workers per connection keep every connection busy while the next mail is rendered; one while the relay
  // refused the last run, so that a relay still refusing costs one digest, not a connection's worth.
  const workers = held ? 1 : 2 * ctx.config.SMTP_MAX_CONNECTIONS;
  const restoreCache = shrinkPageCache(ctx.db, SEND_PAGE_CACHE_KIB);
  // Started only for a run with enough to do, and only at its first digest: a minute tick that finds nobody starts no thread.
  const many = ctx.config.SEND_THREADS > 0 && !held && countDue(ctx.db, zoneClock(ctx, () => now)) >= (opts.threadsFrom ?? THREADS_FROM);
  const own = many && !ctx.digestThreads ? startDigestThreads(ctx, ctx.config.SEND_THREADS) : undefined;
  run.threads = many ? (ctx.digestThreads ?? own) : undefined;
  try {
    for (let first = true; ; first = false) {
      const stale = releaseStale(ctx.db, run.clock(), isDeadOwner);
      if (stale) ctx.log.warn({ digests: stale }, 'found digests a stopped worker was sending: marked uncertain, resending with the same Message-ID');
      await runPool(workers, jobs(run, first), (job) => ('candidate' in job ? sendCandidate(run, job) : sendJob(run, job)));
      if (!opts.waitForRetries || run.signal?.aborted || !(await waitForRetry(run))) break;
    }
  } finally {
    restoreCache();
    endOwner(owner);
    await own?.close();
  }
  run.report.retrying = run.retrying.size;
  return run.report;
}

/** Subscribers a run must be able to find due before it hands digests to threads: a thread builds the week's ranking
 *  model for itself when it starts or the papers changed (about 1 s of CPU on 2,000 papers here), the cost of
 *  ranking some 500 digests, so a run of a few hundred ends sooner on the send loop alone. */
const THREADS_FROM = 1000;

/** Sleeps until the earliest retry falls due; false when none waits or the run is stopped. */
async function waitForRetry(run: Run): Promise<boolean> {
  const at = nextRetryAt(run.ctx.db, run.ctx.config.SMTP_MAX_ATTEMPTS);
  if (!at) return false;
  const ms = Math.max(0, at.getTime() - run.clock().getTime());
  await new Promise<void>((ok) => {
    const wake = () => { clearTimeout(t); run.signal?.removeEventListener('abort', wake); ok(); };
    const t = setTimeout(wake, ms);
    run.signal?.addEventListener('abort', wake, { once: true });
  });
  return !run.signal?.aborted;
}

/** Subscribers claimed per transaction; their mails wait at most this many hand-offs before going out. */
const CLAIM_BATCH = 16;

/** The work of a run, claimed as it is pulled: today's unfinished digests first, then (first pass) newly due subscribers. */
function* jobs(run: Run, withNew: boolean): Generator<Job | Candidate> {
  for (const open of openDigests(run.ctx.db, run.clock(), run.ctx.config.SMTP_MAX_ATTEMPTS)) {
    if (run.signal?.aborted) return;
    const job = resume(run, open.id, open.subscriberId, open.date, open.timezone);
    if (job) yield job;
  }
  if (!withNew) return;
  const localNow = zoneClock(run.ctx, run.clock);
  const total = run.onProgress ? countDue(run.ctx.db, localNow) : 0;
  let checked = 0;
  let batch: SubscriberRecord[] = [];
  // Claims are made CLAIM_BATCH subscribers to a transaction: one commit per claim was a tenth of a run's CPU.
  const claimBatch = run.ctx.db.transaction((subs: SubscriberRecord[]) => subs.map((sub) => claimNew(run, sub)));
  const flush = function* (): Generator<Job> {
    const claimed = claimBatch(batch);
    batch = [];
    for (const job of claimed) {
      run.onProgress?.(++checked, total, run.report);
      if (!job) continue;
      // Stopped for its relay: the rest of the batch goes back unsent, due again (a stop for SIGTERM sends it).
      if (run.report.relayRefused !== undefined && unclaimDigest(run.ctx.db, job.id, run.lease.owner)) run.report.due--;
      else yield job;
    }
  };
  // While the relay refused the last run, one subscriber is claimed at a time: a refusal then costs one digest.
  const size = run.held ? 1 : CLAIM_BATCH;
  // Only the subscribers the due index offers: a tick that sends nothing costs the same at any size.
  for (const sub of dueSubscribers(run.ctx.db, localNow)) {
    if (run.signal?.aborted) return;
    if (run.threads) {
      const c = candidate(run, sub);
      run.onProgress?.(++checked, total, run.report);
      if (c) yield c;
      continue;
    }
    batch.push(sub);
    if (batch.length === size) yield* flush();
  }
  if (batch.length && !run.signal?.aborted) yield* flush();
}

/** Each zone's local day and hour at the run's clock; a zone the runtime does not know is logged and left out. */
function zoneClock(ctx: { log: Logger }, clock: () => Date): LocalNow {
  return (tz) => {
    try {
      return localDayHour(clock(), tz);
    } catch {
      ctx.log.warn({ timezone: tz }, 'subscribers in a timezone this runtime does not know: no digest for them until it is fixed');
      return null;
    }
  };
}

/** Leases an unfinished digest of today; a past day's is given up instead, never sent late. */
function resume(run: Run, id: number, subscriberId: number, date: string, tz: string): Job | null {
  const { db, config } = run.ctx;
  const today = localDayHour(run.clock(), tz).date;
  if (date < today) {
    expireDigest(db, id, run.clock());
    return null;
  }
  if (date > today) return null;
  const sub = getSubscriber(db, subscriberId);
  if (!sub || sub.status !== 'active' || run.suspended.has(sub.id)) {
    // Left or suspended since the claim: the mail must not go out any more.
    if (skipClaimed(db, id, sub?.status === 'active' ? 'suspended' : 'unsubscribed', run.clock())) {
      if (!run.retrying.delete(id)) run.report.due++;
      run.report.skipped++;
    }
    return null;
  }
  const attempt = leaseDigest(db, id, run.lease, config.SMTP_MAX_ATTEMPTS, run.clock());
  const stored = attempt === null ? undefined : loadDigest(db, id);
  if (attempt === null || !stored) return null;
  if (!run.retrying.has(id)) run.report.due++;
  return { id, attempt, sub, date, messageId: stored.messageId, ranked: stored.items };
}

/** The local day `sub` is due for at `now` and has no digest of yet, or null; a suspended one's day is recorded as
 *  skipped here. */
function unservedDay(run: Run, sub: SubscriberRecord, now: Date): string | null {
  const date = scheduledDay(now, sub);
  if (!date || hasDigest(run.ctx.db, sub.id, date)) return null;
  if (run.suspended.has(sub.id)) {
    if (skipDigest(run.ctx.db, sub.id, date, 'suspended', now)) countSkipped(run);
    return null;
  }
  return date;
}

/** A subscriber due and unclaimed, for a digest thread; a suspended one's day is recorded as skipped here. */
function candidate(run: Run, sub: SubscriberRecord): Candidate | null {
  const date = unservedDay(run, sub, run.clock());
  return date ? { candidate: true, sub, date, messageId: newMessageId(`digest.${date}`, run.ctx.domain) } : null;
}

/**
 * Ranks and renders a candidate on a digest thread, then claims it (with the claims of the same moment, in one
 * transaction) and sends it as sendJob does. Nothing is written before the claim and nothing is sent before it is
 * committed, so a crash anywhere leaves the day either unclaimed (sent by the next run) or claimed (docs/delivery.md).
 */
async function sendCandidate(run: Run, c: Candidate): Promise<void> {
  const { ctx } = run;
  let built: ThreadDigest;
  try {
    built = await run.threads!.build({ runNow: run.started.toISOString(), now: run.clock().toISOString(), sub: c.sub, date: c.date, messageId: c.messageId, memo: run.memo });
  } catch (err) {
    // Not claimed: the subscriber stays due and the next run tries again.
    ctx.log.error({ err, subscriber: c.sub.id }, 'a digest thread failed to build a digest; not claimed, the next run tries again');
    return;
  }
  // Stopped for its relay while this one was being built: it stays unclaimed, due again.
  if (run.report.relayRefused !== undefined) return;
  const now = run.clock();
  const id = await run.record(() => {
    keepEntryVectors(ctx.db, built.kept);
    return claimDigest(ctx.db, { subscriberId: c.sub.id, date: c.date, messageId: c.messageId, subject: built.subject, items: built.items, note: built.note }, now, run.lease);
  });
  if (id === null) return;
  if (!built.raw) {
    countSkipped(run);
    return;
  }
  run.report.due++;
  await sendJob(run, { id, attempt: 1, sub: c.sub, date: c.date, messageId: c.messageId, ranked: built.items, raw: built.raw });
}

/** Ranks and claims a subscriber's digest when it is due and unclaimed; empty and suspended days are recorded as skipped. */
function claimNew(run: Run, sub: SubscriberRecord): Job | null {
  const { db, domain } = run.ctx;
  const now = run.clock();
  const date = unservedDay(run, sub, now);
  if (!date) return null;
  const ranked = run.ranker(sub);
  // No subscriber id in it: recipients see it, and ids would tell how many subscribers there are.
  const messageId = newMessageId(`digest.${date}`, domain);
  const note = wantsNote(sub, ranked);
  const quiet = note ? { count: ranked.length, noNewPapers: nothingArrived(run.ctx.db, sub, now), weekly: sub.frequency === 'weekly' } : undefined;
  const subject = digestSubject(ranked, quiet);
  const id = claimDigest(db, { subscriberId: sub.id, date, messageId, subject, items: ranked, note }, now, run.lease);
  if (id === null) return null;
  if (!ranked.length && !note) {
    countSkipped(run);
    return null;
  }
  run.report.due++;
  return { id, attempt: 1, sub, date, messageId, ranked };
}

function countSkipped(run: Run): void {
  run.report.due++;
  run.report.skipped++;
}

/** Renders, hands over and records one digest; never throws (a render error is recorded as a failure). */
async function sendJob(run: Run, job: Job): Promise<void> {
  const { ctx } = run;
  let mail: OutgoingMail | undefined;
  let outcome: AttemptOutcome | undefined;
  try {
    if (job.raw) mail = { from: ctx.config.MAIL_FROM, to: job.sub.email, subject: '', html: '', text: '', messageId: job.messageId, raw: job.raw };
    else {
      const { model, body } = renderDigest(ctx, job.sub, job.date, job.ranked, 'mail', run.clock());
      mail = digestMail({
        from: ctx.config.MAIL_FROM, to: job.sub.email, subject: model.subject, body,
        messageId: job.messageId, unsubscribeUrl: model.unsubscribeUrl, domain: ctx.domain, instance: ctx.config.INSTANCE_NAME,
      });
    }
    // Its bounce comes back to an address that names this digest (VERP).
    const bounces = ctx.config.BOUNCE_ADDRESS;
    if (bounces) mail.envelopeFrom = bounceAddress(ctx.secret, bounces, { subscriberId: job.sub.id, digestId: job.id });
  } catch (err) {
    outcome = failureOutcome(err);
  }
  // The slot is held until the outcome is committed: a mail the server accepted is never left unrecorded
  // while more go out.
  const kept = await run.handOff(async () => {
    outcome ??= await handOver(ctx, mail!);
    const o = outcome;
    const next: NextStep | { state: 'sent' } = o.kind === 'sent' ? { state: 'sent' } : nextStep(o, job.attempt, retryPolicy(ctx), run.clock());
    const ok = await run.record(() => recordOutcome(ctx.db, {
      id: job.id, subscriberId: job.sub.id, owner: run.lease.owner, attempt: job.attempt, outcome: o, next,
    }, { hard: ctx.config.BOUNCE_HARD_LIMIT, soft: ctx.config.BOUNCE_SOFT_LIMIT }, run.clock()));
    return ok ? next.state : null;
  });
  if (kept === null) ctx.log.warn({ digest: job.id }, 'lease lost while sending; the new holder decides');
  else {
    count(run, job, kept, outcome!);
    if (kept !== 'retry') watchRelay(run, outcome!);
  }
}

/** Stops the run when its relay refuses digests alike (see tallyOutcome), and lifts a hold once one is accepted. */
function watchRelay(run: Run, final: AttemptOutcome): void {
  const { ctx } = run;
  if (final.kind === 'sent' && run.held && releaseRelay(ctx.db)) {
    run.held = false;
    ctx.log.info('the SMTP relay accepts digests again: runs send at full speed from the next one');
  }
  const kind = tallyOutcome(run.tally, final, run.held ? 1 : RELAY_REFUSALS_TO_STOP);
  if (!kind || run.report.relayRefused !== undefined) return;
  const refused = run.tally.refusals.get(kind)!;
  const reply = scrub(final.text).slice(0, 200);
  run.report.relayRefused = `${refused} of ${run.tally.finished} digests refused alike: ${reply}`;
  holdForRelay(ctx.db, { at: run.clock().toISOString(), reply, refused });
  ctx.log.error({ reply: final.text, refused, finished: run.tally.finished },
    'the SMTP relay refuses digests alike, not their recipients: run stopped, nobody suspended for it; check SMTP_URL and the relay');
  run.stop.abort();
}

/** One hand-off to the transport, as an outcome. */
export async function handOver(ctx: { transport: Transport }, mail: OutgoingMail): Promise<AttemptOutcome> {
  try {
    return acceptedOutcome((await ctx.transport.send(mail)).response);
  } catch (err) {
    return failureOutcome(err);
  }
}

/** The retry limits of every mail, from the SMTP_* settings. */
export function retryPolicy(ctx: { config: Pick<Config, 'SMTP_MAX_ATTEMPTS' | 'SMTP_RETRY_BASE_MS' | 'SMTP_RETRY_MAX_MS'> }): RetryPolicy {
  const c = ctx.config;
  return { maxAttempts: c.SMTP_MAX_ATTEMPTS, baseMs: c.SMTP_RETRY_BASE_MS, maxMs: c.SMTP_RETRY_MAX_MS };
}

function count(run: Run, job: Job, state: 'sent' | 'retry' | 'failed', outcome: AttemptOutcome): void {
  if (state === 'retry') {
    run.retrying.add(job.id);
    run.ctx.log.info({ digest: job.id, attempt: job.attempt, reply: outcome.text }, 'digest deferred, will retry');
    return;
  }
  run.retrying.delete(job.id);
  run.report[state]++;
  if (state === 'failed') run.ctx.log.warn({ digest: job.id, subscriber: job.sub.id, reply: outcome.text }, 'digest not handed over');
}

/** Ranks and renders every due digest without claiming or sending anything. */
function dryRun(ctx: SenderDeps, now: Date): RunReport {
  const report: RunReport = { due: 0, sent: 0, skipped: 0, failed: 0, retrying: 0 };
  const ranker = makeRanker(ctx.db, now);
  for (const sub of dueSubscribers(ctx.db, zoneClock(ctx, () => now))) {
    const date = scheduledDay(now, sub);
    if (!date || hasDigest(ctx.db, sub.id, date)) continue;
    const ranked = ranker(sub);
    const send = ranked.length > 0 || wantsNote(sub, ranked);
    if (send) renderDigest(ctx, sub, date, ranked, 'preview', now);
    report.due++;
    report[send ? 'sent' : 'skipped']++;
  }
  return report;
}
