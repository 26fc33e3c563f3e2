// The ranker: profile + candidates + now → ranked, explained, diversified list. Pure: no I/O, no clock.
import type { Paper, Profile, RankedPaper } from '../model.js';
import { diversify } from './diversify.js';
import { explain } from './explain.js';
import { clampDigestSize, clampProfile } from './limits.js';
import { type RankModel, buildRankModel } from './model.js';
import { keywordTerms } from './query.js';
import { type Signals, computeSignals, examples } from './signals.js';
import { WEIGHTS } from './weights.js';

/** Options for one ranking call. */
export interface RankOptions {
  now: Date;
  /** How many papers the digest holds (clamped to PROFILE_LIMITS.digestSizeMax). */
  size: number;
  /** The shared per-run model (buildRankModel); without it one is built from the candidates alone. */
  model?: RankModel;
  /** Papers the profile refers to: seeds, voted papers, shown papers. Ids missing here are ignored. */
  known?: Map<string, Paper>;
  /** Ids of papers shown to this subscriber before (recent digests); those without a vote count as weak negatives. */
  shown?: string[];
  /** Weak-day threshold on relevance; papers below it are dropped (default WEIGHTS.minRelevance). */
  minRelevance?: number;
}

/** Ranks candidates for one profile: best first, at most `size`, each with reasons; may return fewer (weak day). */
export function rank(profile: Profile, candidates: Paper[], opts: RankOptions): RankedPaper[] {
  const size = clampDigestSize(opts.size);
  if (size === 0 || candidates.length === 0) return [];
  const safe = clampProfile(profile);
  const model = modelFor(opts.model, candidates);
  const sig = computeSignals(model, safe, examples(safe, opts.known ?? new Map(), opts.shown ?? []), opts.now);
  const pool = shortlist(model, candidates, sig, size, opts.minRelevance ?? WEIGHTS.minRelevance);
  const kw = keywordTerms(model.vocab, safe.keywords);
  return diversify(model, pool, sig.score, size).map((i) => ({
    paper: model.candidates[i],
    score: Math.round(sig.score[i] * 10_000) / 10_000,
    why: explain(model, i, safe, sig, kw),
  }));
}

/** The given model when it holds every candidate; otherwise a model over these candidates (same vocabulary if any). */
function modelFor(model: RankModel | undefined, candidates: Paper[]): RankModel {
  if (model && candidates.every((p) => model.index.has(p.id))) return model;
  return buildRankModel(model ? model.vocab : candidates, candidates);
}

/** Candidate indices allowed for this call, above the weak-day threshold, best first, a few times `size` long. */
function shortlist(model: RankModel, candidates: Paper[], sig: Signals, size: number, minRelevance: number): number[] {
  const ids = [...new Set(candidates.map((p) => model.index.get(p.id)!))];
  const kept = sig.hasInterests ? ids.filter((i) => sig.relevance[i] >= minRelevance) : ids;
  const byScore = (a: number, b: number) =>
    sig.score[b] - sig.score[a] || model.candidates[a].id.localeCompare(model.candidates[b].id);
  return kept.sort(byScore).slice(0, Math.max(5 * size, 30));
}
