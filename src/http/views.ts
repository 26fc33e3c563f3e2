import { paperLinkLabel, paperUrl, shortAuthors, trimText } from '../digest/compose.js';
import { weekdayName } from '../digest/due.js';
import type { Paper } from '../model.js';
import type { SubscriberRecord } from '../store/subscribers.js';

/** A paper as the pages show it: plain strings, escaped by the templates. */
export interface PaperView {
  id: string;
  title: string;
  url: string;
  /** "Abstract", or "Search arXiv" when only the title is known. */
  linkLabel: string;
  authors: string;
  abstract: string;
  upvotes: number | null;
  pdfUrl: string | null;
  codeUrl: string | null;
}

/** Maps a stored paper to what a page lists. */
export function paperView(p: Paper): PaperView {
  return {
    id: p.id, title: p.title, url: paperUrl(p), linkLabel: paperLinkLabel(p), authors: shortAuthors(p.authors), abstract: trimText(p.abstract, 280),
    upvotes: p.upvotes ?? null, pdfUrl: p.pdfUrl ?? null, codeUrl: p.codeUrl ?? null,
  };
}

/** Options of the hour select (00:00 … 23:00), `selected` marking the current one. */
export function hourOptions(selected: number) {
  return Array.from({ length: 24 }, (_, h) => ({ value: h, label: `${String(h).padStart(2, '0')}:00`, selected: h === selected }));
}

/** Options of the weekday select, Monday first. */
export function weekdayOptions(selected: number) {
  return [1, 2, 3, 4, 5, 6, 0].map((d) => ({ value: d, label: weekdayName(d), selected: d === selected }));
}

/** Category checkboxes: every category seen in the store plus the ones already chosen. */
export function categoryOptions(known: string[], chosen: string[]) {
  return [...new Set([...known, ...chosen])].sort().map((c) => ({ value: c, checked: chosen.includes(c) }));
}

/** The preference form's values for a subscriber. */
export function preferencesView(sub: SubscriberRecord, knownCats: string[]) {
  return {
    email: sub.email, status: sub.status,
    keywords: sub.profile.keywords.join(', '), authors: sub.profile.authors.join(', '),
    papers: sub.profile.papers.join(', '), about: sub.profile.about, timezone: sub.timezone,
    hours: hourOptions(sub.hour), weekdays: weekdayOptions(sub.weekday), weekly: sub.frequency === 'weekly',
    categories: categoryOptions(knownCats, sub.profile.categories), digestSize: sub.digestSize, weakNote: sub.weakDay === 'note',
    pausedUntil: sub.pausedUntil ?? '',
  };
}
