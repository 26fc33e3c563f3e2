// When is a subscriber's digest due? Pure functions over an instant and a timezone.

const formatters = new Map<string, Intl.DateTimeFormat>();

/** True when `tz` is an IANA timezone name this runtime knows. */
export function isTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The local calendar day (YYYY-MM-DD) and hour (0–23) of `now` in timezone `tz`. */
export function localDayHour(now: Date, tz: string): { date: string; hour: number } {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23',
    });
    formatters.set(tz, f);
  }
  const parts = Object.fromEntries(f.formatToParts(now).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
}

/** The local day whose digest is due at `now`, or null before the subscriber's hour (never a past day). */
export function dueDay(now: Date, tz: string, hour: number): string | null {
  const local = localDayHour(now, tz);
  return local.hour >= hour ? local.date : null;
}
