// The due query (migration 017, src/store/due.ts) on a real SQLite file: it must offer every subscriber the pass over
// every row found due (timezones, DST, weekly, paused, a day already served), and nobody the sender would then refuse.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localDayHour, scheduledDay } from '../../src/digest/due.js';
import { countDue, dueSubscribers, zonesInUse } from '../../src/store/due.js';
import { claimDigest, hasDigest, skipDigest, unclaimDigest } from '../../src/store/digests.js';
import { activeSubscribers, updatePreferences, getSubscriber } from '../../src/store/subscribers.js';
import type { Db } from '../../src/db/open.js';
import { tempDb } from '../helpers/ingest-db.js';

let t: ReturnType<typeof tempDb>;
beforeEach(() => { t = tempDb(); });
afterEach(() => t.close());

interface Sub { email: string; timezone?: string; hour?: number; frequency?: 'daily' | 'weekly'; weekday?: number; pausedUntil?: string | null; status?: string }

/** Inserts one subscriber (active unless told); returns its id. */
function add(db: Db, s: Sub): number {
  return Number(db.prepare(`INSERT INTO subscribers (email, status, timezone, hour, frequency, weekday, paused_until, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, '2026-01-01')`).run(s.email, s.status ?? 'active', s.timezone ?? 'UTC', s.hour ?? 8,
    s.frequency ?? 'daily', s.weekday ?? 1, s.pausedUntil ?? null).lastInsertRowid);
}

const at = (iso: string) => (tz: string) => localDayHour(new Date(iso), tz);
/** Emails the due query offers at `iso`. */
const offered = (db: Db, iso: string, pageSize?: number) => [...dueSubscribers(db, at(iso), pageSize)].map((s) => s.email).sort();
/** The rule the sender applies, over every active row: the answer the due query must reproduce. */
const reference = (db: Db, iso: string) => [...activeSubscribers(db)]
  .filter((s) => { const d = scheduledDay(new Date(iso), s); return d !== null && !hasDigest(db, s.id, d); }).map((s) => s.email).sort();
/** Claims the subscriber's digest for a local day, as the sender does. */
const claim = (db: Db, id: number, date: string) => claimDigest(db, { subscriberId: id, date, messageId: `<m.${id}.${date}@x>`, subject: 's', items: [] });

