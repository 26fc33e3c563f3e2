// Choosing and building one subscriber's digest: the papers chosen (choose.ts) and the template filled. The preview,
// the browser view, the dry run and the send loop all come here, so a digest looks the same wherever it is shown.
import type { Config } from '../config.js';
import type { Db } from '../db/open.js';
import type { Links } from '../links/urls.js';
import type { RankedPaper } from '../model.js';
import { noNewPapersSince } from '../store/papers.js';
import type { SubscriberRecord } from '../store/subscribers.js';
import { makeRanker, weakDayChoice } from './choose.js';
import { composeDigest, type DigestModel } from './compose.js';
import type { MailBody, MailTemplate } from './render.js';

/** What building a digest needs of the wiring: the store, the links, the digest template and three settings. */
export interface DigestDeps {
  db: Db;
  config: Pick<Config, 'PUBLIC_URL' | 'INSTANCE_NAME' | 'INSTANCE_CONTACT'>;
  links: Links;
  templates: { digest: MailTemplate<DigestModel> };
}

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
export function nothingArrived(db: Db, sub: SubscriberRecord, now: Date): boolean {
  const days = sub.frequency === 'weekly' ? 7 : 1;
  return noNewPapersSince(db, new Date(now.getTime() - days * 86_400_000));
}

/**
 * Fills the digest template for a subscriber's local day `date`: for the mail, for a preview (no digest yet, so
 * no view or vote links), or for the browser view, which leaves out the preferences and unsubscribe links
 * (a shared view link must not hand over the subscription), the link to itself, and whose it is: the address, the
 * interests and why each paper was picked (which names them), so a link passed on shows the papers only.
 */
export function renderDigest(deps: DigestDeps, sub: SubscriberRecord, date: string, ranked: RankedPaper[], where: 'mail' | 'preview' | 'browser' = 'preview', now = new Date()): BuiltDigest {
  const { config, links } = deps;
  const owner = where !== 'browser';
  const quiet = wantsNote(sub, ranked);
  const model = composeDigest({
    email: owner ? sub.email : '', date, ranked: owner ? ranked : ranked.map((r) => ({ ...r, why: [] })), siteUrl: config.PUBLIC_URL,
    interests: owner ? interestWords(sub) : [], quiet,
    noNewPapers: quiet && nothingArrived(deps.db, sub, now), instance: config.INSTANCE_NAME, contact: config.INSTANCE_CONTACT, weekly: sub.frequency === 'weekly',
    links: {
      unsubscribe: owner ? links.unsubscribe(sub) : '', preferences: owner ? links.preferences(sub) : '',
      view: where === 'mail' ? links.digest(sub, date) : '',
      feedback: (paperId, vote) => (where === 'preview' ? '' : links.feedback(sub, date, paperId, vote)),
    },
  });
  return { ranked, model, body: deps.templates.digest(model) };
}

/** Chooses the subscriber's unseen papers of the last week and renders the digest for `date` (previews, dry runs). */
export function buildDigest(deps: DigestDeps, sub: SubscriberRecord, date: string, now: Date): BuiltDigest {
  return renderDigest(deps, sub, date, makeRanker(deps.db, now)(sub), 'preview', now);
}
