import type { Context } from '../context.js';
import { newMessageId } from '../mail/message.js';
import { signUp } from '../store/subscribers.js';
import type { SubscriptionInput } from './schemas.js';

/** Records a sign-up and, when the address is not active yet, mails it a confirmation link. */
export async function subscribe(ctx: Context, input: SubscriptionInput): Promise<void> {
  const { subscriber, confirm } = signUp(ctx.db, input);
  if (!confirm) return;
  const interests = [...input.keywords, ...input.categories, ...input.authors].join(', ');
  const body = ctx.templates.confirm({ email: subscriber.email, interests, confirmUrl: ctx.links.confirm(subscriber) });
  try {
    await ctx.transport.send({
      from: ctx.config.MAIL_FROM, to: subscriber.email, subject: 'Confirm your Paperboy subscription',
      html: body.html, text: body.text, messageId: newMessageId('confirm', ctx.domain),
    });
  } catch (err) {
    // The sign-up stays recorded; signing up again sends a new link. The answer stays the same, so
    // it reveals nothing about the address.
    ctx.log.error({ subscriber: subscriber.id, err: (err as Error).message }, 'confirmation mail not handed over');
  }
}
