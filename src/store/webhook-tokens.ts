// Tokens of signed webhook calls already accepted (migration 013): a signature that does not cover its event is
// accepted once.
import type { Db } from '../db/open.js';
import { stmt } from './statements.js';

/** Records `token` of `source` as used; false when it was used before. Tokens seen before `forgetBefore` are
 *  deleted first: their calls are refused as stale anyway. */
export function spendToken(db: Db, source: string, token: string, now: Date, forgetBefore: Date): boolean {
  stmt(db, 'DELETE FROM webhook_tokens WHERE seen_at < ?').run(forgetBefore.toISOString());
  return stmt(db, `INSERT INTO webhook_tokens (source, token, seen_at) VALUES (?, ?, ?)
    ON CONFLICT (source, token) DO NOTHING`).run(source, token, now.toISOString()).changes > 0;
}
