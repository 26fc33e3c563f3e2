// What the pages show, built from stored records and form values: plain strings and option lists, escaped by the templates.
import { paperLinkLabel, paperUrl, shortAuthors, trimText } from '../digest/compose.js';
import { dayLabel, hourLabel, weekdayName } from '../digest/due.js';
import type { Paper } from '../model.js';
import { PROFILE_LIMITS } from '../rank/limits.js';
import { ARCHIVE_NAMES, archiveOf, categoryName, isOfferedCategory, journalCodes, LISTED_CATEGORIES } from '../taxonomy.js';
import { currentZoneName, RENAMED_ZONES } from '../timezones.js';
import { errorList, type FieldErrors, type FormValues } from './forms.js';

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
  /** "Published 3 June 2026", or "First seen 14 July 2026" when the source gave no date; '' when neither is known. */
  date: string;
}

/** Maps a stored paper to what a page lists. */
export function paperView(p: Paper): PaperView {
  return {
    id: p.id, title: p.title, url: paperUrl(p), linkLabel: paperLinkLabel(p), authors: shortAuthors(p.authors), abstract: trimText(p.abstract, 280),
    upvotes: p.upvotes ?? null, pdfUrl: p.pdfUrl ?? null, codeUrl: p.codeUrl ?? null, date: paperDate(p),
  };
}

/** When a paper came out, as a card says it: the date its source gives, else the day Paperboy first stored it. */
function paperDate(p: Paper): string {
  const day = (iso: string) => (/^\d{4}-\d\d-\d\d/.test(iso) ? dayLabel(iso.slice(0, 10)).replace(/^\w+ /, '') : '');
  if (p.published && day(p.published)) return `Published ${day(p.published)}`;
  return p.firstSeen && day(p.firstSeen) ? `First seen ${day(p.firstSeen)}` : '';
}

/** What pages say while the store holds only the bundled sample (data/sample): what these papers are, and when real ones come. */
export const SAMPLE_NOTE = 'These are the sample papers bundled with Paperboy (Hugging Face daily papers of June 2026), ' +
  'shown until the first papers arrive from the sources: new papers, and digests of them, follow the first ingest.';

/** Options of the hour select (00:00 … 23:00), `selected` marking the current one. */
export function hourOptions(selected: number) {
  return Array.from({ length: 24 }, (_, h) => ({ value: h, label: hourLabel(h), selected: h === selected }));
}

/** Options of the weekday select, Monday first. */
export function weekdayOptions(selected: number) {
  return [1, 2, 3, 4, 5, 6, 0].map((d) => ({ value: d, label: weekdayName(d), selected: d === selected }));
}

/** A category and how many stored papers it has. */
export interface CategoryCount {
  code: string;
  papers: number;
}

/** "Computer Vision and Pattern Recognition (cs.CV)", or the code alone when arXiv lists no name for it. */
export function categoryLabel(code: string): string {
  const name = categoryName(code);
  return name ? `${name} (${code})` : code;
}

/** The name of the group a category is listed under: its archive's name (the four hep-* archives share one). */
function groupOf(code: string): string {
  return ARCHIVE_NAMES[archiveOf(code)] ?? 'Other';
}

/**
 * Category checkboxes grouped by archive, groups and categories in name order: every category that has
 * stored papers (and, with `all`, every other one arXiv lists), plus the chosen ones. A group with a chosen
 * category starts open.
 */
export function categoryGroups(known: CategoryCount[], chosen: string[], all = false) {
  const counts = new Map(known.map((k) => [k.code, k.papers]));
  if (all) for (const c of [...LISTED_CATEGORIES, ...journalCodes()]) if (!counts.has(c)) counts.set(c, 0);
  for (const c of chosen) if (!counts.has(c)) counts.set(c, 0);
  const groups = new Map<string, { code: string; name: string; label: string; papers: number; checked: boolean }[]>();
  for (const [code, papers] of counts) {
    const item = { code, name: categoryName(code) ?? code, label: categoryLabel(code), papers, checked: chosen.includes(code) };
    const group = groupOf(code);
    groups.set(group, [...(groups.get(group) ?? []), item]);
  }
  return [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([name, items]) => {
    const checked = items.filter((i) => i.checked).length;
    return { name, categories: items.sort((a, b) => a.name.localeCompare(b.name)), checked, open: checked > 0 };
  });
}

/** "Paris" for Europe/Paris, "Salta (Argentina)" for America/Argentina/Salta: the city first, so typing it finds it. */
function zoneLabel(zone: string): string {
  const [, ...rest] = zone.split('/');
  const city = rest.pop()!.replace(/_/g, ' ');
  return rest.length ? `${city} (${rest.join(', ').replace(/_/g, ' ')})` : city;
}

