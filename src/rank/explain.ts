// Short reasons for a ranked paper: matched terms, author, category, "like <seed>", trending.
import type { Profile } from '../model.js';
import type { RankModel } from './model.js';
import { type KeywordTerms } from './query.js';
import { weightOf } from './sparse.js';
import type { Signals } from './signals.js';
import { matchedAuthor, nearestPositive } from './signals.js';
import { authorKey } from './tokenize.js';

/** Below this cosine a seed is not named as the reason: of the tf-idf vectors, and of the rows of the semantic space,
 *  where two papers of unrelated fields still score 0.16 (median) and 0.46 at the 99th percentile (2,000 June papers). */
const LIKE_MIN = 0.1;
const LIKE_MIN_SEMANTIC = 0.5;
/** Upvotes from which "trending" is worth saying. */
const TRENDING_MIN = 10;

/** Reasons for candidate `i`, most specific first; never empty. */
export function explain(model: RankModel, i: number, profile: Profile, sig: Signals, kw: KeywordTerms[]): string[] {
  const why = [
    matchedKeywords(model, i, kw),
    aboutTerms(model, i, sig),
    author(model, i, profile),
    category(model, i, profile),
    like(model, i, sig),
    trending(model, i),
  ].filter((s): s is string => !!s);
  return why.length ? why : [fallback(model, i)];
}

function matchedKeywords(model: RankModel, i: number, kw: KeywordTerms[]): string | null {
  const v = model.vectors[i];
  const hit = kw.filter((k) => k.required.every((b) => weightOf(v, b) > 0)).map((k) => k.text);
  return hit.length ? `matches ${hit.slice(0, 3).join(', ')}` : null;
}

function aboutTerms(model: RankModel, i: number, sig: Signals): string | null {
  if (!sig.about || !sig.aboutSim || sig.aboutSim[i] <= 0) return null;
  const v = model.vectors[i];
  const q = sig.about.vector;
  const parts: [string, number][] = [];
  for (let k = 0; k < q.ids.length; k++) {
    const w = weightOf(v, q.ids[k]) * q.w[k];
    if (w > 0) parts.push([sig.about.labels.get(q.ids[k]) ?? '', w]);
  }
  const top = parts.sort((a, b) => b[1] - a[1]).slice(0, 3).map(([l]) => l).filter(Boolean);
  return top.length ? `about your work: ${top.join(', ')}` : null;
}

function author(model: RankModel, i: number, profile: Profile): string | null {
  const keys = profile.authors.map(authorKey).filter(Boolean);
  if (!keys.length) return null;
  const at = matchedAuthor(model.authorKeys[i], new Set(keys), new Set(keys.filter((k) => !k.includes(' '))));
  return at >= 0 ? `by ${model.candidates[i].authors[at]}` : null;
}

function category(model: RankModel, i: number, profile: Profile): string | null {
  const wanted = new Set(profile.categories.map((c) => c.toLowerCase()));
  const c = model.candidates[i].categories.find((x) => wanted.has(x.toLowerCase()));
  return c ? `in ${c}` : null;
}

function like(model: RankModel, i: number, sig: Signals): string | null {
  if (!sig.taste) return null;
  const { at, sim } = nearestPositive(model, sig.taste, i);
  if (at < 0 || sim < (model.semantic ? LIKE_MIN_SEMANTIC : LIKE_MIN)) return null;
  const entry = sig.taste.library[at];
  const title = (entry ?? sig.taste.positives[at].title).replace(/\s+/g, ' ').trim();
  return `like "${title.length > 80 ? title.slice(0, 77) + '…' : title}"${entry === null ? '' : ' from your library'}`;
}

function trending(model: RankModel, i: number): string | null {
  const n = model.candidates[i].upvotes ?? 0;
  return n >= TRENDING_MIN ? `trending: ${n} upvotes` : null;
}

function fallback(model: RankModel, i: number): string {
  const c = model.candidates[i].categories[0];
  return c ? `new in ${c}` : 'new';
}
