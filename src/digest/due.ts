// When is a subscriber's digest due? Pure functions over an instant and a timezone.

const formatters = new Map<string, Intl.DateTimeFormat>();
const lastAnswer = new Map<string, { minute: number; local: { date: string; hour: number } }>();

/** True when `tz` is an IANA timezone name this runtime knows (in any letter case). */
export function isTimezone(tz: string): boolean {
  return canonicalTimezone(tz) !== null;
}

/** The canonical spelling of a timezone name (`europe/paris` → `Europe/Paris`, `utc` → `UTC`), or null when unknown. */
export function canonicalTimezone(tz: string): string | null {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
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

/** "08:00 (Europe/Paris), every day" or "… every Monday". */
export function scheduleLabel(s: Pick<Schedule, 'hour' | 'timezone' | 'frequency' | 'weekday'>): string {
  const when = s.frequency === 'weekly' ? `every ${WEEKDAYS[s.weekday]}` : 'every day';
  return `${String(s.hour).padStart(2, '0')}:00 (${s.timezone}), ${when}`;
}
