// A digest's mail from its ranked papers: the template filled (digest/build.ts), the claim's subject and note, the wire form. Used by
// the send loop on its own thread and by the digest threads (SEND_THREADS), which must make the same mail.
import type { Config } from '../config.js';
import { nothingArrived, renderDigest, wantsNote, type DigestDeps } from '../digest/build.js';
import { digestSubject } from '../digest/compose.js';
import type { RankedPaper } from '../model.js';
import type { SubscriberRecord } from '../store/subscribers.js';
import { digestMail } from './message.js';
import { buildMime } from './mime.js';

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

/** What a digest's mail needs besides the digest: the sender address and the domain of its Message-ID. */
export interface DigestMailDeps extends DigestDeps {
  config: DigestDeps['config'] & Pick<Config, 'MAIL_FROM'>;
  domain: string;
}

/** The claim's fields and the wire form of a digest from its ranked papers. */
export function buildDigestMail(deps: DigestMailDeps, work: DigestWork, ranked: RankedPaper[], now: Date): RenderedDigest {
  const { sub, date, messageId } = work;
  const note = wantsNote(sub, ranked);
  const quiet = note ? { count: ranked.length, noNewPapers: nothingArrived(deps.db, sub, now), weekly: sub.frequency === 'weekly' } : undefined;
  // Only what the claim stores crosses back to the send loop: a paper's text is in the message already.
  const items = ranked.map((r) => ({ ...r, paper: { id: r.paper.id } })) as RankedPaper[];
  const result = { items, subject: digestSubject(ranked, quiet), note, raw: null };
  if (!ranked.length && !note) return result;
  const { model, body } = renderDigest(deps, sub, date, ranked, 'mail', now);
  const mail = digestMail({
    from: deps.config.MAIL_FROM, to: sub.email, subject: model.subject, body,
    messageId, unsubscribeUrl: model.unsubscribeUrl, domain: deps.domain, instance: deps.config.INSTANCE_NAME,
  });
  return { ...result, raw: buildMime(mail) };
}
