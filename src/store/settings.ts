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

/** The stored value of `key`, or null. */
export function getSetting(db: Db, key: string): string | null {
  return (db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined) ?? null;
}

/** Stores `value` under `key`, replacing what was there. */
export function setSetting(db: Db, key: string, value: string): void {
  // One row per key; the newest value wins.
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

/** Removes `key`; false when it was not set. */
export function deleteSetting(db: Db, key: string): boolean {
  return db.prepare('DELETE FROM settings WHERE key = ?').run(key).changes > 0;
}

/** The key under which `serve` records the PUBLIC_URL its links use. */
const PUBLIC_URL_KEY = 'public_url';

/** Records the PUBLIC_URL `serve` runs with. */
export function recordPublicUrl(db: Db, url: string): void {
  setSetting(db, PUBLIC_URL_KEY, url);
}

/** The PUBLIC_URL `serve` last ran with, or null when it never ran on this database. */
export function recordedPublicUrl(db: Db): string | null {
  return getSetting(db, PUBLIC_URL_KEY);
}
