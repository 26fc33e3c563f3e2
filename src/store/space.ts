// The stored semantic space (migration 014) and the papers it is learned from. SQL only: learning it is
// src/rank/space.ts, deciding when is src/semantic-space.ts.
import type { Db } from '../db/open.js';
import type { Paper } from '../model.js';
import { rowToPaper } from './papers.js';
import { stmt } from './statements.js';

/** A stored space as SQLite keeps it. */
export interface SpaceRow {
  builtAt: string;
  newestSeen: string;
  width: number;
  ids: string[];
  data: Uint8Array;
}

/** The stored space, or null when none was learned yet. */
export function loadSpaceRow(db: Db): SpaceRow | null {
  // The one row.
  const r = stmt(db, 'SELECT built_at, newest_seen, width, ids, data FROM rank_space WHERE id = 1').get() as
    { built_at: string; newest_seen: string; width: number; ids: string; data: Buffer } | undefined;
  return r ? { builtAt: r.built_at, newestSeen: r.newest_seen, width: r.width, ids: JSON.parse(r.ids), data: r.data } : null;
}

/** When the stored space was learned, without reading it (null: none). */
export function spaceBuiltAt(db: Db): string | null {
  // The one row's timestamp.
  return (stmt(db, 'SELECT built_at FROM rank_space WHERE id = 1').pluck().get() as string | undefined) ?? null;
}

/** The latest first_seen of the stored space's papers (null: no space). */
export function spaceNewestSeen(db: Db): string | null {
  // The one row's mark.
  return (stmt(db, 'SELECT newest_seen FROM rank_space WHERE id = 1').pluck().get() as string | undefined) ?? null;
}

/** Replaces the stored space. */
export function saveSpaceRow(db: Db, row: SpaceRow): void {
  // The one row, written whole.
  stmt(db, `INSERT INTO rank_space (id, built_at, newest_seen, width, ids, data) VALUES (1, ?, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET built_at = excluded.built_at, newest_seen = excluded.newest_seen, width = excluded.width,
      ids = excluded.ids, data = excluded.data`)
    .run(row.builtAt, row.newestSeen, row.width, JSON.stringify(row.ids), row.data);
}

/** The latest first_seen of any stored paper (null: no paper). */
export function newestFirstSeen(db: Db): string | null {
  // Served by papers_first_seen.
  return (stmt(db, 'SELECT max(first_seen) FROM papers').pluck().get() as string | null) ?? null;
}

/** The papers a space is learned from: those first seen since `since`, the most recently seen first, at most `max`. */
export function spacePapers(db: Db, since: Date, max: number): Paper[] {
  // Served by papers_first_seen.
  const rows = stmt(db, 'SELECT * FROM papers WHERE first_seen >= ? ORDER BY first_seen DESC, id LIMIT ?').all(since.toISOString(), max);
  return (rows as Parameters<typeof rowToPaper>[0][]).map(rowToPaper);
}