describe('the due query', () => {
  it('offers each zone its subscribers whose local hour has come, and nobody before it', () => {
    add(t.db, { email: 'utc@x', timezone: 'UTC', hour: 8 });
    add(t.db, { email: 'tokyo@x', timezone: 'Asia/Tokyo', hour: 8 });
    add(t.db, { email: 'la@x', timezone: 'America/Los_Angeles', hour: 8 });
    add(t.db, { email: 'kolkata@x', timezone: 'Asia/Kolkata', hour: 14 });
    add(t.db, { email: 'gone@x', timezone: 'UTC', hour: 0, status: 'unsubscribed' });
    expect(zonesInUse(t.db)).toEqual(['America/Los_Angeles', 'Asia/Kolkata', 'Asia/Tokyo', 'UTC']);
    // 08:40 UTC: 17:40 in Tokyo, 14:10 in Kolkata (a half-hour zone), 00:40 in Los Angeles.
    expect(offered(t.db, '2026-12-07T08:40:00Z')).toEqual(['kolkata@x', 'tokyo@x', 'utc@x']);
    // 08:20 UTC is 13:50 in Kolkata: not yet.
    expect(offered(t.db, '2026-12-07T08:20:00Z')).toEqual(['tokyo@x', 'utc@x']);
    // 16:00 UTC is 08:00 in Los Angeles and 01:00 on the 8th in Tokyo: a new local day whose hour has not come.
    expect(offered(t.db, '2026-12-07T16:00:00Z')).toEqual(['kolkata@x', 'la@x', 'utc@x']);
    expect(countDue(t.db, at('2026-12-07T08:40:00Z'))).toBe(3);
  });

  it('leaves out a subscriber whose local day is served, until their next local day', () => {
    const tokyo = add(t.db, { email: 'tokyo@x', timezone: 'Asia/Tokyo', hour: 8 });
    claim(t.db, tokyo, '2026-12-07');
    expect(offered(t.db, '2026-12-07T08:40:00Z')).toEqual([]);
    // 23:30 UTC on the 7th is 08:30 on the 8th in Tokyo: a new local day.
    expect(offered(t.db, '2026-12-07T23:30:00Z')).toEqual(['tokyo@x']);
    // A skipped day (suspended, nothing worth sending) is served too.
    skipDigest(t.db, tokyo, '2026-12-08', 'empty');
    expect(offered(t.db, '2026-12-07T23:30:00Z')).toEqual([]);
  });

  it('makes a day due again when its claim is taken back (a run stopped for its relay)', () => {
    const id = add(t.db, { email: 'a@x', hour: 8 });
    claim(t.db, id, '2026-12-06');
    // A quiet-day note: claimed 'sending' under a lease with no paper in it.
    const today = claimDigest(t.db, { subscriberId: id, date: '2026-12-07', messageId: '<m@x>', subject: 's', items: [], note: true }, new Date(), { owner: 'o', ms: 60_000 });
    expect(offered(t.db, '2026-12-07T09:00:00Z')).toEqual([]);
    expect(unclaimDigest(t.db, today!, 'o')).toBe(true);
    expect(t.db.prepare('SELECT last_digest_date FROM subscribers WHERE id = ?').pluck().get(id)).toBe('2026-12-06');
    expect(offered(t.db, '2026-12-07T09:00:00Z')).toEqual(['a@x']);
  });

  it('offers a weekly subscriber on their weekday only, and a paused one from the day the pause ends', () => {
    // 2026-12-07 is a Monday (weekday 1); the weekly subscriber's last digest was on Wednesday 2 December.
    const weekly = add(t.db, { email: 'weekly@x', frequency: 'weekly', weekday: 3 });
    add(t.db, { email: 'paused@x', pausedUntil: '2026-12-09' });
    // Never served, a weekly subscriber has no week to count from: offered (a lower bound), and the sender's check refuses.
    expect(offered(t.db, '2026-12-07T09:00:00Z')).toEqual(['weekly@x']);
    expect(scheduledDay(new Date('2026-12-07T09:00:00Z'), getSubscriber(t.db, weekly)!)).toBeNull();
    claim(t.db, weekly, '2026-12-02');
    expect(offered(t.db, '2026-12-07T09:00:00Z')).toEqual([]);
    expect(offered(t.db, '2026-12-09T09:00:00Z')).toEqual(['paused@x', 'weekly@x']);
    claim(t.db, weekly, '2026-12-09');
    expect(offered(t.db, '2026-12-10T09:00:00Z')).toEqual(['paused@x']);
    expect(offered(t.db, '2026-12-16T09:00:00Z')).toEqual(['paused@x', 'weekly@x']);
    // A change of schedule moves the computed column at once: daily again, due the next morning.
    const s = getSubscriber(t.db, weekly)!;
    updatePreferences(t.db, weekly, { ...s.profile, timezone: s.timezone, hour: s.hour, frequency: 'daily', weekday: 3, digestSize: 10, weakDay: 'skip', pausedUntil: null });
    expect(offered(t.db, '2026-12-10T09:00:00Z')).toEqual(['paused@x', 'weekly@x']);
  });

  it('follows daylight saving time: an hour that does not exist is due after the gap, a repeated hour sends once', () => {
    const id = add(t.db, { email: 'paris@x', timezone: 'Europe/Paris', hour: 2 });
    // 2026-03-29: Paris goes from 02:00 CET straight to 03:00 CEST (01:00 UTC).
    expect(offered(t.db, '2026-03-29T00:59:00Z')).toEqual([]);
    expect(offered(t.db, '2026-03-29T01:00:00Z')).toEqual(['paris@x']);
    claim(t.db, id, '2026-03-29');
    // 2026-10-25: 02:00–02:59 happens twice (00:00 UTC in CEST, 01:00 UTC in CET).
    expect(offered(t.db, '2026-10-25T00:30:00Z')).toEqual(['paris@x']);
    claim(t.db, id, '2026-10-25');
    expect(offered(t.db, '2026-10-25T01:30:00Z')).toEqual([]);
  });

  it('reads every due subscriber across pages of rows sharing one due day', () => {
    for (let i = 0; i < 23; i++) add(t.db, { email: `s${String(i).padStart(2, '0')}@x`, hour: i % 3 });
    expect(offered(t.db, '2026-12-07T09:00:00Z', 4)).toHaveLength(23);
    // Served subscribers in the middle of a page go on being skipped without losing the rows after them.
    for (const id of [2, 5, 6, 7, 20]) claim(t.db, id, '2026-12-07');
    expect(offered(t.db, '2026-12-07T09:00:00Z', 2)).toEqual(reference(t.db, '2026-12-07T09:00:00Z'));
    expect(offered(t.db, '2026-12-07T09:00:00Z', 2)).toHaveLength(18);
    expect(countDue(t.db, at('2026-12-07T09:00:00Z'))).toBe(18);
  });

  it('agrees with the pass over every row across a fortnight of ticks, zones, schedules and claims', () => {
    const zones = ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney', 'Pacific/Chatham', 'America/St_Johns', 'Asia/Tokyo'];
    let seed = 7;
    const rnd = (n: number) => { seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31; return seed % n; };
    for (let i = 0; i < 300; i++) {
      add(t.db, {
        email: `r${i}@x`, timezone: zones[rnd(zones.length)], hour: rnd(24), frequency: rnd(5) === 0 ? 'weekly' : 'daily',
        weekday: rnd(7), pausedUntil: rnd(10) === 0 ? '2026-10-30' : null, status: rnd(20) === 0 ? 'pending' : 'active',
      });
    }
    // Every 37 minutes across the autumn change of Europe and the US (2026-10-25, 2026-11-01), claiming what is due
    // most of the time (the sender claims it), leaving some unclaimed (a failed run) to stay due.
    let ticks = 0;
    for (let ms = Date.parse('2026-10-22T00:00:00Z'); ms < Date.parse('2026-11-04T00:00:00Z'); ms += 37 * 60_000, ticks++) {
      const iso = new Date(ms).toISOString();
      const expected = reference(t.db, iso);
      const got = [...dueSubscribers(t.db, at(iso), 7)];
      const due = got.filter((s) => { const d = scheduledDay(new Date(iso), s); return d !== null && !hasDigest(t.db, s.id, d); });
      expect(due.map((s) => s.email).sort(), iso).toEqual(expected);
      // The index narrows, it does not merely agree: everyone it offers is due but weekly subscribers with no week to
      // count from (never served, or their weekday missed), whom the sender's check refuses.
      const extra = got.filter((s) => !due.includes(s));
      expect(extra.filter((s) => s.frequency !== 'weekly').map((s) => s.email), iso).toEqual([]);
      for (const s of due) if (rnd(10) > 0) claim(t.db, s.id, scheduledDay(new Date(iso), s)!);
    }
    expect(ticks).toBeGreaterThan(500);
    expect(t.db.prepare('SELECT count(*) FROM digests').pluck().get()).toBeGreaterThan(2_000);
  });
});
