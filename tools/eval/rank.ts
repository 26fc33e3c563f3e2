// `npm run eval:rank`: measures Paperboy's ranker against baselines on simulated subscribers over real papers.
import type { Paper, Profile } from '#paperboy/model.js';
import { buildRankModel } from '#paperboy/rank/model.js';
import { rank } from '#paperboy/rank/rank.js';
import type { SparseVector } from '#paperboy/rank/sparse.js';
import { fitVocabulary, paperVector } from '#paperboy/rank/vocabulary.js';
import { WEIGHTS } from '#paperboy/rank/weights.js';
import { bySvm, byBm25, byRecency, byTrending } from './baselines.js';
import { loadPapers, rng } from './data.js';
import { mrr, ndcg, precision } from './metrics.js';
import { type Scenario, type Slice, authorScenarios, categoryScenarios, slices } from './simulate.js';
import { installTable, type Windows } from './install.js';
import { runLibrary } from './library-eval.js';
import { days } from './stores.js';
import { categoryName, subjectCode } from '#paperboy/taxonomy.js';
import { BASELINES, type Method, type Rows, evalSpace, paperboy as paperboyText, runText, weakDayRows } from './text-eval.js';

interface Context {
  known: Map<string, Paper>;
  model: ReturnType<typeof buildRankModel>;
  vec: (p: Paper) => SparseVector;
  pool: Paper[];
  rand: () => number;
  evalNow: Date;
  clickNow: Date;
}

const CLICKS = [1, 3, 10];
/** EVAL_QUICK=1: Paperboy only (for tuning). EVAL_SPLIT=tune: earlier days/weeks, disjoint from the reported ones. */
const QUICK = !!process.env.EVAL_QUICK;
const TUNE = process.env.EVAL_SPLIT === 'tune';
/** EVAL_ONLY=library: only the library segments (they take a minute; the rest ten); EVAL_ONLY=install: only the
 *  outsider's test on a real install (install.ts: a few minutes). */
const LIBRARY_ONLY = process.env.EVAL_ONLY === 'library';
/** EVAL_ONLY=rxiv: only the bioRxiv-style segment (subjects only, no upvotes, no arXiv ids). */
const RXIV_ONLY = process.env.EVAL_ONLY === 'rxiv';
/** EVAL_WEIGHTS='{"nearest":0.5}': try other weights without editing src/rank/weights.ts. */
Object.assign(WEIGHTS, JSON.parse(process.env.EVAL_WEIGHTS ?? '{}'));
const rows = new Map<string, Map<string, number[][]>>(); // segment → method → [ndcg, p, mrr][]

export const timing = new Map<string, number>();
let last = Date.now();

function record(segment: string, method: string, list: string[], relevant: Set<string>): void {
  const key = method.replace(/, \d+ clicks/, ' clicks');
  timing.set(key, (timing.get(key) ?? 0) + Date.now() - last);
  const seg = rows.get(segment) ?? rows.set(segment, new Map()).get(segment)!;
  const m = seg.get(method) ?? seg.set(method, []).get(method)!;
  m.push([ndcg(list, relevant), precision(list, relevant), mrr(list, relevant)]);
  last = Date.now();
}

/** The first `k` papers of a shown list, voted 👍 when relevant, 👎 otherwise. */
function clicks(shown: string[], relevant: Set<string>, k: number): Profile['votes'] {
  return shown.slice(0, k).map((paperId) => ({ paperId, vote: relevant.has(paperId) ? 1 : -1 }));
}

const ids = (ps: Paper[]) => ps.map((p) => p.id);

function paperboy(profile: Profile, cands: Paper[], ctx: Context, now: Date, shown: string[] = []): string[] {
  return rank(profile, cands, { now, size: 10, model: ctx.model, known: ctx.known, shown, minRelevance: -Infinity }).map((r) => r.paper.id);
}

function svm(profile: Profile, cands: Paper[], ctx: Context): string[] {
  const up = new Set([...profile.papers, ...profile.votes.filter((v) => v.vote === 1).map((v) => v.paperId)]);
  const positives = [...up].map((id) => ctx.known.get(id)).filter((p): p is Paper => !!p);
  return ids(bySvm(positives, ctx.pool, cands, ctx.vec, rng(7))).slice(0, 10);
}

