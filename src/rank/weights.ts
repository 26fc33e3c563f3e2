// Every knob of the ranker, in one place. Scores are sums of these weights times signals in [0, 1]
// (cosine similarities, 0/1 matches, scaled priors), so a weight reads as "how much this signal can add".

/** Weights and thresholds of the ranker; see docs/ranking.md for how they were chosen. */
export const WEIGHTS = {
  /** Cosine of the paper with the keyword/phrase query. */
  keywords: 1.0,
  /** Cosine of the paper with the "about my work" text. */
  about: 0.6,
  /** A listed arXiv category: the paper's primary category / a cross-list. */
  categoryPrimary: 0.15,
  categoryCross: 0.1,
  /** A listed author wrote the paper. */
  author: 0.5,
  /** Learned taste: cosine with the centroid of positives (seeds, 👍) … */
  centroid: 1.0,
  /** … and with the single most similar positive (keeps several distinct interests alive). */
  nearest: 0.8,
  /** Subtracted: cosine with the centroid of 👎 papers, and of papers shown but never voted on. */
  disliked: 0.6,
  shownIgnored: 0.15,
  /** Trending prior: log1p(upvotes) / log1p(TRENDING_SCALE), capped at 1.5. */
  trending: 0.06,
  /** Recency prior: exp(-age / RECENCY_DAYS). */
  recency: 0.03,
} as const;

/** Upvotes at which the trending prior reaches 1 (log scale). */
export const TRENDING_SCALE = 100;
/** Age in days at which the recency prior falls to 1/e. */
export const RECENCY_DAYS = 3;
/** Weak-day threshold: a paper whose relevance (score without priors) is below this is not sent. */
export const MIN_RELEVANCE = 0.08;
/** Diversity: MMR trade-off between relevance (1) and novelty against already picked papers (0). */
export const MMR_LAMBDA = 0.7;
/** Papers at least this similar (cosine) to one already picked are near-duplicates and skipped. */
export const DUPLICATE_COSINE = 0.8;
/** Votes considered per subscriber (the most recent), so an old account costs no more than a new one. */
export const MAX_VOTES_USED = 200;
/** Papers shown but never voted on that count as weak negatives (the most recent). */
export const MAX_SHOWN_USED = 100;
