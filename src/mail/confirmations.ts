// Hands queued confirmation mails to the transport (the queue lives on the subscriber rows, see
// store/confirmations.ts): after each sign-up, at start-up, every minute, and when a retry falls due.
import type { Context } from '../context.js';
import { scrub } from '../http/redact.js';
import { claimConfirmations, finishConfirmation, nextConfirmationAt, type ClaimedConfirmation, type ConfirmationOutcome } from '../store/confirmations.js';
import { newMessageId } from './message.js';
import { nextStep, type AttemptOutcome } from './outcome.js';
import { handOver, interestWords, retryPolicy } from './sender.js';

/** The confirmation mailer of one process. */
export interface ConfirmationMailer {
  /** Sends whatever is due now; calls made while it runs fold into one more pass. */
  kick(): void;
  /** Resolves when no pass is running (every mail claimed so far is handed over or recorded). */
  idle(): Promise<void>;
  /** Stops the timers and waits for the pass in flight. */
  close(): Promise<void>;
}

/** Builds the mailer; nothing is sent until the first kick. */
export function makeConfirmationMailer(ctx: Context): ConfirmationMailer {
  let running: Promise<void> | null = null;
  let again = false;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const minute = setInterval(() => kick(), 60_000).unref();

  const pass = async () => {
    do {
      again = false;
      const batch = claimConfirmations(ctx.db, new Date(), ctx.config.DELIVERY_LEASE_MS, ctx.config.SMTP_MAX_CONNECTIONS * 4);
      const outcomes = await Promise.all(batch.map((c) => sendOne(ctx, c)));
      // One transaction for the batch's outcomes: a commit per mail would cost more than the SQL.
      ctx.db.transaction(() => batch.forEach((c, i) => finishConfirmation(ctx.db, c.subscriber, outcomes[i].next, outcomes[i].reply)))();
      if (batch.length) again = true;
    } while (again && !closed);
    scheduleRetry();
  };

  /** Wakes up when the earliest deferred mail falls due (the minute timer covers other processes' leftovers). */
  const scheduleRetry = () => {
    clearTimeout(retry);
    const at = nextConfirmationAt(ctx.db);
    if (at && !closed) retry = setTimeout(kick, Math.max(0, at.getTime() - Date.now()) + 10).unref();
  };

  function kick(): void {
    if (closed) return;
    if (running) { again = true; return; }
    running = pass().catch((err) => ctx.log.error({ err: scrub(String(err)) }, 'confirmation mailer failed'))
      .finally(() => { running = null; });
  }

  return {
    kick,
    idle: async () => { while (running) await running; },
    async close() {
      closed = true;
      clearInterval(minute);
      clearTimeout(retry);
      while (running) await running;
    },
  };
}

/** Renders and hands over one confirmation mail; returns what to record. */
async function sendOne(ctx: Context, { subscriber, attempts }: ClaimedConfirmation): Promise<{ next: ConfirmationOutcome; reply: string }> {
  const body = ctx.templates.confirm({
    instance: ctx.config.INSTANCE_NAME, email: subscriber.email, interests: interestWords(subscriber).join(', '), confirmUrl: ctx.links.confirm(subscriber),
  });
  const outcome = await handOver(ctx, {
    from: ctx.config.MAIL_FROM, to: subscriber.email, subject: `Confirm your ${ctx.config.INSTANCE_NAME} subscription`,
    html: body.html, text: body.text, messageId: newMessageId('confirm', ctx.domain),
  });
  const next = queueOutcome(ctx, outcome, attempts);
  if (next.state !== 'sent') {
    ctx.log.warn({ subscriber: subscriber.id, attempts, reply: scrub(outcome.text), next: next.state }, 'confirmation mail not handed over');
  }
  return { next, reply: outcome.text };
}

/** Sent, retried with the digests' backoff after a 4xx or a network error, or given up. */
function queueOutcome(ctx: Context, outcome: AttemptOutcome, attempts: number): ConfirmationOutcome {
  if (outcome.kind === 'sent') return { state: 'sent' };
  const step = nextStep(outcome, attempts, retryPolicy(ctx), new Date());
  return step.state === 'retry' ? { state: 'queued', at: step.at } : { state: 'failed' };
}
