import cron from 'node-cron';
import type { Context } from '../context.js';
import { sendDueDigests } from '../mail/sender.js';
import { startMailboxJob } from './bounce-mailbox.js';
import { startSignupMailTimers } from './signup-mail.js';
import { describePrune, pruneHistory, prunedNothing } from './retention.js';

/** What the scheduler runs on INGEST_CRON. */
export type IngestJob = () => Promise<void>;

/** The running jobs. */
export interface Scheduler {
  /** Runs the ingest job now (unless a run is in progress): serve fetches once at start rather than waiting for INGEST_CRON. */
  ingestNow(): Promise<void>;
  /** Runs the prune now (unless one is in progress): serve prunes once at start, then daily. */
  pruneNow(): Promise<void>;
  stop(): Promise<void>;
}

/** When the daily prune runs (server time): an hour when few subscribers are due, though it never holds up a send run. */
const PRUNE_CRON = '17 3 * * *';

/** Registers the jobs: due digests every minute, ingest on INGEST_CRON, the prune daily, the sign-up mailer's timers,
 *  the bounce mailbox when BOUNCE_IMAP_URL is set. Runs of one job never overlap. */
export function startScheduler(ctx: Context, ingest: IngestJob): Scheduler {
  // Aborted on stop: the digest run takes no new work and returns once what is in flight is recorded.
  const stopping = new AbortController();
  const digestTask = cron.schedule('* * * * *', guarded('digest', async () => {
    const counts = await sendDueDigests(ctx, new Date(), { signal: stopping.signal });
    if (counts.due) ctx.log.info(counts, 'digest run');
  }));
  const ingestJob = guarded('ingest', ingest);
  const ingestTask = cron.schedule(ctx.config.INGEST_CRON, ingestJob);
  const pruneJob = guarded('prune', async () => {
    const r = await pruneHistory(ctx.db, { days: ctx.config.RETENTION_DAYS, signal: stopping.signal });
    // A start-up prune that found nothing to delete says nothing (debug): the log shows what happened, not what did not.
    ctx.log[!r.returnsSpace ? 'warn' : prunedNothing(r) ? 'debug' : 'info'](r, describePrune(r));
  });
  const pruneTask = cron.schedule(PRUNE_CRON, pruneJob);
  const running = new Set<Promise<void>>();
  const mailbox = ctx.config.BOUNCE_IMAP_URL ? startMailboxJob(ctx) : null;
  const stopSignupMail = startSignupMailTimers(ctx.mailer);

  function guarded(name: string, job: () => Promise<void>) {
    let busy = false;
    return async () => {
      if (busy) return;
      busy = true;
      const p = job().catch((err) => ctx.log.error({ err, job: name }, 'scheduled job failed')).finally(() => { busy = false; running.delete(p); });
      running.add(p);
      await p;
    };
  }

  return {
    ingestNow: ingestJob,
    pruneNow: pruneJob,
    async stop() {
      stopping.abort();
      stopSignupMail();
      await digestTask.stop();
      await ingestTask.stop();
      await mailbox?.stop();
      await pruneTask.stop();
      await Promise.all(running);
    },
  };
}
