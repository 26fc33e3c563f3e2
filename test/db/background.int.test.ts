// SQL scripts on the background thread: a failing script rolled back and reported, not thrown, and the next one starting clean.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backgroundDone, runInBackground } from '../../src/db/background.js';
import { tempDb } from '../helpers/ingest-db.js';

let t: ReturnType<typeof tempDb>;
beforeEach(() => { t = tempDb(); });
afterEach(() => t.close());

describe('runInBackground', () => {
  it('runs scripts in order on its own connection and reports a failure with everything it wrote undone', async () => {
    t.db.exec('CREATE TABLE notes (n INTEGER)');
    const run = (sql: string) => runInBackground(t.db, sql);
    const results = await Promise.all([
      run('BEGIN; INSERT INTO notes VALUES (1); COMMIT;'),
      run('BEGIN; INSERT INTO notes VALUES (2); INSERT INTO no_such_table VALUES (3); COMMIT;'),
      run('BEGIN; INSERT INTO notes VALUES (4); COMMIT;'),
    ]);
    expect(results[0]).toBeNull();
    expect(results[1]).toMatch(/no such table: no_such_table/);
    expect(results[2]).toBeNull();
    await backgroundDone(t.db);
    // The failed script's first insert was rolled back; the next script ran in a fresh transaction.
    expect(t.db.prepare('SELECT n FROM notes ORDER BY n').pluck().all()).toEqual([1, 4]);
  });
});
