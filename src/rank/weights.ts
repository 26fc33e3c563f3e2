// Every knob of the ranker, in one place. Scores are sums of weights × signals in [0, 1] (cosine similarities,
// 0/1 matches, scaled priors), so a weight reads as "how much this signal can add". Chosen on the tuning split of
// `npm run eval:rank` (EVAL_SPLIT=tune), reported on the held-out split; see docs/ranking.md.

/** Weights and thresholds of the ranker. The stated signals were raised (keywords 1 → 2, about 0.6 → 1.2, categories
 *  0.15/0.1 → 0.5/0.3, author 0.5 → 1.5, seed categories 0.1 → 0.5) when the semantic taste came, whose scores spread
 *  wider than the tf-idf centroid's cosines: at the old values the category and author segments lost a third of
 *  their nDCG@10 (docs/ranking.md). */
export const WEIGHTS = {
  /** Cosine of the paper with the keyword/phrase query. */
  keywords: 2.0,
  /** Cosine of the paper with the "about my work" text. */
  about: 1.2,
  /** A listed arXiv category: the paper's primary category / a cross-list. */
  categoryPrimary: 0.5,
  categoryCross: 0.3,
  /** A listed author wrote the paper. */
  author: 1.5,
  /** Learned taste: cosine with the centroid of positives (seeds, 👍) … */
  centroid: 1.0,
  /** … minus this share of its cosine with the week's centroid: what every paper says counts for nothing (a linear
   *  SVM trained against the whole week learns the same discount; docs/ranking.md). */
  typicality: 0.3,
  /** Pseudo-relevance feedback: the feedbackPapers papers the keywords and about text match best join the taste
   *  centroid, each weighing `feedback` of a seed. */
  feedback: 0.5,
  feedbackPapers: 10,
  /** A 👍 counts this much of a seed paper in the centroid and the category affinity (a 👎 likewise against the
   *  categories). Once the centroid stopped being trimmed, 1 was best on the tuning split of every segment
   *  (0.5 and 0.75 tried; docs/ranking.md). */
  likedWeight: 1,
  /** A library entry counts 0.5^(years since it was added / libraryHalfLife) of a seed paper in the taste, and never
   *  less than libraryFloor; an entry with no date at all counts libraryUndated (src/rank/library.ts). */
  libraryHalfLife: 2,
  libraryFloor: 0.1,
  libraryUndated: 0.5,
  /** Learned taste in the store's semantic space (src/rank/semantic.ts), which replaces the tf-idf centroid when the
   *  store has a space: this × the candidate's z-score (standard deviations above the week's mean similarity). */
  semantic: 0.1,
  /** … counting only the standard deviations above this many: a paper no more like the positives than most of the
   *  store is not relevant at all, so an off-topic day stays a weak day (weak-day.ts). */
  semanticFrom: 1,
  /** Share of the 👎 papers' mean row taken off the semantic taste. */
  semanticDisliked: 0.15,
  /** Learned category affinity: share of positives in the paper's category, discounted for broad categories. */
  seedCategory: 0.5,
  /** Subtracted: cosine with the centroid of 👎 papers. Kept small: a 👎 paper shares much of its vocabulary with the
   *  subscriber's field (it was ranked into their digest), and 0.3 or 0.6 lowered nDCG@10 after clicks. Papers shown but
   *  not voted on count for nothing: as weak negatives (0.05, 0.15) they lowered it too (docs/ranking.md). */
  disliked: 0.15,
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
  /** The most the priors (trending and recency, in the proportions above) can add to a paper's score, as a share of
   *  its relevance: relevance comes first (signals.ts, orderScores). */
  lift: 0.3,
  /** A paper published more than newDays before the digest is old news (a back catalogue ingested late, the bundled
   *  sample): it comes after every new paper worth sending, and fills a digest only when they are too few. */
  newDays: 30,
  /** Worth sending: a paper's relevance (score without priors) must reach worthShare × the relevance of the week's
   *  k-th most relevant paper for this subscriber, k = worthTop of the week's papers and at least worthRankMin (see
   *  weak-day.ts; calibrated in docs/ranking.md). */
  worthShare: 0.3,
  worthTop: 0.03,
  worthRankMin: 10,
  /** A day with fewer papers above the threshold than this is a weak day (see isWeakDay). */
  weakDayItems: 3,
  /** Diversity: MMR trade-off between relevance (1) and novelty against papers already picked (0). */
  mmrLambda: 0.7,
  /** Papers at least this similar (cosine) to one already picked are near-duplicates and skipped. */
  duplicateCosine: 0.8,
  /** Votes considered per subscriber (the most recent), so an old account costs no more than a new one. */
  maxVotesUsed: 200,
};
