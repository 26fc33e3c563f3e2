import type { Context } from '../context.js';
import { getSubscriber, type SubscriberRecord } from '../store/subscribers.js';
import { tokenSubject, verifyToken, type TokenPurpose } from './tokens.js';

/** The subscriber a link token belongs to, or null when the token is malformed, forged or outdated. */
export function resolveToken(ctx: Context, purpose: TokenPurpose, token: string): SubscriberRecord | null {
  const id = tokenSubject(token);
  const sub = id === null ? undefined : getSubscriber(ctx.db, id);
  if (!sub) return null;
  const version = purpose === 'confirm' ? sub.confirmNonce : sub.tokenVersion;
  return version !== null && verifyToken(ctx.secret, purpose, token, version) ? sub : null;
}
