// What is worth sending: a floor on relevance relative to the subscriber's own week, so that it means the same for a
// profile of two keywords, of fifty seed papers or of an about text, over a vocabulary of any size.
import { WEIGHTS } from './weights.js';

/** The least relevance worth sending: WEIGHTS.worthShare of the relevance of the week's k-th most relevant paper,
 *  k = WEIGHTS.worthTop of the week's papers (at least WEIGHTS.worthRankMin), the subscriber's own (`skip`) left out;
 *  always above 0. A day of off-topic papers scores far below what the subscriber's field scored that week, so it
 *  yields few papers or none (a weak day). */
export function relevanceFloor(relevance: Float32Array, skip: Uint8Array): number {
  const k = Math.max(WEIGHTS.worthRankMin, Math.round(WEIGHTS.worthTop * relevance.length));
  const top: number[] = []; // the k highest, ascending
  for (let i = 0; i < relevance.length; i++) {
    const r = relevance[i];
    if (skip[i] || (top.length === k && r <= top[0])) continue;
    let at = 0;
    while (at < top.length && top[at] < r) at++;
    top.splice(at, 0, r);
    if (top.length > k) top.shift();
  }
  const kth = top.length ? top[0] : 0;
  return Math.max(Number.MIN_VALUE, WEIGHTS.worthShare * kth);
}

/** True when nothing in the week is relevant at all: the profile's words, seeds and authors match no stored paper. */
export function matchesNothing(relevance: Float32Array, skip: Uint8Array): boolean {
  for (let i = 0; i < relevance.length; i++) if (!skip[i] && relevance[i] > 0) return false;
  return true;
}
