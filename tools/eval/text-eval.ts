// The text-only segments of `npm run eval:rank`: stores without categories, relevance held out (see stores.ts).
import type { Paper, Profile } from '#paperboy/model.js';
import { buildRankModel, type RankModel } from '#paperboy/rank/model.js';
import { buildSpace, type Space } from '#paperboy/rank/space.js';
import { SPACE_DAYS, SPACE_MAX } from '#paperboy/semantic-space.js';
import { rank } from '#paperboy/rank/rank.js';
import type { SparseVector } from '#paperboy/rank/sparse.js';
import { fitVocabulary, paperVector, type Vocabulary } from '#paperboy/rank/vocabulary.js';
import { byBm25, byCentroid, bySvm } from './baselines.js';
import { rng } from './data.js';
import { sanityVectorizer } from './sanity.js';
import { mrr, ndcg, precision } from './metrics.js';
import { type Day, type TextScenario, textScenarios } from './stores.js';

/** Everything a method may use on one day: the store (known papers), the week's model, tf-idf vectors. */
export interface DayContext {
  day: Day;
  known: Map<string, Paper>;
  vocab: Vocabulary;
  model: RankModel;
  vec: (p: Paper) => SparseVector;
  /** arxiv-sanity-lite's own features, fitted on `db`: the week and the papers stored before it (see sanity.ts). */
  sanity: (p: Paper) => SparseVector;
  db: Paper[];
}

/** A ranking method: profile and candidates → ids, best first (at most 10 used). `shown` = the earlier digest. */
export type Method = (profile: Profile, candidates: Paper[], ctx: DayContext, now: Date, shown: string[]) => string[];

const ids = (ps: Paper[]) => ps.map((p) => p.id);
const positivesOf = (profile: Profile, known: Map<string, Paper>) =>
  [...new Set([...profile.papers, ...profile.votes.filter((v) => v.vote === 1).map((v) => v.paperId)])]
    .map((id) => known.get(id)).filter((p): p is Paper => !!p);

/** Paperboy as a digest run calls it (threshold and all). */
export const paperboy: Method = (profile, cands, ctx, now, shown) =>
  rank(profile, cands, { now, size: 10, model: ctx.model, known: ctx.known, shown }).map((r) => r.paper.id);

/** The baselines, each trained or queried on the same store. */
export const BASELINES: Record<string, Method> = {
  'tf-idf + SVM': (profile, cands, ctx) => ids(bySvm(positivesOf(profile, ctx.known), ctx.db, cands, ctx.sanity, rng(7))),
  'tf-idf centroid': (profile, cands, ctx) => ids(byCentroid(positivesOf(profile, ctx.known), cands, ctx.sanity)),
  'BM25': (profile, cands, ctx) => {
    // Keywords when given; else the seed titles as the query (what a search box would get).
    const query = profile.keywords.length ? profile.keywords : positivesOf(profile, ctx.known).map((p) => p.title);
    return ids(byBm25({ ...profile, keywords: query }, cands));
  },
};

/** Scores of every method per segment: segment → method → [nDCG, P, MRR][]. */
export type Rows = Map<string, Map<string, number[][]>>;

const CLICKS = [1, 3, 10];

/** The first `k` papers of a shown list, voted 👍 when relevant, 👎 otherwise. */
function clicks(shown: string[], relevant: Set<string>, k: number): Profile['votes'] {
  return shown.slice(0, k).map((paperId) => ({ paperId, vote: relevant.has(paperId) ? 1 : -1 }));
}

/** Adds one ranked list's nDCG, P and MRR at 10 to `rows` under its segment and method. */
export function record(rows: Rows, segment: string, method: string, list: string[], relevant: Set<string>): void {
  const seg = rows.get(segment) ?? rows.set(segment, new Map()).get(segment)!;
  const m = seg.get(method) ?? seg.set(method, []).get(method)!;
  const top = list.slice(0, 10);
  m.push([ndcg(top, relevant), precision(top, relevant), mrr(top, relevant)]);
}

/** Runs every method on one scenario, then again after 1, 3 and 10 clicks on that method's own earlier digest. */
function evaluate(rows: Rows, sc: TextScenario, ctx: DayContext, methods: Record<string, Method>, withClicks: boolean): void {
  const evalNow = new Date(`${ctx.day.label}T08:00:00Z`);
  const clickNow = new Date(evalNow.getTime() - 86_400_000);
  for (const [name, m] of Object.entries(methods)) {
    record(rows, sc.segment, name, m(sc.profile, ctx.day.eval, ctx, evalNow, []), sc.relevant);
    if (!withClicks) continue;
    const shown = m(sc.profile, ctx.day.click, ctx, clickNow, []).slice(0, 10);
    for (const k of CLICKS) {
      const profile = { ...sc.profile, votes: clicks(shown, sc.clickRelevant, k) };
      record(rows, `${sc.segment}, after ${k} click${k > 1 ? 's' : ''}`, name, m(profile, ctx.day.eval, ctx, evalNow, shown), sc.relevant);
    }
  }
}

