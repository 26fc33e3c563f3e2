// The ranker: profile + candidates + now → ranked, explained, diversified list. Pure: no I/O, no clock.
import type { Paper, Profile, RankedPaper } from '../model.js';
import { diversify } from './diversify.js';
import { explain } from './explain.js';
import { clampDigestSize, clampProfile } from './limits.js';
import type { LibraryExample } from './library.js';
import { type RankModel, buildRankModel } from './model.js';
import { keywordTerms } from './query.js';
import { type Signals, computeSignals, examples, orderScores } from './signals.js';
import { WEIGHTS } from './weights.js';
import { matchesNothing, relevanceFloor } from './weak-day.js';

/** Options for one ranking call. */
export interface RankOptions {
  now: Date;
  /** How many papers the digest holds (clamped to PROFILE_LIMITS.digestSizeMax). */
  size: number;
  /** The shared per-run model (buildRankModel); without it one is built from the candidates alone. */
  model?: RankModel;
  /** Papers the profile refers to: seeds, voted papers, shown papers. Ids missing here are ignored. */
  known?: Map<string, Paper>;
  /** Ids of papers shown to this subscriber before (recent digests): never candidates again. */
  shown?: string[];
  /** A fixed floor on relevance instead of the relative one (relevanceFloor); -Infinity keeps every paper. */
  minRelevance?: number;
  /** The subscriber's library, most recently added first: learned from as seeds are, each weighted by how recently it
   *  was added; only the first PROFILE_LIMITS.libraryUsed are read (src/rank/library.ts). */
  library?: LibraryExample[];
}

/** Ranks candidates for one profile: best first, at most `size`, each with reasons; may return fewer (weak day). */
export function rank(profile: Profile, candidates: Paper[], opts: RankOptions): RankedPaper[] {
  const size = clampDigestSize(opts.size);
  if (size === 0 || candidates.length === 0) return [];
  const safe = clampProfile(profile);
  const { model, allowed } = modelFor(opts.model, candidates);
  // Never a paper the subscriber already has; their own papers also stay out of the weak-day reference.
  const ex = examples(safe, opts.known ?? new Map(), opts.library, opts.now);
  const own = mask(model, [...safe.papers, ...safe.votes.map((v) => v.paperId), ...ex.positives.map((p) => p.id)]);
  const shown = mask(model, opts.shown ?? []);
  for (let i = 0; i < allowed.length; i++) if (own[i] || shown[i]) allowed[i] = 0;
  const sig = computeSignals(model, safe, ex, opts.now);
  const cold = (states(safe) || ex.positives.length > 0) && (!sig.hasInterests || matchesNothing(sig.relevance, own)) ? coldStartReason(safe, sig) : null;
  if (cold) sig.score = orderScores(sig.relevance, sig.prior, false);
  const floor = opts.minRelevance ?? (sig.hasInterests && !cold ? relevanceFloor(sig.relevance, own) : -Infinity);
  const old = model.priors!.old;
  const pool = shortlist(model, allowed, sig, size, floor, old);
  const kw = keywordTerms(model.vocab, safe.keywords);
  // New papers first; old news only fills what they leave (the order shortlist already keeps).
  const fresh = diversify(model, pool.filter((i) => !old[i]), sig.score, size);
  const picked = fresh.length < size ? [...fresh, ...diversify(model, pool.filter((i) => old[i]), sig.score, size - fresh.length)] : fresh;
  return picked.map((i) => ({
    paper: model.candidates[i],
    score: Math.round(sig.score[i] * 10_000) / 10_000,
    why: cold ? [cold, ...explain(model, i, safe, sig, kw).filter((w) => !w.startsWith('new'))] : explain(model, i, safe, sig, kw),
  }));
}

/** True when a profile states any interest at all. */
function states(p: Profile): boolean {
  return !!(p.keywords.length || p.categories.length || p.authors.length || p.about.trim() || p.papers.length || p.votes.length);
}

/** Why a profile that states interests gets the cold-start ranking: none of them matched any paper of the week. */
function coldStartReason(profile: Profile, sig: Signals): string {
  const onlySeeds = !profile.keywords.length && !profile.categories.length && !profile.authors.length && !profile.about.trim();
  const what = onlySeeds && !sig.taste ? 'none of your seed papers is stored yet' : 'nothing this week matched your interests yet';
  return `${what}: trending and recent papers instead`;
}

/** True when a ranking is too thin to send as a digest (fewer than WEIGHTS.weakDayItems, or `size` if smaller):
 *  the caller then sends nothing or a short note, as the subscriber chose. */
export function isWeakDay(ranked: RankedPaper[], size: number): boolean {
  return ranked.length < Math.min(WEIGHTS.weakDayItems, clampDigestSize(size));
}

/** 1 for the model's candidates with one of these ids (a version suffix ignored: stored ids carry none). */
function mask(model: RankModel, ids: string[]): Uint8Array {
  const out = new Uint8Array(model.candidates.length);
  for (const id of ids) {
    const i = model.index.get(id) ?? model.index.get(id.replace(/v\d+$/, ''));
    if (i !== undefined) out[i] = 1;
  }
  return out;
}

/** The given model and the candidates' positions in it when it holds them all; otherwise a model over these
 *  candidates (with the given model's vocabulary, if any). */
function modelFor(given: RankModel | undefined, candidates: Paper[]): { model: RankModel; allowed: Uint8Array } {
  if (given && (candidates === given.source || candidates === given.candidates)) {
    return { model: given, allowed: new Uint8Array(given.candidates.length).fill(1) };
  }
  if (given) {
    const allowed = new Uint8Array(given.candidates.length);
    let all = true;
    for (const p of candidates) {
      const i = given.index.get(p.id);
      if (i === undefined) { all = false; break; }
      allowed[i] = 1;
    }
    if (all) return { model: given, allowed };
  }
  const model = buildRankModel(given ? given.vocab : candidates, candidates, { space: given?.semantic?.space });
  return { model, allowed: new Uint8Array(model.candidates.length).fill(1) };
}

/** Allowed candidate indices above the weak-day threshold, new papers before old news and best first within each, a
 *  few times `size` long. */
function shortlist(model: RankModel, allowed: Uint8Array, sig: Signals, size: number, floor: number, old: Uint8Array): number[] {
  const want = Math.max(3 * size, 20);
  const better = (a: number, b: number) => old[a] < old[b] || (old[a] === old[b] &&
    (sig.score[a] > sig.score[b] || (sig.score[a] === sig.score[b] && model.candidates[a].id < model.candidates[b].id)));
  // One pass keeping the best `want` in order: most candidates fail the first comparison with the last kept.
  const top: number[] = [];
  for (let i = 0; i < allowed.length; i++) {
    if (!allowed[i] || sig.relevance[i] < floor) continue;
    if (top.length === want && !better(i, top[want - 1])) continue;
    let at = top.length;
    while (at > 0 && better(i, top[at - 1])) at--;
    top.splice(at, 0, i);
    if (top.length > want) top.pop();
  }
  return top;
}
