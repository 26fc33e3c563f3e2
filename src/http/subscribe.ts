import type { Context } from '../context.js';
import { newMessageId } from '../mail/message.js';
import { emailHash, recordSignupAttempt, signUp, type SubscriberRecord } from '../store/subscribers.js';
import { ApiError } from './errors.js';
import { scrub } from './redact.js';
import type { SubscriptionInput } from './schemas.js';

/** Sign-up as the routes use it: record, throttle, and mail the confirmation in the background. */
export interface Subscriptions {
  /** Records a sign-up; throws a 429 ApiError when the address had its quota of sign-ups today. */
  subscribe(input: SubscriptionInput): void;
  /** Resolves when every confirmation mail started so far has been handed over (or failed). */
  drain(): Promise<void>;
}

/** Builds the sign-up service; `perAddressPerDay` caps sign-ups (and so confirmation mails) per address. */
export function makeSubscriptions(ctx: Context, perAddressPerDay: number): Subscriptions {
  const inFlight = new Set<Promise<void>>();
  return {
    subscribe(input) {
      const quota = recordSignupAttempt(ctx.db, emailHash(ctx.secret, input.email), perAddressPerDay);
      if (!quota.allowed) {
        throw new ApiError(429, 'too_many_signups', `This address was signed up ${perAddressPerDay} times in the last 24 hours; try again later`, 'email', quota.retryAfterSeconds);
      }
      const { subscriber, confirm } = signUp(ctx.db, input);
      if (!confirm) return;
      // Sent after the answer: the answer's content and timing must not depend on whether a mail goes out.
      const p = sendConfirmation(ctx, subscriber, input).finally(() => inFlight.delete(p));
      inFlight.add(p);
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
