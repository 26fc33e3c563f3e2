// The due query: which active subscribers may have a digest due now, found through the subscribers_due index
// (migration 017) rather than by reading every row. See docs/scaling.md for what the pass over every row cost.
import type { Db } from '../db/open.js';
import { stmt } from './statements.js';
import { toRecord, type SubscriberRecord, type SubscriberRow } from './subscribers.js';

/** A zone's local calendar day (YYYY-MM-DD) and hour (0–23) now, or null for a zone the runtime does not know. */
export type LocalNow = (timezone: string) => { date: string; hour: number } | null;

/** Every timezone an active subscriber has, sorted: one index seek per zone (a loose index scan), however many rows. */
export function zonesInUse(db: Db): string[] {
  // Each seek jumps past every row of the zone before: the cost grows with the number of zones, not of subscribers.
  const next = stmt(db, `
    SELECT timezone FROM subscribers INDEXED BY subscribers_due
    WHERE status = 'active' AND timezone > ? ORDER BY timezone LIMIT 1`).pluck();
  const zones: string[] = [];
  for (let z = next.get('') as string | undefined; z !== undefined; z = next.get(z) as string | undefined) zones.push(z);
  return zones;
}

/**
 * The active subscribers whose local hour has come and whose next possible digest day (due_from: after their latest
 * digest, past a pause, on their weekly day) is today or earlier, zone by zone, a page at a time. A superset of
 * who is due: the caller still checks each one's schedule and day row. A subscriber's zone is read when the pass
 * reaches it, so a run that takes minutes sees each zone's hour as it is then.
 */
export function* dueSubscribers(db: Db, localNow: LocalNow, pageSize = 500): Generator<SubscriberRecord> {
  for (const tz of zonesInUse(db)) {
    const local = localNow(tz);
    if (!local) continue;
    for (let hour = 0; hour <= local.hour; hour++) yield* dueAtHour(db, tz, hour, local.date, pageSize);
  }
}

/** One (zone, hour) range of the index, in (due_from, id) order; keyset pages keep memory flat and the connection free. */
function* dueAtHour(db: Db, tz: string, hour: number, date: string, pageSize: number): Generator<SubscriberRecord> {
  // The row value (due_from, id) continues after the last row read, whether or not that row was claimed since.
  const page = stmt(db, `
    SELECT * FROM subscribers INDEXED BY subscribers_due
    WHERE status = 'active' AND timezone = @tz AND hour = @hour AND due_from <= @date AND (due_from, id) > (@afterDue, @afterId)
    ORDER BY due_from, id LIMIT @limit`);
  for (let afterDue = '', afterId = -1; ;) {
    const rows = page.all({ tz, hour, date, afterDue, afterId, limit: pageSize }) as (SubscriberRow & { due_from: string })[];
    for (const row of rows) yield toRecord(row);
    if (rows.length < pageSize) return;
    ({ due_from: afterDue, id: afterId } = rows[rows.length - 1]);
  }
}

/** How many subscribers dueSubscribers would offer now (the CLI's progress bar; whether a run starts digest threads). */
export function countDue(db: Db, localNow: LocalNow): number {
  // One (zone, hour) range at a time, as dueSubscribers reads them: `hour <= ?` would walk every served row too.
  const count = stmt(db, `
    SELECT count(*) FROM subscribers INDEXED BY subscribers_due
    WHERE status = 'active' AND timezone = ? AND hour = ? AND due_from <= ?`).pluck();
  let n = 0;
  for (const tz of zonesInUse(db)) {
    const local = localNow(tz);
    for (let hour = 0; local && hour <= local.hour; hour++) n += count.get(tz, hour, local.date) as number;
  }
  return n;
}
