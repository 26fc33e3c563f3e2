// A digest's mail from its ranked papers: the template filled, the claim's subject and note, the wire form. Used by
// the send loop on its own thread and by the digest threads (SEND_THREADS), which must make the same mail.
import type { Context } from '../context.js';
import { composeDigest, digestSubject, type DigestModel } from '../digest/compose.js';
import type { MailBody } from '../digest/render.js';
import { noNewPapersSince } from '../ingest/health.js';
import type { RankedPaper } from '../model.js';
import { weakDayChoice } from '../ranking.js';
import type { SubscriberRecord } from '../store/subscribers.js';
import { digestMail } from './message.js';
import { buildMime } from './mime.js';

/** A subscriber's digest for one day, rendered but not yet claimed or sent. */
export interface BuiltDigest {
  ranked: RankedPaper[];
  model: DigestModel;
  body: MailBody;
}

/** A subscriber's interests in words (keywords, categories, authors): for "why you get this" in mails. */
export function interestWords(sub: SubscriberRecord): string[] {
  return [...sub.profile.keywords, ...sub.profile.categories, ...sub.profile.authors];
}

/** True on a weak day for a subscriber who asked for a short note then rather than nothing. */
export function wantsNote(sub: SubscriberRecord, ranked: RankedPaper[]): boolean {
  return weakDayChoice(sub, ranked) === 'note';
}

/** On a quiet day: true when the store got no new paper in the subscriber's period (a day, or a week when weekly). */
export function nothingArrived(ctx: Context, sub: SubscriberRecord, now: Date): boolean {
  const days = sub.frequency === 'weekly' ? 7 : 1;
  return noNewPapersSince(ctx.db, new Date(now.getTime() - days * 86_400_000));
}

/**
 * Fills the digest template for a subscriber's local day `date`: for the mail, for a preview (no digest yet, so
 * no view or vote links), or for the browser view, which leaves out the preferences and unsubscribe links
 * (a shared view link must not hand over the subscription), the link to itself, and whose it is: the address, the
 * interests and why each paper was picked (which names them), so a link passed on shows the papers only.
 */
export function renderDigest(ctx: Context, sub: SubscriberRecord, date: string, ranked: RankedPaper[], where: 'mail' | 'preview' | 'browser' = 'preview', now = new Date()): BuiltDigest {
  const owner = where !== 'browser';
  const quiet = wantsNote(sub, ranked);
  const model = composeDigest({
    email: owner ? sub.email : '', date, ranked: owner ? ranked : ranked.map((r) => ({ ...r, why: [] })), siteUrl: ctx.config.PUBLIC_URL,
    interests: owner ? interestWords(sub) : [], quiet,
    noNewPapers: quiet && nothingArrived(ctx, sub, now), instance: ctx.config.INSTANCE_NAME, contact: ctx.config.INSTANCE_CONTACT, weekly: sub.frequency === 'weekly',
    links: {
      unsubscribe: owner ? ctx.links.unsubscribe(sub) : '', preferences: owner ? ctx.links.preferences(sub) : '',
      view: where === 'mail' ? ctx.links.digest(sub, date) : '',
      feedback: (paperId, vote) => (where === 'preview' ? '' : ctx.links.feedback(sub, date, paperId, vote)),
    },
  });
  return { ranked, model, body: ctx.templates.digest(model) };
}

/** A digest to make: whose, for which local day, under which Message-ID (chosen before the claim that records it). */
export interface DigestWork {
  sub: SubscriberRecord;
  date: string;
  messageId: string;
}

/** What the claim records and the hand-off sends: the papers (id, score, why), the subject, whether it is a quiet-day
 *  note, and the finished message's bytes (null when there is nothing to send: a weak day skipped). */
export interface RenderedDigest {
  items: RankedPaper[];
  subject: string;
  note: boolean;
  raw: Uint8Array | null;
}

/** The claim's fields and the wire form of a digest from its ranked papers. */
export function buildDigestMail(ctx: Context, work: DigestWork, ranked: RankedPaper[], now: Date): RenderedDigest {
  const { sub, date, messageId } = work;
  const note = wantsNote(sub, ranked);
  const quiet = note ? { count: ranked.length, noNewPapers: nothingArrived(ctx, sub, now), weekly: sub.frequency === 'weekly' } : undefined;
  // Only what the claim stores crosses back to the send loop: a paper's text is in the message already.
  const items = ranked.map((r) => ({ ...r, paper: { id: r.paper.id } })) as RankedPaper[];
  const result = { items, subject: digestSubject(ranked, quiet), note, raw: null };
  if (!ranked.length && !note) return result;
  const { model, body } = renderDigest(ctx, sub, date, ranked, 'mail', now);
  const mail = digestMail({
    from: ctx.config.MAIL_FROM, to: sub.email, subject: model.subject, body,
    messageId, unsubscribeUrl: model.unsubscribeUrl, domain: ctx.domain, instance: ctx.config.INSTANCE_NAME,
  });
  return { ...result, raw: buildMime(mail) };
}
