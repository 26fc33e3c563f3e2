import { readFileSync, writeFileSync } from 'node:fs';
import { migrate } from '../../src/db/migrate.js';
import { openDb } from '../../src/db/open.js';
import { ingestListingFile } from './papers.js';
import { addSubscribers } from './subscribers.js';

/** Makes `file` a database ready for a send run on 2026-11-29: `subscribers` active subscribers due at 00:00 UTC and
 *  40 real papers first seen that morning, enough for a 10-paper digest each and few enough that ranking stays quick. */
export function sendRunDb(file: string, subscribers: number): void {
  const db = openDb(file);
  migrate(db);
  const listing = `${file}.papers.txt`;
  writeFileSync(listing, readFileSync('test/fixtures/hf-papers-page.txt', 'utf8').split('\n').slice(0, 3 + 80).join('\n'));
  ingestListingFile(db, listing, new Date('2026-11-29T06:00:00Z'));
  addSubscribers(db, subscribers);
  db.close();
}