/** Builds a day's store and model as a digest run would: idf and model over the week's papers. */
export function dayContext(day: Day): DayContext {
  const vocab = fitVocabulary(day.week);
  const cache = new Map<string, SparseVector>();
  const vec = (p: Paper) => cache.get(p.id) ?? cache.set(p.id, paperVector(vocab, p)).get(p.id)!;
  // arxiv-sanity's database: every stored paper; here the week and the 1,500 before it.
  const before = day.history.filter((p) => !day.week.some((w) => w.id === p.id)).slice(-1500);
  const db = [...before, ...day.week];
  return {
    day, known: new Map(day.history.concat(day.eval).map((p) => [p.id, p])), vocab, vec, sanity: sanityVectorizer(db), db,
    model: buildRankModel(vocab, day.week, { space: evalSpace([...day.history, ...day.week], day.label) }),
  };
}

/** The semantic space an install would have learned by `day` (src/semantic-space.ts): from the papers of the
 *  SPACE_DAYS before it, at most SPACE_MAX of the latest. Cached by day, as several segments share a day. */
export function evalSpace(papers: Paper[], day: string): Space | null {
  const from = new Date(Date.parse(`${day}T00:00:00Z`) - SPACE_DAYS * 86_400_000).toISOString().slice(0, 10);
  const key = `${day}:${papers.length}`;
  if (!spaces.has(key)) {
    const recent = [...new Map(papers.map((p) => [p.id, p])).values()].filter((p) => (p.published ?? '').slice(0, 10) >= from && (p.published ?? '').slice(0, 10) <= day);
    recent.sort((x, y) => (x.published! < y.published! ? -1 : x.published! > y.published! ? 1 : 0));
    spaces.set(key, buildSpace(recent.slice(-SPACE_MAX)));
  }
  return spaces.get(key)!;
}

const spaces = new Map<string, Space | null>();

/** Runs the text segments over `days` of `papers` (whose held-out categories are `truth`). */
export function runText(days: Day[], truth: Map<string, string[]>, methods: Record<string, Method>, opts: { seed: number; repeats: number; maxFields: number; clicks: boolean }): Rows {
  const rows: Rows = new Map();
  const rand = rng(opts.seed);
  for (const day of days) {
    const ctx = dayContext(day);
    for (const sc of textScenarios(day, truth, rand, opts)) evaluate(rows, sc, ctx, methods, opts.clicks);
  }
  return rows;
}

/** Digest lengths on ordinary days and on a day of 15 off-topic papers, per kind of profile: how the weak-day rule behaves. */
export function weakDayRows(days: Day[], truth: Map<string, string[]>, seed: number): Map<string, number[]> {
  const rows = new Map<string, number[]>();
  const push = (k: string, n: number) => (rows.get(k) ?? rows.set(k, []).get(k)!).push(n);
  const rand = rng(seed);
  for (const day of days) {
    const ctx = dayContext(day);
    const now = new Date(`${day.label}T08:00:00Z`);
    const n = (p: Profile, cands: Paper[]) => rank(p, cands, { now, size: 10, model: ctx.model, known: ctx.known }).length;
    for (const sc of textScenarios(day, truth, rand, { repeats: 1, maxFields: 40 })) {
      push(sc.segment, n(sc.profile, day.eval));
      if (sc.segment.startsWith('seeds only')) {
        const about = ctx.known.get(sc.profile.papers[0])!.abstract;
        push('about only (an abstract of the field)', n({ ...sc.profile, papers: [], about }, day.eval));
        const off = day.eval.filter((p) => !sc.relevant.has(p.id)).slice(0, 15);
        push('off-topic day: seeds', n(sc.profile, off));
        push('off-topic day: about', n({ ...sc.profile, papers: [], about }, off));
        push('categories only (the field)', n({ ...sc.profile, papers: [], categories: sc.fields }, day.eval));
        push('off-topic day: categories', n({ ...sc.profile, papers: [], categories: sc.fields }, off));
      }
      if (sc.segment.startsWith('keywords only')) push('off-topic day: keywords', n(sc.profile, day.eval.filter((p) => !sc.relevant.has(p.id)).slice(0, 15)));
    }
  }
  return rows;
}
