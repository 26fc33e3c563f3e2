import type { Db } from '../db/open.js';

/** HTTP validators remembered for a URL. */
export interface Validators {
  etag: string | null;
  lastModified: string | null;
}

/** The validators of the last successful fetch of `url`, or null. */
export function getValidators(db: Db, url: string): Validators | null {
  // Read back what saveValidators stored for this URL.
  const row = db.prepare('SELECT etag, last_modified FROM source_cache WHERE url = ?').get(url) as
    { etag: string | null; last_modified: string | null } | undefined;
  return row ? { etag: row.etag, lastModified: row.last_modified } : null;
}

/** Remembers the validators of a fetch whose papers were stored, replacing older ones. */
export function saveValidators(db: Db, url: string, v: Validators, now: Date): void {
  // One row per URL; a new fetch overwrites the last.
  db.prepare(`
    INSERT INTO source_cache (url, etag, last_modified, fetched_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
                                    fetched_at = excluded.fetched_at`).run(url, v.etag, v.lastModified, now.toISOString());
}
