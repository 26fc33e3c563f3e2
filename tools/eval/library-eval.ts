// The library segments of `npm run eval:rank`: a subscriber's seeds arrive as a reference manager's export holding
// only titles and abstracts (no ids, no categories), read by the real parser (Citation.js), and stay text examples:
// the store knows none of them. Paperboy ranks with them as its library; the baselines are trained on the same text.
import { readLibrary } from '#paperboy/library/citation.js';
import type { Paper, Profile } from '#paperboy/model.js';
import { type LibraryExample, orderLibrary } from '#paperboy/rank/library.js';
import { rank } from '#paperboy/rank/rank.js';
import { byCentroid, bySvm } from './baselines.js';
import { rng, sample } from './data.js';
import { type Day, textScenarios } from './stores.js';
import { type DayContext, type Rows, dayContext, record } from './text-eval.js';

const EMPTY: Profile = { keywords: [], categories: [], authors: [], about: '', papers: [], votes: [] };

/** Escapes text as Zotero's BibTeX export does, so any abstract survives the round trip. */
export function bibEscape(s: string): string {
  return s.replace(/[\\{}$%&#_^~]/g, (c) => ({ '\\': '\\textbackslash{}', '^': '\\textasciicircum{}', '~': '\\textasciitilde{}' })[c as '\\'] ?? `\\${c}`);
}

/** A BibTeX export of papers with nothing but title, abstract and the date each was added. */
function exportOf(items: { paper: Paper; added: string | null }[]): string {
  return items.map(({ paper, added }, i) =>
    `@article{k${i},\n  title = {${bibEscape(paper.title)}},\n  abstract = {${bibEscape(paper.abstract)}},${added ? `\n  date-added = {${added} 10:00:00 +0000},` : ''}\n}\n`).join('\n');
}

/** The export read back as the server reads it, ordered as it is stored; each entry a text example (`tag` keeps ids apart). */
async function libraryOf(items: { paper: Paper; added: string | null }[], tag: string): Promise<LibraryExample[]> {
  const read = await readLibrary(exportOf(items), 5000);
  if (read.skipped.length) throw new Error(`the eval's own export lost entries: ${JSON.stringify(read.skipped)}`);
  return orderLibrary(read.entries).map((e, i) => ({
    paper: { id: `library:${tag}:${i}`, title: e.title, abstract: e.abstract, authors: [], categories: [], published: null, url: null },
    title: e.title, added: e.added,
  }));
}

const ids = (ps: Paper[]) => ps.map((p) => p.id);

/** Every method on one library: the SVM and the centroid trained on its text, Paperboy with it as its library. */
function evaluate(rows: Rows, segment: string, library: LibraryExample[], relevant: Set<string>, ctx: DayContext, now: Date, extra: Record<string, LibraryExample[]> = {}): void {
  const text = library.map((e) => e.paper);
  record(rows, segment, 'tf-idf + SVM', ids(bySvm(text, ctx.db, ctx.day.eval, ctx.sanity, rng(7))), relevant);
  record(rows, segment, 'tf-idf centroid', ids(byCentroid(text, ctx.day.eval, ctx.sanity)), relevant);
  const paperboy = (lib: LibraryExample[]) => rank(EMPTY, ctx.day.eval, { now, size: 10, model: ctx.model, known: ctx.known, library: lib }).map((r) => r.paper.id);
  record(rows, segment, 'Paperboy', paperboy(library), relevant);
  for (const [name, lib] of Object.entries(extra)) record(rows, segment, name, paperboy(lib), relevant);
}

/** A date `days` before `now`, as a reference manager writes date-added. */
function daysBefore(now: Date, days: number): string {
  return new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Two segments per field and day, over the same simulated subscribers as the text segments:
 * - five seeds of the field exported with titles and abstracts only (no dates); beside it, Paperboy given the same
 *   papers as seed ids (which the store knows, authors and all);
 * - a library of 200: 40 papers of the field added in the last six months and a backlog of 160 papers of other fields
 *   added four to eight years ago. Relevant: the field. "Paperboy, undated" is the same library without dates, in the
 *   order of the file: what the recency weighting and the choice of the 50 most recent entries are worth.
 */
export async function runLibrary(days: Day[], truth: Map<string, string[]>, opts: { seed: number; maxFields: number }): Promise<Rows> {
  const rows: Rows = new Map();
  const rand = rng(opts.seed);
  let n = 0;
  for (const day of days) {
    const ctx = dayContext(day);
    const now = new Date(`${day.label}T08:00:00Z`);
    for (const sc of textScenarios(day, truth, rand, { repeats: 1, maxFields: opts.maxFields })) {
      if (!sc.segment.startsWith('seeds only')) continue;
      const seeds = sc.profile.papers.map((id) => ctx.known.get(id)!);
      const five = await libraryOf(seeds.map((paper) => ({ paper, added: null })), `${n++}`);
      const segment = 'library export: 5 entries, titles and abstracts only';
      evaluate(rows, segment, five, sc.relevant, ctx, now);
      // The same five papers as seed ids the store knows (authors included): what arriving as text alone costs.
      record(rows, segment, 'Paperboy, the same papers as seed ids', rank(sc.profile, day.eval, { now, size: 10, model: ctx.model, known: ctx.known }).map((r) => r.paper.id), sc.relevant);
      const field = sc.fields[0];
      const inField = day.history.filter((p) => (truth.get(p.id) ?? []).includes(field));
      const others = day.history.filter((p) => !(truth.get(p.id) ?? []).includes(field));
      if (inField.length < 40 || others.length < 160) continue;
      const items = [
        ...sample(inField, 40, rand).map((paper) => ({ paper, added: daysBefore(now, 1 + Math.floor(rand() * 180)) })),
        ...sample(others, 160, rand).map((paper) => ({ paper, added: daysBefore(now, 4 * 365 + Math.floor(rand() * 4 * 365)) })),
      ];
      const file = sample(items, items.length, rand); // a reference manager's export is in no useful order
      const dated = await libraryOf(file, `${n++}`);
      const undated = await libraryOf(file.map((x) => ({ ...x, added: null })), `${n++}`);
      evaluate(rows, 'library export: 200 entries, 40 of the field recent, 160 of other fields years old', dated, sc.relevant, ctx, now, { 'Paperboy, undated': undated });
    }
  }
  return rows;
}