/** Runs `f` with the category signals learnt from seeds switched off: what text alone achieves. */
function textOnly(f: () => void): void {
  const saved = WEIGHTS.seedCategory;
  WEIGHTS.seedCategory = 0;
  try { f(); } finally { WEIGHTS.seedCategory = saved; }
}

/** Runs every method (and the click variants of the learning ones) for one scenario. */
function evaluate(sc: Scenario, slice: Slice, ctx: Context): void {
  const r = (m: string, list: string[]) => record(sc.segment, m, list, sc.relevant);
  last = Date.now();
  if (!QUICK) {
    r('recency', ids(byRecency(slice.eval)));
    r('trending', ids(byTrending(slice.eval)));
    r('keyword BM25', ids(byBm25(sc.profile, slice.eval)));
    r('tf-idf + SVM', svm(sc.profile, slice.eval, ctx));
  }
  r('Paperboy', paperboy(sc.profile, slice.eval, ctx, ctx.evalNow));
  textOnly(() => r('Paperboy, text only', paperboy(sc.profile, slice.eval, ctx, ctx.evalNow)));
  const svmShown = QUICK ? [] : svm(sc.profile, slice.click, ctx);
  const pbShown = paperboy(sc.profile, slice.click, ctx, ctx.clickNow);
  for (const k of CLICKS) {
    if (!QUICK) r(`tf-idf + SVM, ${k} clicks`, svm({ ...sc.profile, votes: clicks(svmShown, sc.clickRelevant, k) }, slice.eval, ctx));
    const votes = clicks(pbShown, sc.clickRelevant, k);
    r(`Paperboy, ${k} clicks`, paperboy({ ...sc.profile, votes }, slice.eval, ctx, ctx.evalNow, pbShown));
    textOnly(() => {
      const shown = paperboy(sc.profile, slice.click, ctx, ctx.clickNow);
      const v = clicks(shown, sc.clickRelevant, k);
      r(`Paperboy, text only, ${k} clicks`, paperboy({ ...sc.profile, votes: v }, slice.eval, ctx, ctx.evalNow, shown));
    });
  }
}

/** Builds the shared model and context of a slice, as a digest run would. */
function context(slice: Slice, all: Paper[], rand: () => number): Context {
  const vocab = fitVocabulary([...slice.history, ...slice.click, ...slice.eval]);
  const cache = new Map<string, SparseVector>();
  const vec = (p: Paper) => cache.get(p.id) ?? cache.set(p.id, compact(paperVector(vocab, p))).get(p.id)!;
  const day = (ps: Paper[]) => new Date(`${ps[0].published!.slice(0, 10)}T08:00:00Z`);
  return {
    known: new Map(all.map((p) => [p.id, p])),
    model: buildRankModel(vocab, [...slice.click, ...slice.eval], { space: evalSpace([...slice.history, ...slice.click, ...slice.eval], slice.eval.map((p) => p.published!.slice(0, 10)).sort().pop()!) }),
    vec, pool: [...slice.history.slice(-1500), ...slice.click, ...slice.eval], rand,
    evalNow: new Date(day(slice.eval).getTime() + 7 * 86_400_000 * 0), clickNow: day(slice.click),
  };
}

const local = new Map<number, number>();

/** Renumbers hashed buckets densely (0, 1, 2, …) so the SVM's weight vector stays small and cache-friendly. */
function compact(v: SparseVector): SparseVector {
  const pairs = [...v.ids].map((b, k) => [local.get(b) ?? local.set(b, local.size).get(b)!, v.w[k]] as const);
  pairs.sort((a, b) => a[0] - b[0]);
  return { ids: Int32Array.from(pairs, (x) => x[0]), w: Float32Array.from(pairs, (x) => x[1]) };
}

/** Runs one dataset: its slices and simulated subscribers. */
function run(name: string, papers: Paper[], sliced: Slice[], scenarios: (s: Slice, rand: () => number) => Scenario[]): void {
  const rand = rng(TUNE ? 1234 : 42);
  let n = 0;
  for (const slice of sliced) {
    const ctx = context(slice, papers, rand);
    for (const sc of scenarios(slice, rand)) { evaluate(sc, slice, ctx); n++; }
  }
  console.error(`${name}: ${n} subscriber-days over ${sliced.length} slices`);
}

