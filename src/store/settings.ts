import { randomBytes } from 'node:crypto';
import type { Db } from '../db/open.js';

/** Returns the stored value of `key`, creating it with `make()` the first time (race-safe). */
export function getOrCreateSetting(db: Db, key: string, make: () => string): string {
  // INSERT OR IGNORE: when two processes start together, the first writer's value wins for both.
  db.prepare('INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)').run(key, make());
  return db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string;
}

/** The secret that signs link tokens: PAPERBOY_SECRET if set, else one generated once and kept in the database. */
export function tokenSecret(db: Db, configured?: string): string {
  return configured ?? getOrCreateSetting(db, 'token_secret', () => randomBytes(32).toString('base64url'));
}
