import type { Context } from '../context.js';
import { newMessageId } from '../mail/message.js';
import { emailHash, recordSignupAttempt } from '../store/address-guard.js';
import { signUp, type SubscriberRecord } from '../store/subscribers.js';
import { ApiError } from './errors.js';
import { scrub } from './redact.js';
import type { SubscriptionInput } from './schemas.js';

/** Sign-up as the routes use it: record, throttle, and mail the confirmation in the background. */
export interface Subscriptions {
  /** Records a sign-up (resolves once committed); rejects with a 429 ApiError when the address had its quota today. */
  subscribe(input: SubscriptionInput): Promise<void>;
  /** Resolves when every confirmation mail started so far has been handed over (or failed). */
  drain(): Promise<void>;
}

interface Pending {
  input: SubscriptionInput;
  done(err?: unknown): void;
}

/**
 * Builds the sign-up service; `perAddressPerDay` caps sign-ups (and so confirmation mails) per address.
 * Sign-ups that arrive in the same event-loop turn share one transaction (group commit): under load
 * the commit, not the SQL, is what costs, and every answer still waits for its own row to be durable.
 */
export function makeSubscriptions(ctx: Context, perAddressPerDay: number): Subscriptions {
  const inFlight = new Set<Promise<void>>();
  let queue: Pending[] = [];

  /** Counts the attempt and records the sign-up; returns who needs a confirmation mail. */
  const record = (input: SubscriptionInput): SubscriberRecord | null => {
    const quota = recordSignupAttempt(ctx.db, emailHash(ctx.secret, input.email), perAddressPerDay);
    if (!quota.allowed) {
      throw new ApiError(429, 'too_many_signups', `This address was signed up ${perAddressPerDay} times in the last 24 hours; try again later`, 'email', quota.retryAfterSeconds);
    }
    const { subscriber, confirm } = signUp(ctx.db, input);
    return confirm ? subscriber : null;
  };

  // Each sign-up in its own savepoint inside the batch's transaction: a refused one rolls back alone.
  const one = ctx.db.transaction(record);
  const all = ctx.db.transaction((batch: Pending[]) => batch.map((p) => {
    try { return { sub: one(p.input) }; } catch (err) { return { err }; }
  }));

  const flush = () => {
    const batch = queue;
    queue = [];
    let outcomes: ({ sub: SubscriberRecord | null } | { err: unknown })[];
    try {
      outcomes = all(batch);
    } catch (err) {
      for (const p of batch) p.done(err);
      return;
    }
    batch.forEach((p, i) => {
      const o = outcomes[i];
      if ('err' in o) return p.done(o.err);
      p.done();
      // Sent after the commit and apart from the answer: its timing must not reveal whether a mail goes out.
      if (o.sub) track(sendConfirmation(ctx, o.sub, p.input));
    });
  };

  const track = (p: Promise<void>) => {
    const q = p.finally(() => inFlight.delete(q));
    inFlight.add(q);
  };

  return {
    subscribe(input) {
      return new Promise<void>((resolve, reject) => {
        if (queue.length === 0) setImmediate(flush);
        queue.push({ input, done: (err) => (err === undefined ? resolve() : reject(err)) });
      });
    },
    async drain() {
      await Promise.all([...inFlight]);
    },
  };
}

/** Mails a confirmation link; a failure is logged (without the address), and signing up again sends a new link. */
async function sendConfirmation(ctx: Context, subscriber: SubscriberRecord, input: SubscriptionInput): Promise<void> {
  const interests = [...input.keywords, ...input.categories, ...input.authors].join(', ');
  const body = ctx.templates.confirm({ email: subscriber.email, interests, confirmUrl: ctx.links.confirm(subscriber) });
  try {
    await ctx.transport.send({
      from: ctx.config.MAIL_FROM, to: subscriber.email, subject: 'Confirm your Paperboy subscription',
      html: body.html, text: body.text, messageId: newMessageId('confirm', ctx.domain),
    });
  } catch (err) {
    ctx.log.error({ subscriber: subscriber.id, err: scrub((err as Error).message) }, 'confirmation mail not handed over');
  }
}
