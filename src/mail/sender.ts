import type { Context } from '../context.js';
import { composeDigest, type DigestModel } from '../digest/compose.js';
import { dueDay } from '../digest/due.js';
import type { MailBody } from '../digest/render.js';
import type { RankedPaper } from '../model.js';
import { rank } from '../rank/rank.js';
import { claimDigest, hasDigest, markFailed, markSent } from '../store/digests.js';
import { candidatePapers } from '../store/papers.js';
import { activeSubscribers, type SubscriberRecord } from '../store/subscribers.js';
import { digestMail, newMessageId } from './message.js';

/** Outcome counts of one run: due = sent + skipped (nothing to send) + failed. */
export interface RunCounts {
  due: number;
  sent: number;
  skipped: number;
  failed: number;
}

/** A subscriber's digest for one day, rendered but not yet claimed or sent. */
export interface BuiltDigest {
  ranked: RankedPaper[];
  model: DigestModel;
  body: MailBody;
}

const DIGEST_SIZE = 10;
const WINDOW_DAYS = 7;

/** Ranks the subscriber's unseen papers of the last week and renders the digest for `date`. */
export function buildDigest(ctx: Context, sub: SubscriberRecord, date: string, now: Date): BuiltDigest {
  const since = new Date(now.getTime() - WINDOW_DAYS * 86_400_000);
  const ranked = rank(sub.profile, candidatePapers(ctx.db, sub.id, since), { now, size: DIGEST_SIZE });
  const model = composeDigest({
    email: sub.email, date, ranked, siteUrl: ctx.config.PUBLIC_URL, unsubscribeUrl: ctx.links.unsubscribe(sub),
  });
  return { ranked, model, body: ctx.templates.digest(model) };
}

/** Sends every digest due at `now`: claims each day's row before sending, so a second run sends nothing. */
export async function sendDueDigests(ctx: Context, now = new Date(), opts: { dryRun?: boolean } = {}): Promise<RunCounts> {
  const counts: RunCounts = { due: 0, sent: 0, skipped: 0, failed: 0 };
  for (const sub of activeSubscribers(ctx.db)) {
    const date = dueDay(now, sub.timezone, sub.hour);
    if (!date || hasDigest(ctx.db, sub.id, date)) continue;
    counts.due++;
    const outcome = await sendOne(ctx, sub, date, now, opts.dryRun ?? false);
    counts[outcome]++;
  }
  return counts;
}

async function sendOne(ctx: Context, sub: SubscriberRecord, date: string, now: Date, dryRun: boolean): Promise<'sent' | 'skipped' | 'failed'> {
  const built = buildDigest(ctx, sub, date, now);
  if (dryRun) return built.ranked.length ? 'sent' : 'skipped';
  const messageId = newMessageId(`digest.${sub.id}.${date}`, ctx.domain);
  const id = claimDigest(ctx.db, { subscriberId: sub.id, date, messageId, subject: built.model.subject, items: built.ranked }, now);
  if (id === null || built.ranked.length === 0) return 'skipped';
  const mail = digestMail({
    from: ctx.config.MAIL_FROM, to: sub.email, subject: built.model.subject, body: built.body,
    messageId, unsubscribeUrl: ctx.links.unsubscribe(sub), domain: ctx.domain,
  });
  try {
    const { response } = await ctx.transport.send(mail);
    markSent(ctx.db, id, response);
    return 'sent';
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    markFailed(ctx.db, id, message);
    ctx.log.warn({ subscriber: sub.id, date, err: message }, 'digest not handed over');
    return 'failed';
  }
}
