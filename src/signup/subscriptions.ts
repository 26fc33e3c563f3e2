import { emailDomainAllowed } from '../config.js';
import type { ContextPart } from '../context.js';
import type { ConfirmationMailer } from '../mail/confirmations.js';
import { emailHash, mailboxOf, recordSignupAttempt } from '../store/address-guard.js';
import { mailOwner, signUp, type SignUp, type SignUpMail, type SubscriberRecord } from '../store/subscribers.js';
import { ApiError } from '../api-error.js';

/** A sign-up as it arrives: the timezone and hour may be left to the lab's defaults. */
export type SignUpInput = Omit<SignUp, 'timezone' | 'hour'> & { timezone?: string; hour?: number };

/** Sign-up as the routes and `paperboy subscribers invite` use it: throttle per address, record, and queue exactly one mail to the address. */
export interface Subscriptions {
  /** Records a sign-up (resolves once committed), with DEFAULT_TIMEZONE and DEFAULT_HOUR where the timezone or hour
   *  was not given; `invited` when the admin's invite made it (its mail is an invitation). Rejects with a 400 ApiError
   *  for an address outside ALLOWED_EMAIL_DOMAINS and a 429 when the address had its quota today. */
  subscribe(input: SignUpInput, opts?: { invited?: boolean }): Promise<void>;
  /** Mails a subscriber's own address a confirmation link (to come back) or their preferences link: asked through a
   *  link mailed to the address, so within a quota of its own, which strangers' sign-ups do not use up. */
  mailOwner(sub: SubscriberRecord, kind: SignUpMail): Promise<void>;
}

/** What sign-up needs of the wiring: the store, the secret (address hashes) and the lab's defaults and allowed domains. */
export type SignUpDeps = ContextPart<'db' | 'secret', 'ALLOWED_EMAIL_DOMAINS' | 'DEFAULT_HOUR' | 'DEFAULT_TIMEZONE'>;

/** Sign-ups (and so confirmation mails) an address may get per 24 hours. */
export const SIGNUPS_PER_ADDRESS_PER_DAY = 3;

interface Pending {
  /** The throttle's key: the mailbox's hash, and whose request it is. */
  quota: string;
  write(): void;
  done(err?: unknown): void;
}

/**
 * Builds the sign-up service; `perAddressPerDay` caps sign-ups (and so the mails they cause) per address.
 * Sign-ups that arrive in the same event-loop turn share one transaction (group commit): under load
 * the commit, not the SQL, is what costs, and every answer still waits for its own row to be durable.
 */
export function makeSubscriptions(ctx: SignUpDeps, mailer: ConfirmationMailer, perAddressPerDay: number): Subscriptions {
  let queue: Pending[] = [];

  /** Counts the attempt, then writes. */
  const record = (p: Pending): void => {
    const quota = recordSignupAttempt(ctx.db, p.quota, perAddressPerDay);
    if (!quota.allowed) {
      throw new ApiError(429, 'too_many_signups', `This address was signed up ${perAddressPerDay} times in the last 24 hours; try again later`, 'email', quota.retryAfterSeconds);
    }
    p.write();
  };

  // Each sign-up in its own savepoint inside the batch's transaction: a refused one rolls back alone.
  const one = ctx.db.transaction(record);
  const all = ctx.db.transaction((batch: Pending[]) => batch.map((p) => {
    try { one(p); return undefined; } catch (err) { return err ?? new Error('sign-up failed'); }
  }));

  const flush = () => {
    const batch = queue;
    queue = [];
    let errors: unknown[];
    try {
      errors = all(batch);
    } catch (err) {
      for (const p of batch) p.done(err);
      return;
    }
    errors.forEach((err, i) => batch[i].done(err));
    // Sent after the commit and apart from the answers: their timing must not reveal what the mail says.
    if (errors.some((err) => err === undefined)) mailer.kick();
  };

  // Counted per mailbox (plus-tags share it); the owner's requests through their own link in a bucket of their own.
  const quota = (email: string, by: 'anyone' | 'owner') => `${emailHash(ctx.secret, mailboxOf(email))}${by === 'owner' ? '.owner' : ''}`;
  const enqueue = (quota: string, write: () => void) => new Promise<void>((resolve, reject) => {
    if (queue.length === 0) setImmediate(flush);
    queue.push({ quota, write, done: (err) => (err === undefined ? resolve() : reject(err)) });
  });

  return {
    subscribe(input, opts = {}) {
      // Checked before the quota: an address that may not sign up uses none of it.
      const allowed = ctx.config.ALLOWED_EMAIL_DOMAINS;
      if (!emailDomainAllowed(input.email, allowed)) {
        return Promise.reject(new ApiError(400, 'domain_not_allowed', `Sign-ups are open to addresses at ${allowed.join(', ')} only`, 'email'));
      }
      const full = { ...input, timezone: input.timezone ?? ctx.config.DEFAULT_TIMEZONE, hour: input.hour ?? ctx.config.DEFAULT_HOUR };
      return enqueue(quota(input.email, 'anyone'), () => { signUp(ctx.db, full, new Date(), opts); });
    },
    // An active address needs no confirmation: it gets its preferences link either way.
    mailOwner: (sub, kind) => enqueue(quota(sub.email, 'owner'), () => { mailOwner(ctx.db, sub, sub.status === 'active' ? 'manage' : kind); }),
  };
}
