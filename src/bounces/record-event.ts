// What a bounce or complaint that came back does, in one transaction with its record: a hard bounce counts toward
// BOUNCE_HARD_LIMIT and a soft one toward BOUNCE_SOFT_LIMIT, as a refusal at hand-off does (mail/record-outcome.ts's
// countOutcome, the one place a final outcome becomes bounce counters); a complaint unsubscribes at once and puts
// the address on the suppression list, as "delete my data" does. A report recorded before changes nothing.
import type { Db } from '../db/open.js';
import { scrub } from '../log/redact.js';
import type { AttemptOutcome, BounceLimits } from '../mail/outcome.js';
import { countOutcome } from '../mail/record-outcome.js';
import { emailHash, suppress } from '../store/address-guard.js';
import { digestByMessageId, digestRef, insertEvent, type DigestRef, type EventKind, type EventSource } from '../store/mail-events.js';
import { atomically } from '../store/statements.js';
import { findByEmail, getSubscriber, unsubscribe, type SubscriberRecord } from '../store/subscribers.js';
import type { BounceSubject } from '../mail/verp.js';

/** A bounce or complaint as its source reports it, before it is tied to a subscriber. */
export interface MailEvent {
  source: EventSource;
  /** The report's own id at its source: a repeat of it is recognised. */
  key: string;
  kind: EventKind;
  /** Who it is about: the subscriber and digest a bounce address names (mailbox), or the recipient an ESP names. */
  about: BounceSubject | { email: string; messageId: string | null };
  status: string | null;
  detail: string;
  at: Date | null;
}

/** What acting on an event needs: the secret (suppression entries are HMACs) and the bounce limits. */
export interface EventPolicy {
  secret: string;
  limits: BounceLimits;
}

/** `recorded`: stored and acted on; `repeat`: the same report was recorded before, nothing changed. */
export type EventOutcome = 'recorded' | 'repeat';

/** Longest detail kept: a diagnostic line, not a whole mail. */
const DETAIL_MAX = 300;

/** Records an event once and acts on it. The subscriber is the one it names; a report about nobody is only counted. */
export function recordEvent(db: Db, e: MailEvent, policy: EventPolicy, now = new Date()): EventOutcome {
  return atomically(db, () => {
    const { sub, digest } = resolve(db, e);
    const fresh = insertEvent(db, {
      source: e.source, key: e.key.slice(0, 500), kind: e.kind, subscriberId: sub?.id ?? null, digestId: digest?.id ?? null,
      day: digest?.date ?? now.toISOString().slice(0, 10), status: e.status,
      detail: scrub(e.detail.replace(/\s+/g, ' ').trim()).slice(0, DETAIL_MAX), occurredAt: e.at && !Number.isNaN(e.at.getTime()) ? e.at.toISOString() : null,
    }, now);
    if (!fresh) return 'repeat';
    if (e.kind === 'complaint') {
      if (sub) unsubscribe(db, sub.id, now);
      const email = sub?.email ?? ('email' in e.about ? e.about.email : null);
      if (email) suppress(db, emailHash(policy.secret, email), now, 'complaint');
    } else if (sub) {
      countOutcome(db, sub.id, lateBounce(e), policy.limits, now);
    }
    return 'recorded';
  });
}

/** A late bounce as an attempt's final outcome: a hard one is a permanent refusal, a soft one a transient one given up. */
function lateBounce(e: MailEvent): AttemptOutcome {
  return { kind: e.kind === 'hard' ? 'permanent' : 'transient', code: null, text: e.detail, bounce: true };
}

/** The subscriber and digest an event is about; the digest only when it is that subscriber's. */
function resolve(db: Db, e: MailEvent): { sub: SubscriberRecord | undefined; digest: DigestRef | undefined } {
  if ('subscriberId' in e.about) {
    const sub = getSubscriber(db, e.about.subscriberId);
    const digest = e.about.digestId ? digestRef(db, e.about.digestId) : undefined;
    return { sub, digest: sub && digest?.subscriberId === sub.id ? digest : undefined };
  }
  const sub = findByEmail(db, e.about.email.trim());
  const digest = e.about.messageId ? digestByMessageId(db, e.about.messageId) : undefined;
  return { sub, digest: sub && digest?.subscriberId === sub.id ? digest : undefined };
}
