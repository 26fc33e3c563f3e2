import { describe, expect, it } from 'vitest';
import { timezoneOptions } from '../../src/http/views.js';
import { RENAMED_ZONES } from '../../src/timezones.js';
import { dayLabel, deliverySentence, localDayHour, momentLabel, nextDelivery, scheduledDay, scheduleLabel, type Schedule } from '../../src/digest/due.js';
import { canonicalTimezone } from '../../src/timezones.js';

// What the pages promise about the next digest, against what the scheduler's own rule (scheduledDay) will do.
describe('the next digest, in words that match what happens', () => {
  const paris = (over: Partial<Schedule> = {}): Schedule => ({ timezone: 'Europe/Paris', hour: 7, frequency: 'daily', weekday: 1, pausedUntil: null, ...over });
  // Wednesday 2 December 2026, 10:00 in Paris (09:00 UTC).
  const wednesday10 = new Date('2026-12-02T09:00:00Z');

  it('says "within a few minutes" when the hour has passed on a delivery day with no digest yet: the scheduler sends it at its next minute', () => {
    const s = paris();
    expect(nextDelivery(wednesday10, s, false)).toBe('now');
    expect(scheduledDay(new Date(wednesday10.getTime() + 60_000), s)).toBe('2026-12-02'); // due at the next tick
    expect(deliverySentence(wednesday10, s, false))
      .toBe("Your digest goes out every day at 07:00 (Europe/Paris). It is past 07:00 there already, so today's goes out within a few minutes.");
  });

  it('says "tomorrow" once today\'s digest is made, and "later today" before the hour', () => {
    expect(deliverySentence(wednesday10, paris(), true)).toBe('Your digest goes out every day at 07:00 (Europe/Paris); the next one tomorrow.');
    const s = paris({ hour: 18 });
    expect(nextDelivery(wednesday10, s, false)).toBe('2026-12-02');
    expect(scheduledDay(wednesday10, s)).toBeNull(); // nothing is due before 18:00
    expect(deliverySentence(wednesday10, s, false)).toBe('Your digest goes out every day at 18:00 (Europe/Paris); the next one later today.');
  });

  it('names the weekday of a weekly digest, and the day after a pause', () => {
    const weekly = paris({ frequency: 'weekly', weekday: 1 });
    expect(scheduleLabel(weekly)).toBe('every Monday at 07:00 (Europe/Paris)');
    expect(nextDelivery(wednesday10, weekly, false)).toBe('2026-12-07');
    expect(deliverySentence(wednesday10, weekly, false)).toBe('Your digest goes out every Monday at 07:00 (Europe/Paris); the next one on Monday 7 December 2026.');
    const weeklyToday = paris({ frequency: 'weekly', weekday: 3 });
    expect(nextDelivery(wednesday10, weeklyToday, false)).toBe('now');
    const paused = paris({ pausedUntil: '2026-12-24' });
    expect(deliverySentence(wednesday10, paused, false))
      .toBe('Your digest goes out every day at 07:00 (Europe/Paris); it is paused, so the next one goes out on Thursday 24 December 2026.');
    expect(nextDelivery(wednesday10, { ...paused, frequency: 'weekly', weekday: 1 }, false)).toBe('2026-12-28');
  });

  it('reads each day in the subscriber\'s own timezone', () => {
    // 23:30 UTC on Wednesday is already Thursday 08:30 in Tokyo.
    const late = new Date('2026-12-02T23:30:00Z');
    expect(nextDelivery(late, { ...paris(), timezone: 'Asia/Tokyo', hour: 8 }, false)).toBe('now');
    expect(nextDelivery(late, { ...paris(), timezone: 'Asia/Tokyo', hour: 8 }, true)).toBe('2026-12-04');
  });

  it('writes days and moments as people read them', () => {
    expect(dayLabel('2026-11-30')).toBe('Monday 30 November 2026');
    expect(momentLabel(new Date('2026-12-06T13:05:00Z'), 'Europe/Paris')).toBe('Sunday 6 December 2026, 14:05');
  });
});

// Timezones by the names people know today (issue 22, item 21): ICU still reports Europe/Kiev, Asia/Calcutta….
describe('timezone names', () => {
  it('stores the current name whichever one is typed, in any case', () => {
    expect(['Asia/Calcutta', 'asia/kolkata', 'Europe/Kiev', 'europe/kyiv', 'Asia/Saigon', 'America/Buenos_Aires', 'Europe/Paris', 'utc'].map(canonicalTimezone))
      .toEqual(['Asia/Kolkata', 'Asia/Kolkata', 'Europe/Kyiv', 'Europe/Kyiv', 'Asia/Ho_Chi_Minh', 'America/Argentina/Buenos_Aires', 'Europe/Paris', 'UTC']);
    // The current names work wherever a zone is used.
    expect(localDayHour(new Date('2026-11-29T20:00:00Z'), 'Asia/Kolkata')).toEqual({ date: '2026-11-30', hour: 1 });
  });

  it('offers the current names, each once, and selects a zone stored under its old one', () => {
    const values = (o: ReturnType<typeof timezoneOptions>) => o.groups.flatMap((g) => g.zones.map((z) => z.value));
    const all = values(timezoneOptions('UTC'));
    for (const current of ['Europe/Kyiv', 'Asia/Kolkata', 'Asia/Ho_Chi_Minh', 'Asia/Kathmandu', 'America/Nuuk']) expect(all).toContain(current);
    for (const old of Object.keys(RENAMED_ZONES)) expect(all).not.toContain(old);
    expect(new Set(all).size).toBe(all.length);
    const stored = timezoneOptions('Europe/Kiev');
    expect(stored.other).toBeNull();
    expect(stored.groups.flatMap((g) => g.zones).filter((z) => z.selected).map((z) => z.value)).toEqual(['Europe/Kyiv']);
    expect(JSON.parse(stored.renamed)['Asia/Calcutta']).toBe('Asia/Kolkata');
  });
});
