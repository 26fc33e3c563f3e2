// Every knob of the ranker, in one place. Scores are sums of weights × signals in [0, 1] (cosine similarities,
// 0/1 matches, scaled priors), so a weight reads as "how much this signal can add". Chosen on the tuning split of
// `npm run eval:rank` (EVAL_SPLIT=tune), reported on the held-out split; see docs/ranking.md.

/** Weights and thresholds of the ranker. */
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
  nearest: 0.4,
  /** A 👍 counts this much of a seed paper in the centroid and the category affinity (a 👎 likewise against the
   *  categories). Shrinkage towards the subscriber's own choice of seeds: one click on one digest says less than a
   *  paper picked on purpose, and at 1 (a 👍 as strong as a seed) one click lowered nDCG@10 on HF popular papers
   *  (0.758 → 0.733 held out). 0.5 was best on the tuning split (docs/ranking.md). */
  likedWeight: 0.5,
  /** Learned category affinity: share of positives in the paper's category, discounted for broad categories. */
  seedCategory: 0.1,
  /** Subtracted: cosine with the centroid of 👎 papers, and of papers shown but never voted on. */
  disliked: 0.6,
  shownIgnored: 0.15,
  /** How much a 👎 paper's categories count against them in the learned category affinity, relative to a 👍 (which
   *  counts likedWeight of a seed). */
  dislikedCategory: 0.5,
  /** Trending prior: log1p(upvotes) / log1p(trendingScale), capped at 1.5. */
  trending: 0.06,
  trendingScale: 100,
  /** Added to `trending` in proportion to how much more upvoted a subscriber's 👍 papers were than their 👎 ones (or,
   *  before the first 👎, than the average candidate — so one 👍 on a popular paper already counts; see trendingTaste). */
  trendingLearned: 0.3,
  /** Recency prior: exp(-age in days / recencyDays). */
  recency: 0.03,
  recencyDays: 3,
  /** Weak-day threshold: a paper whose relevance (score without priors) is below this is not sent. Calibrated on the
   *  eval's arXiv days: keyword-only subscribers keep 7 of 10 papers on a normal day, and 39 of 44 get fewer than
   *  3 on a day of 15 off-topic papers (docs/ranking.md). */
  minRelevance: 0.05,
  /** A day with fewer papers above the threshold than this is a weak day (see isWeakDay). */
  weakDayItems: 3,
  /** Diversity: MMR trade-off between relevance (1) and novelty against papers already picked (0). */
  mmrLambda: 0.7,
  /** Papers at least this similar (cosine) to one already picked are near-duplicates and skipped. */
  duplicateCosine: 0.8,
  /** Votes considered per subscriber (the most recent), so an old account costs no more than a new one. */
  maxVotesUsed: 200,
  /** Papers shown but never voted on that count as weak negatives (the most recent). */
  maxShownUsed: 20,
};
