// What arXiv ids and categories look like: one rule for the sign-up form, the parsers, the store and the ranker.

/** An arXiv id, new style (2406.01234, optional version) or old style (hep-th/9901001). */
export const ARXIV_ID = /^(?:\d{4}\.\d{4,5}|[a-z][a-z.-]*\/\d{7})(?:v\d+)?$/i;

/** An arXiv category such as cs.CV, math.NA or hep-th. */
export const CATEGORY = /^[a-z][a-z-]*(?:\.[A-Za-z-]+)?$/;

/** Room to spare over the longest arXiv category (`cond-mat.stat-mech`, 18 characters). */
export const MAX_CATEGORY_LENGTH = 40;

/** True for a string that may be an arXiv category (cs.CV, hep-th, physics.atom-ph): not an ACM or MSC code, markup or anything long. */
export function isArxivCategory(s: string): boolean {
  return s.length <= MAX_CATEGORY_LENGTH && CATEGORY.test(s);
}
