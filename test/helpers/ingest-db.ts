// A real, migrated SQLite file in a fresh temp directory for each test that asks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeDb, openDb, type Db } from '../../src/db/open.js';
import { migrate } from '../../src/db/migrate.js';

/** Opens a migrated database in a new temp dir; `close()` removes it once its background work is done. */
export function tempDb(): { db: Db; dir: string; close: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-ingest-'));
  const db = openDb(join(dir, 'paperboy.db'));
  migrate(db);
  return { db, dir, close: async () => { await closeDb(db); rmSync(dir, { recursive: true, force: true }); } };
}
