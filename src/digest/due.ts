// When is a subscriber's digest due? Pure functions over an instant and a timezone.
import { canonicalTimezone } from '../timezones.js';

const formatters = new Map<string, Intl.DateTimeFormat>();
const lastAnswer = new Map<string, { minute: number; local: { date: string; hour: number } }>();

/** True when `tz` is an IANA timezone name this runtime knows (in any letter case). */
export function isTimezone(tz: string): boolean {
  return canonicalTimezone(tz) !== null;
}

/** The local calendar day (YYYY-MM-DD) and hour (0–23) of `now` in timezone `tz`. */
export function localDayHour(now: Date, tz: string): { date: string; hour: number } {
  // Every UTC offset is a whole number of minutes, so a zone's local day and hour hold for a whole minute:
  // a run over many subscribers asks Intl once per zone and minute.
  const minute = Math.floor(now.getTime() / 60_000);
  const last = lastAnswer.get(tz);
  if (last?.minute === minute) return last.local;
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23',
    });
    formatters.set(tz, f);
  }
  const parts = Object.fromEntries(f.formatToParts(now).map((p) => [p.type, p.value]));
  const local = { date: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
  lastAnswer.set(tz, { minute, local });
  return local;
}

/** The local day whose digest is due at `now`, or null before the subscriber's hour (never a past day). */
export function dueDay(now: Date, tz: string, hour: number): string | null {
  const local = localDayHour(now, tz);
  return local.hour >= hour ? local.date : null;
}

/** The delivery schedule of a subscriber beyond the hour: frequency, weekday and pause. */
export interface Schedule {
  timezone: string;
  hour: number;
  frequency: 'daily' | 'weekly';
  /** 0 = Sunday … 6 = Saturday; the day a weekly digest goes out. */
  weekday: number;
  /** YYYY-MM-DD: no digest before this local day; null when not paused. */
  pausedUntil: string | null;
}

/** True when a digest may go out on the subscriber's local day `date` (YYYY-MM-DD): not paused, and the chosen weekday when weekly. */
export function isDeliveryDay(sub: Omit<Schedule, 'timezone' | 'hour'>, date: string): boolean {
  if (sub.pausedUntil && date < sub.pausedUntil) return false;
  return sub.frequency === 'daily' || new Date(`${date}T12:00:00Z`).getUTCDay() === sub.weekday;
}

/** The local day whose digest is due at `now` for this schedule, or null (before the hour, paused, or not the weekly day). */
export function scheduledDay(now: Date, sub: Schedule): string | null {
  const date = dueDay(now, sub.timezone, sub.hour);
  return date && isDeliveryDay(sub, date) ? date : null;
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The name of weekday `d` (0 = Sunday). */
export function weekdayName(d: number): string {
  return WEEKDAYS[d];
}

/** "08:00" for hour 8. */
export function hourLabel(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}

/** "every day at 08:00 (Europe/Paris)" or "every Monday at 08:00 (Europe/Paris)". */
export function scheduleLabel(s: Pick<Schedule, 'hour' | 'timezone' | 'frequency' | 'weekday'>): string {
  const when = s.frequency === 'weekly' ? `every ${WEEKDAYS[s.weekday]}` : 'every day';
  return `${when} at ${hourLabel(s.hour)} (${s.timezone})`;
}

/** "daily" or "weekly": what kind of digest a schedule sends. */
export function frequencyWord(s: Pick<Schedule, 'frequency'>): string {
  return s.frequency === 'weekly' ? 'weekly' : 'daily';
}

const DAY_PARTS = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const dayLabels = new Map<string, string>();

/** "Monday 30 November 2026" for 2026-11-30 (a run's digests share a day or two: each is formatted once). */
export function dayLabel(date: string): string {
  let label = dayLabels.get(date);
  if (label === undefined) {
    if (dayLabels.size > 1000) dayLabels.clear();
    const p = Object.fromEntries(DAY_PARTS.formatToParts(new Date(`${date}T12:00:00Z`)).map((x) => [x.type, x.value]));
    dayLabels.set(date, (label = `${p.weekday} ${p.day} ${p.month} ${p.year}`));
  }
  return label;
}

/** The calendar day after `date` (YYYY-MM-DD). */
export function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/**
 * When the next digest of a schedule goes out, seen at `now`: 'now' when it is due already (the scheduler
 * looks every minute, so a sign-up confirmed after the hour gets today's digest at once), else its local day.
 * `hasToday` says whether today's digest (local day) was already made or skipped.
 */
export function nextDelivery(now: Date, s: Schedule, hasToday: boolean): 'now' | string {
  const local = localDayHour(now, s.timezone);
  if (!hasToday && local.hour >= s.hour && isDeliveryDay(s, local.date)) return 'now';
  let day = !hasToday && local.hour < s.hour ? local.date : nextDay(local.date);
  if (s.pausedUntil && day < s.pausedUntil) day = s.pausedUntil;
  while (!isDeliveryDay(s, day)) day = nextDay(day);
  return day;
}

/**
 * The schedule and the next digest in one sentence, for the pages: "Your digest goes out every day at 08:00
 * (Europe/Paris); the next one tomorrow." When the hour has passed on a delivery day with no digest yet, it
 * says so: the next one goes out within minutes, not at the hour tomorrow.
 */
export function deliverySentence(now: Date, s: Schedule, hasToday: boolean): string {
  const next = nextDelivery(now, s, hasToday);
  const base = `Your digest goes out ${scheduleLabel(s)}`;
  if (next === 'now') return `${base}. It is past ${hourLabel(s.hour)} there already, so today's goes out within a few minutes.`;
  const today = localDayHour(now, s.timezone).date;
  const when = next === today ? 'later today' : next === nextDay(today) ? 'tomorrow' : `on ${dayLabel(next)}`;
  const paused = s.pausedUntil && s.pausedUntil > today ? `; it is paused, so the next one goes out ${when}` : `; the next one ${when}`;
  return `${base}${paused}.`;
}

const MOMENT = new Map<string, Intl.DateTimeFormat>();

/** "Sunday 6 December 2026, 14:05" in timezone `tz`: when a link stops working, for example. */
export function momentLabel(at: Date, tz: string): string {
  let f = MOMENT.get(tz);
  if (!f) MOMENT.set(tz, (f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })));
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
  return `${dayLabel(`${p.year}-${p.month}-${p.day}`)}, ${p.hour}:${p.minute}`;
}