/** Every timezone this runtime knows, by its current IANA name (Europe/Kyiv, not ICU's Europe/Kiev), grouped by region; built once. */
const ZONE_GROUPS = (() => {
  const groups = new Map<string, { value: string; label: string }[]>();
  for (const zone of new Set(Intl.supportedValuesOf('timeZone').map(currentZoneName))) {
    if (!zone.includes('/')) continue;
    const region = zone.slice(0, zone.indexOf('/'));
    groups.set(region, [...(groups.get(region) ?? []), { value: zone, label: zoneLabel(zone) }]);
  }
  return [...groups].map(([region, zones]) => ({ region, zones: zones.sort((a, b) => a.label.localeCompare(b.label)) }));
})();

/** The timezone picker: UTC first, then every zone by region, `selected` marked under its current name (a zone stored
 *  as Europe/Kiev shows as Europe/Kyiv; one the runtime lacks is listed on its own); `renamed` maps ICU's old names to
 *  the current ones for the page's script, which selects the browser's own zone. */
export function timezoneOptions(selected: string) {
  const current = currentZoneName(selected);
  const known = current === 'UTC' || ZONE_GROUPS.some((g) => g.zones.some((z) => z.value === current));
  return {
    utc: current === 'UTC',
    other: known ? null : { value: selected, label: selected },
    groups: ZONE_GROUPS.map((g) => ({ region: g.region, zones: g.zones.map((z) => ({ ...z, selected: z.value === current })) })),
    renamed: RENAMED_JSON,
  };
}

/** RENAMED_ZONES as the timezone select carries it (data-renamed), for the page's script. */
const RENAMED_JSON = JSON.stringify(RENAMED_ZONES);

/** True when the sign-up's optional part holds something other than the defaults, or an error: it is shown open. */
function moreOpen(v: FormValues, errors: FieldErrors): boolean {
  const filled = v.categories.length > 0 || [v.authors, v.about, v.papers, v.library].some((x) => x.trim() !== '') || v.frequency === 'weekly';
  return filled || ['categories', 'authors', 'about', 'papers', 'library', 'hour', 'timezone', 'frequency', 'weekday'].some((f) => errors[f]);
}

/** Everything the sign-up and preferences forms show: the values, each field's error, and the option lists. */
export function formView(v: FormValues, errors: FieldErrors, known: CategoryCount[]) {
  return {
    values: v, errors, errorList: errorList(errors), moreOpen: moreOpen(v, errors),
    hours: hourOptions(Number(v.hour)), weekdays: weekdayOptions(Number(v.weekday)), timezones: timezoneOptions(v.timezone),
    // The forms offer all of arXiv and the journals added, and only the categories they accept (stored papers may carry codes arXiv no longer lists).
    categoryGroups: categoryGroups(known.filter((k) => isOfferedCategory(k.code)), v.categories, true), weekly: v.frequency === 'weekly', weakNote: v.weakDay === 'note',
    libraryLimits: `up to ${PROFILE_LIMITS.libraryBytes / 1024 / 1024} MB, ${PROFILE_LIMITS.libraryEntries.toLocaleString('en')} references`,
  };
}

/** The names of the named sources, as the preferences page lists them. */
const SOURCE_NAMES: Readonly<Record<string, string>> = {
  arxiv: 'arXiv', huggingface: 'Hugging Face daily papers', biorxiv: 'bioRxiv', medrxiv: 'medRxiv',
};

/** "about 120 papers a day", "about 3 papers a week", "no paper this week yet": a week's count in words. */
export function rateWords(weekCount: number): string {
  const perDay = Math.round(weekCount / 7);
  if (weekCount >= 7) return `about ${perDay.toLocaleString('en')} paper${perDay === 1 ? '' : 's'} a day`;
  return weekCount > 0 ? `about ${weekCount} paper${weekCount === 1 ? '' : 's'} a week` : 'no paper this week yet';
}

/** The sources checkboxes of the preferences page: those fetched here (`offered`), those with papers this week and
 *  those chosen, each with what it brings; none ticked means every source. */
export function sourceOptions(offered: readonly string[], weekCounts: ReadonlyMap<string, number>, chosen: readonly string[],
  names: ReadonlyMap<string, string> = new Map()) {
  const keys = [...new Set([...offered, ...[...weekCounts].filter(([, n]) => n > 0).map(([k]) => k), ...chosen])];
  return keys.map((key) => ({
    key, name: SOURCE_NAMES[key] ?? names.get(key) ?? categoryName(key) ?? key, brings: rateWords(weekCounts.get(key) ?? 0), checked: chosen.includes(key),
  }));
}
