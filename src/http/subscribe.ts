import { emailDomainAllowed } from '../config.js';
import type { Context } from '../context.js';
import type { ConfirmationMailer } from '../mail/confirmations.js';
import { emailHash, recordSignupAttempt } from '../store/address-guard.js';
import { signUp } from '../store/subscribers.js';
import { ApiError } from './errors.js';
import type { SubscriptionInput } from './schemas.js';

/** Sign-up as the routes and `paperboy subscribers invite` use it: record and throttle; the confirmation mail is queued with the row. */
export interface Subscriptions {
  /** Records a sign-up (resolves once committed); rejects with a 400 ApiError for an address outside
   *  ALLOWED_EMAIL_DOMAINS and a 429 when the address had its quota today. */
  subscribe(input: SubscriptionInput): Promise<void>;
}

/** Sign-ups (and so confirmation mails) an address may get per 24 hours. */
export const SIGNUPS_PER_ADDRESS_PER_DAY = 3;

interface Pending {
  input: SubscriptionInput;
  done(err?: unknown): void;
}

/**
 * Builds the sign-up service; `perAddressPerDay` caps sign-ups (and so confirmation mails) per address.
 * Sign-ups that arrive in the same event-loop turn share one transaction (group commit): under load
 * the commit, not the SQL, is what costs, and every answer still waits for its own row to be durable.
 */
export function makeSubscriptions(ctx: Context, mailer: ConfirmationMailer, perAddressPerDay: number): Subscriptions {
  let queue: Pending[] = [];

  /** Counts the attempt and records the sign-up; true when a confirmation mail was queued. */
  const record = (input: SubscriptionInput): boolean => {
    const quota = recordSignupAttempt(ctx.db, emailHash(ctx.secret, input.email), perAddressPerDay);
    if (!quota.allowed) {
      throw new ApiError(429, 'too_many_signups', `This address was signed up ${perAddressPerDay} times in the last 24 hours; try again later`, 'email', quota.retryAfterSeconds);
    }
    return signUp(ctx.db, input).confirm;
  };

  // Each sign-up in its own savepoint inside the batch's transaction: a refused one rolls back alone.
  const one = ctx.db.transaction(record);
  const all = ctx.db.transaction((batch: Pending[]) => batch.map((p) => {
    try { return { queued: one(p.input) }; } catch (err) { return { err }; }
  }));

  const flush = () => {
    const batch = queue;
    queue = [];
    let outcomes: ({ queued: boolean } | { err: unknown })[];
    try {
      outcomes = all(batch);
    } catch (err) {
      for (const p of batch) p.done(err);
      return;
    }
    outcomes.forEach((o, i) => batch[i].done('err' in o ? o.err : undefined));
    // Sent after the commit and apart from the answers: their timing must not reveal whether a mail goes out.
    if (outcomes.some((o) => 'queued' in o && o.queued)) mailer.kick();
  };

  return {
    subscribe(input) {
      const allowed = ctx.config.ALLOWED_EMAIL_DOMAINS;
      if (!emailDomainAllowed(input.email, allowed)) {
        return Promise.reject(new ApiError(400, 'domain_not_allowed', `Sign-ups are open to addresses at ${allowed.join(', ')} only`, 'email'));
      }
      return new Promise<void>((resolve, reject) => {
        if (queue.length === 0) setImmediate(flush);
        queue.push({ input, done: (err) => (err === undefined ? resolve() : reject(err)) });
      });
    },
  };
}