function mean(xs: number[][], k: number): number {
  return xs.reduce((s, x) => s + x[k], 0) / Math.max(1, xs.length);
}

/** Prints one table per segment and the headline ratio. */
function report(): void {
  for (const [segment, methods] of rows) {
    const base = mean(methods.get('tf-idf + SVM') ?? methods.get('Paperboy') ?? [], 0);
    console.log(`\n${segment} (${[...methods.values()][0]?.length ?? 0} subscriber-days)`);
    console.log(`| method | nDCG@10 | P@10 | MRR@10 | nDCG vs SVM |\n|---|---|---|---|---|`);
    for (const [m, xs] of methods) {
      const f = (k: number) => mean(xs, k).toFixed(3);
      console.log(`| ${m} | ${f(0)} | ${f(1)} | ${f(2)} | ${(mean(xs, 0) / (base || 1)).toFixed(2)}× |`);
    }
  }
}

const started = Date.now();
/** The outsider's test on a real install (install.ts): May when tuning, two June windows when reporting. */
const INSTALL_WINDOWS: Windows[] = TUNE
  ? [{ file: 'arxiv-2026-05.jsonl.gz', hist: ['2026-05-01', '2026-05-15'], window: ['2026-05-18', '2026-05-22'], seed: 20261207 }]
  : [{ file: 'arxiv-2026-06.jsonl.gz', hist: ['2026-06-01', '2026-06-19'], window: ['2026-06-22', '2026-06-26'], seed: 42 },
    { file: 'arxiv-2026-06.jsonl.gz', hist: ['2026-06-01', '2026-06-12'], window: ['2026-06-15', '2026-06-19'], seed: 7 }];
if (process.env.EVAL_ONLY === 'install') {
  await installTable(INSTALL_WINDOWS);
  console.error(`\n(${((Date.now() - started) / 1000).toFixed(1)} s)`);
  process.exit(0);
}
if (RXIV_ONLY) {
  rxivSegment();
  report();
  console.error(`\n(${((Date.now() - started) / 1000).toFixed(1)} s)`);
  process.exit(0);
}
if (LIBRARY_ONLY) {
  await librarySegments();
  console.error(`\n(${((Date.now() - started) / 1000).toFixed(1)} s)`);
  process.exit(0);
}
const arxiv = loadPapers('arxiv-2026-05.jsonl.gz');
const arxivSlices = slices(arxiv, (p) => p.published!.slice(0, 10), 4, TUNE ? 5 : 0);
run('arXiv 2026-05', arxiv, arxivSlices, (s, rand) => [
  ...categoryScenarios(s, rand, { minHistory: 20, minRelevant: 5, popularOnly: false, max: 40, segment: 'arXiv category', repeats: 2 }),
  ...authorScenarios(s, rand, 15),
]);
const hf = loadPapers('hf-daily-2026h1.jsonl.gz');
const week = (p: Paper) => isoWeek(p.published!.slice(0, 10));
const hfSlices = slices(hf, week, 10, TUNE ? 10 : 0).map((s) => ({ ...s, click: s.click.filter(hasCats), eval: s.eval.filter(hasCats) }));
run('HF daily 2026H1', hf, hfSlices, (s, rand) =>
  categoryScenarios(s, rand, { minHistory: 20, minRelevant: 3, popularOnly: true, max: 12, segment: 'HF daily: category, popular papers', repeats: 2 }));
rxivSegment();
report();
await textSegments();
await installTable(INSTALL_WINDOWS);
console.error(`\n(${((Date.now() - started) / 1000).toFixed(1)} s)`, process.env.EVAL_TIMING ? timing : '');

/** arXiv's May papers as a preprint server like bioRxiv lists them: a DOI for id (no arXiv id, so no Hugging Face
 *  upvotes can exist), no upvotes, and one subject instead of arXiv's cross-listed categories (the primary category's
 *  name as a `biorxiv.<subject>` code). Relevance: the papers of the subscriber's subject on the held-out day. */
