import type { Context } from '../context.js';
import { digestIdOf } from '../store/digest-view.js';
import { getRequest, type SignupRequest } from '../store/requests.js';
import { getSetting } from '../store/settings.js';
import { getSubscriber, type SubscriberRecord } from '../store/subscribers.js';
import { legacyTokenSubject, tokenSubject, verifyLegacyToken, verifyToken } from '../links/tokens.js';

// Each resolver reads one kind of token and nothing else: a feedback link never opens preferences,
// an unsubscribe link never votes. Null means malformed, forged, retired (a version moved on) or erased.

/** The subscriber a preferences (manage) token belongs to. */
export function resolveManage(ctx: Pick<Context, 'db' | 'secret'>, token: string): SubscriberRecord | null {
  const sub = subjectOf(ctx, 'manage', token);
  return sub && verifyToken(ctx.secret, 'manage', token, sub.manageVersion) ? sub : null;
}

/** The subscriber an unsubscribe token belongs to; also an old-format link mailed before the upgrade, while those are honoured. */
export function resolveUnsubscribe(ctx: Pick<Context, 'db' | 'secret'>, token: string, now = new Date()): SubscriberRecord | null {
  const sub = subjectOf(ctx, 'unsubscribe', token);
  if (sub) return verifyToken(ctx.secret, 'unsubscribe', token, sub.tokenVersion) ? sub : null;
  const legacyId = legacyTokenSubject(token);
  const until = legacyId === null ? null : getSetting(ctx.db, 'legacy_unsubscribe_until');
  if (!until || now.toISOString() >= until) return null;
  const old = getSubscriber(ctx.db, legacyId!);
  return old && verifyLegacyToken(ctx.secret, token, old.id, old.tokenVersion) ? old : null;
}

/** One sent digest of one subscriber: what a digest token (the view link, the 👍/👎 links) opens. */
export interface DigestAccess {
  sub: SubscriberRecord;
  digestId: number;
  date: string;
}

/** The digest a digest token names, when it was sent to the subscriber the token belongs to. */
export function resolveDigest(ctx: Pick<Context, 'db' | 'secret'>, token: string): DigestAccess | null {
  const s = tokenSubject(ctx.secret, 'digest', token);
  const sub = s && getSubscriber(ctx.db, s.id);
  if (!s || !sub || !verifyToken(ctx.secret, 'digest', token, sub.manageVersion)) return null;
  const digestId = digestIdOf(ctx.db, sub.id, s.day!);
  return digestId === null ? null : { sub, digestId, date: s.day! };
}

/** The confirmation request a confirm token names (expired ones included: the page says so), with its subscriber. */
export function resolveRequest(ctx: Pick<Context, 'db' | 'secret'>, token: string): { request: SignupRequest; sub: SubscriberRecord } | null {
  const s = tokenSubject(ctx.secret, 'confirm', token);
  const request = s ? getRequest(ctx.db, s.id) : undefined;
  const sub = request?.kind === 'confirm' ? getSubscriber(ctx.db, request.subscriberId) : undefined;
  return request && sub && verifyToken(ctx.secret, 'confirm', token, 0) ? { request, sub } : null;
}

function subjectOf(ctx: Pick<Context, 'db' | 'secret'>, purpose: 'manage' | 'unsubscribe', token: string): SubscriberRecord | null {
  const s = tokenSubject(ctx.secret, purpose, token);
  return (s && getSubscriber(ctx.db, s.id)) ?? null;
}
