// The ranking step of a run: the week's papers are read once, each subscriber's are the ones not sent before.
import type { Db } from '../db/open.js';
import type { RankedPaper } from '../model.js';
import { rank } from '../rank/rank.js';
import { recentPapers, shownPaperIds } from '../store/digests.js';
import type { SubscriberRecord } from '../store/subscribers.js';

/** Ranks one subscriber's digest. */
export type Ranker = (sub: SubscriberRecord) => RankedPaper[];

/** Papers in a digest. */
export const DIGEST_SIZE = 10;
/** How far back a digest looks for papers not yet sent. */
export const WINDOW_DAYS = 7;

/** A ranker over the papers first seen in the week before `now`, shared by every subscriber of the run. */
export function makeRanker(db: Db, now: Date, size = DIGEST_SIZE): Ranker {
  const pool = recentPapers(db, new Date(now.getTime() - WINDOW_DAYS * 86_400_000));
  return (sub) => {
    const shown = shownPaperIds(db, sub.id);
    const candidates = shown.size ? pool.filter((p) => !shown.has(p.id)) : pool;
    return rank(sub.profile, candidates, { now, size });
  };
}
