// `paperboy deliveries`: one day's outcome, with totals that add up, and the bounces and complaints that came back later.
import type { Db } from '../db/open.js';
import { scheduledDay } from '../digest/due.js';
import { deliveriesOn, hasDigest, stateCounts, type DeliveryRow, type DigestState } from '../store/digests.js';
import { eventsOn, type EventLine } from '../store/mail-events.js';
import { activeSubscribers } from '../store/subscribers.js';

/** A day's totals: due = sent + failed + uncertain + skipped + inProgress + unclaimed. */
export interface DayTotals {
  due: number;
  sent: number;
  failed: number;
  uncertain: number;
  skipped: number;
  /** Queued, sending, or waiting for a retry. */
  inProgress: number;
  /** Due now (their hour has come) but not claimed yet: the service was down or is about to send. */
  unclaimed: number;
}

/** Totals from per-state counts and the number of due subscribers without a row. */
export function dayTotals(c: Record<DigestState, number>, unclaimed: number): DayTotals {
  const inProgress = c.queued + c.sending + c.retry;
  const due = c.sent + c.failed + c.uncertain + c.skipped + inProgress + unclaimed;
  return { due, sent: c.sent, failed: c.failed, uncertain: c.uncertain, skipped: c.skipped, inProgress, unclaimed };
}

/** The report's lines: the totals, then one line per digest (only those not sent unless `all`). */
export function formatDeliveries(date: string, t: DayTotals, rows: DeliveryRow[], all: boolean): string[] {
  const lines = [
    `Deliveries for ${date}`,
    `due ${t.due} = sent ${t.sent} + failed ${t.failed} + uncertain ${t.uncertain} + skipped ${t.skipped}` +
      (t.inProgress || t.unclaimed ? ` + in progress ${t.inProgress} + not yet claimed ${t.unclaimed}` : ''),
  ];
  for (const r of rows) {
    if (!all && r.state === 'sent') continue;
    const detail = r.state === 'skipped' ? r.skipReason ?? '' : (r.smtpResponse ?? '').replace(/\s+/g, ' ').slice(0, 160);
    lines.push(`  #${r.id} ${r.email} ${r.state} attempts=${r.attempts}${r.smtpCode ? ` code=${r.smtpCode}` : ''} ${detail}`.trimEnd());
  }
  return lines;
}

const KIND_WORDS = { hard: 'hard bounce', soft: 'soft bounce', complaint: 'complaint' } as const;

/** The lines of the bounces and complaints that came back about a day's digests (or arrived that day, naming none). */
export function formatEvents(events: EventLine[]): string[] {
  if (events.length === 0) return [];
  const n = (kind: EventLine['kind']) => events.filter((e) => e.kind === kind).length;
  return [
    `came back later: hard bounces ${n('hard')}, soft bounces ${n('soft')}, complaints ${n('complaint')}`,
    ...events.map((e) => `  ${e.digestId === null ? '(no digest)' : `#${e.digestId}`} ${e.email ?? '(no subscriber)'} ${KIND_WORDS[e.kind]}` +
      `${e.status ? ` ${e.status}` : ''} via ${e.source}: ${e.detail.slice(0, 160)}`),
  ];
}

/** Active subscribers due on `date` at `now` that have no row yet. */
export function unclaimedOn(db: Db, date: string, now: Date): number {
  let n = 0;
  for (const s of activeSubscribers(db)) if (scheduledDay(now, s) === date && !hasDigest(db, s.id, date)) n++;
  return n;
}

/** Prints a day's deliveries; returns the totals. */
export function printDeliveries(db: Db, date: string, opts: { all: boolean; now: Date }, out: (line: string) => void): DayTotals {
  const totals = dayTotals(stateCounts(db, date), unclaimedOn(db, date, opts.now));
  for (const line of [...formatDeliveries(date, totals, deliveriesOn(db, date), opts.all), ...formatEvents(eventsOn(db, date))]) out(line);
  return totals;
}
