import type { Db } from '../../src/db/open.js';

/** Inserts `n` active subscribers (sub0@example.org …) due at `hour` UTC; returns their ids. */
export function addSubscribers(db: Db, n: number, opts: { hour?: number; keywords?: string[]; prefix?: string } = {}): number[] {
  // Direct inserts: confirmation is covered by the end-to-end test.
  const ins = db.prepare(`INSERT INTO subscribers (email, status, keywords, timezone, hour, created_at, confirmed_at)
    VALUES (?, 'active', ?, 'UTC', ?, ?, ?)`);
  const now = new Date().toISOString();
  return db.transaction(() => Array.from({ length: n }, (_, i) =>
    Number(ins.run(`${opts.prefix ?? 'sub'}${i}@example.org`, JSON.stringify(opts.keywords ?? ['counterfactual']), opts.hour ?? 0, now, now).lastInsertRowid)))();
}
