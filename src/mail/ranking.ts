// The ranking step of a run: the week's papers are read once, each subscriber's are the ones not sent before.
import type { Db } from '../db/open.js';
import type { Paper, RankedPaper } from '../model.js';
import { rank } from '../rank/rank.js';
import { recentPapers, shownPaperIds } from '../store/digests.js';
import type { SubscriberRecord } from '../store/subscribers.js';

/** Ranks one subscriber's digest. */
export type Ranker = (sub: SubscriberRecord) => RankedPaper[];

/** Papers in a digest. */
export const DIGEST_SIZE = 10;
/** How far back a digest looks for papers not yet sent. */
export const WINDOW_DAYS = 7;

/** Rankings kept per run for subscribers with identical interests and no history. */
const MEMO_LIMIT = 1024;

/**
 * A ranker over the papers first seen in the week before `now`, shared by every subscriber of the run.
 * Ranking is pure, so subscribers who ask for exactly the same things and were never sent a paper
 * get the same list: it is computed once (a bounded memo, so memory stays flat).
 */
export function makeRanker(db: Db, now: Date, size = DIGEST_SIZE): Ranker {
  // Read on first use: most scheduler ticks find nobody due and need no papers.
  let papers: Paper[] | undefined;
  const memo = new Map<string, RankedPaper[]>();
  return (sub) => {
    const pool = (papers ??= recentPapers(db, new Date(now.getTime() - WINDOW_DAYS * 86_400_000)));
    const shown = shownPaperIds(db, sub.id);
    if (shown.size) return rank(sub.profile, pool.filter((p) => !shown.has(p.id)), { now, size });
    const key = JSON.stringify(sub.profile);
    let ranked = memo.get(key);
    if (!ranked) {
      ranked = rank(sub.profile, pool, { now, size });
      if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value!);
      memo.set(key, ranked);
    }
    return ranked;
  };
}
