// Input limits for an interest profile, shared by the HTTP layer's schema and enforced again by the ranker.
import { ARXIV_ID, CATEGORY } from '../arxiv.js';
import type { Profile } from '../model.js';

/** Documented limits of a profile (see docs/ranking.md). */
export const PROFILE_LIMITS = {
  keywords: 50,
  keywordLength: 100,
  categories: 30,
  authors: 50,
  authorLength: 120,
  aboutLength: 2000,
  papers: 50,
  /** A library (an export or a pasted list, issue 11): its text in UTF-8 bytes (the request's other fields stay
   *  within the 16 KB of every body) and its references; past either, 413 and nothing stored. */
  libraryBytes: 2 * 1024 * 1024,
  libraryEntries: 5000,
  /** Library entries the ranker learns from per digest: the most recently added (src/rank/library.ts), so a library
   *  of 1,000 costs a digest no more than one of 50. */
  libraryUsed: 50,
  /** Digest size a subscriber may choose. */
  digestSizeMin: 1,
  digestSizeMax: 50,
} as const;

/** Default number of papers in a digest. */
export const DEFAULT_DIGEST_SIZE = 10;

/** Cuts a profile down to PROFILE_LIMITS, dropping malformed entries; the ranker applies it to whatever it is given. */
export function clampProfile(p: Profile): Profile {
  const L = PROFILE_LIMITS;
  const strings = (xs: unknown, max: number, maxLen: number, ok: (s: string) => boolean = () => true) =>
    (Array.isArray(xs) ? xs : [])
      .filter((x): x is string => typeof x === 'string' && x.trim() !== '' && x.length <= maxLen && ok(x))
      .slice(0, max);
  const votes = Array.isArray(p.votes) ? p.votes : [];
  return {
    keywords: strings(p.keywords, L.keywords, L.keywordLength),
    categories: strings(p.categories, L.categories, 40, (s) => CATEGORY.test(s)),
    authors: strings(p.authors, L.authors, L.authorLength),
    about: typeof p.about === 'string' ? p.about.slice(0, L.aboutLength) : '',
    papers: strings(p.papers, L.papers, 40, (s) => ARXIV_ID.test(s)),
    votes: votes.filter((v) => v && typeof v.paperId === 'string' && (v.vote === 1 || v.vote === -1)),
  };
}

/** Clamps a requested digest size into the allowed range (default when not a number). */
export function clampDigestSize(size: unknown): number {
  const n = typeof size === 'number' && Number.isFinite(size) ? Math.floor(size) : DEFAULT_DIGEST_SIZE;
  return Math.min(PROFILE_LIMITS.digestSizeMax, Math.max(0, n));
}