function rxivSegment(): void {
  const papers = loadPapers('arxiv-2026-05.jsonl.gz').filter((p) => p.categories.length > 0).map((p): Paper => ({
    ...p, id: `doi:10.1101/${p.id}`, upvotes: null,
    categories: [subjectCode('biorxiv', categoryName(p.categories[0]) ?? p.categories[0])],
  }));
  const sliced = slices(papers, (p) => p.published!.slice(0, 10), 4, TUNE ? 5 : 0);
  run('bioRxiv-style (arXiv 2026-05 as subjects only)', papers, sliced, (s, rand) =>
    categoryScenarios(s, rand, { minHistory: 20, minRelevant: 5, popularOnly: false, max: 40, segment: 'bioRxiv-style: one subject, no upvotes, no arXiv id', repeats: 2 }));
}

/** Stores without categories (relevance held out): May's last days when tuning, June's when reporting. */
async function textSegments(): Promise<void> {
  const papers = loadPapers(TUNE ? 'arxiv-2026-05.jsonl.gz' : 'arxiv-2026-06.jsonl.gz');
  const truth = new Map(papers.map((p) => [p.id, p.categories]));
  const ds = days(papers, 5, TUNE ? 4 : 6);
  console.log(`\n## Stores without categories: arXiv ${ds.map((d) => d.label).join(', ')} (${TUNE ? 'tuning' : 'held-out'} days)`);
  const methods = QUICK ? { Paperboy: paperboyText } : { ...BASELINES, Paperboy: paperboyText, 'Paperboy, no weak-day cut': uncut };
  printRows(runText(ds, truth, methods, { seed: TUNE ? 1234 : 42, repeats: 2, maxFields: 20, clicks: true }));
  await librarySegments(papers, truth, ds);
  console.log(`\nWeak days (digest size 10; the same days; off-topic = 15 papers of other fields as the day's candidates)`);
  console.log('| profile | store | papers sent (mean) | full digests (10) | weak days (< 3 papers) |\n|---|---|---|---|---|');
  for (const [store, rows] of [['no categories', weakDayRows(ds, truth, 5)], ['with categories', weakDayRows(days(papers, 5, TUNE ? 4 : 6, 0, true), truth, 5)]] as const) {
    for (const [k, v] of rows) {
      const n = v.length;
      console.log(`| ${k} | ${store} | ${(v.reduce((a, b) => a + b, 0) / n).toFixed(1)} | ${v.filter((x) => x >= 10).length} of ${n} | ${v.filter((x) => x < 3).length} of ${n} |`);
    }
  }
}

/** The library segments over the text segments' days (library-eval.ts). */
async function librarySegments(papers = loadPapers(TUNE ? 'arxiv-2026-05.jsonl.gz' : 'arxiv-2026-06.jsonl.gz'),
  truth = new Map(papers.map((p) => [p.id, p.categories])), ds = days(papers, 5, TUNE ? 4 : 6)): Promise<void> {
  console.log(`\n### Library exports on the same days (${ds.map((d) => d.label).join(', ')}): seeds as a BibTeX export with titles and abstracts only, read by Citation.js, unknown to the store`);
  printRows(await runLibrary(ds, truth, { seed: TUNE ? 1234 : 42, maxFields: 20 }));
}

/** Paperboy without the weak-day cut: every candidate ranked, to show what the cut costs. */
function uncut(...[profile, cands, ctx, now, shown]: Parameters<Method>): string[] {
  return rank(profile, cands, { now, size: 10, model: ctx.model, known: ctx.known, shown, minRelevance: -Infinity }).map((r) => r.paper.id);
}

/** One table per segment with each method's ratio to the SVM. */
function printRows(rows: Rows): void {
  for (const [segment, methods] of rows) {
    const base = mean(methods.get('tf-idf + SVM') ?? [], 0);
    console.log(`\n${segment} (${[...methods.values()][0]?.length ?? 0} subscriber-days)`);
    console.log(`| method | nDCG@10 | P@10 | MRR@10 | nDCG vs SVM |\n|---|---|---|---|---|`);
    for (const [m, xs] of methods) {
      const f = (k: number) => mean(xs, k).toFixed(3);
      console.log(`| ${m} | ${f(0)} | ${f(1)} | ${f(2)} | ${base ? `${(mean(xs, 0) / base).toFixed(2)}×` : '–'} |`);
    }
  }
}

function hasCats(p: Paper): boolean {
  return p.categories.length > 0;
}

/** Monday of the week of a YYYY-MM-DD day. */
function isoWeek(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}
