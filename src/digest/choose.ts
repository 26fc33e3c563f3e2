// How a subscriber's papers are chosen in a digest run, wired as docs/ranking.md says: one model over the week's
// papers per run; per subscriber their votes, seed papers and digest size; papers sent before are never candidates.
// The ranking itself is pure (rank/); this file reads what it needs from the store.
import type { Db } from '../db/open.js';
import type { Paper, Profile, RankedPaper } from '../model.js';
import type { LibraryExample } from '../rank/library.js';
import { DEFAULT_DIGEST_SIZE, PROFILE_LIMITS } from '../rank/limits.js';
import { buildRankModel, type RankModel } from '../rank/model.js';
import { isWeakDay, rank } from '../rank/rank.js';
import { decodeTerms, encodeTerms } from '../rank/tokenize.js';
import { paperTerms } from '../rank/vocabulary.js';
import { WEIGHTS } from '../rank/weights.js';
import { fromSources } from '../rank/sources.js';
import { loadSpace } from '../semantic-space.js';
import { recentPapers, recentPapersState, shownPaperIds } from '../store/digests.js';
import { entryPaper, keepEntryVectors, libraryForRanking, type EntryVectors, type StoredEntry } from '../store/library.js';
import type { SubscriberRecord } from '../store/subscribers.js';
import type { WeakDay } from '../store/votes.js';
import { papersByIds, votesOf } from '../store/votes.js';

/** Ranks one subscriber's digest; an empty list means nothing to send today. */
export type Ranker = (sub: SubscriberRecord) => RankedPaper[];

/** How far back a digest looks for papers not yet sent. */
export const WINDOW_DAYS = 7;

/** Rankings kept per run for subscribers with identical interests and no history. */
const MEMO_LIMIT = 1024;

/** Options of makeRanker. */
export interface RankerOptions {
  /** Share one ranking between subscribers with identical interests and no history (default true). */
  memo?: boolean;
  /** Where library entries' vectors counted for the first time go (default: stored at once). A digest thread, which
   *  writes nothing, hands them to the send loop, which stores them with the claim. */
  keep?: (kept: EntryVectors[]) => void;
}

/**
 * A ranker over the papers first seen in the week before `now`, with one model for the run taken on first use (most
 * scheduler ticks find nobody due): the connection's last one when the week's papers have not changed since.
 * Ranking is pure, so subscribers who ask for exactly the same things and have no votes or sent papers get the same
 * list: computed once (bounded memo).
 * A weak day (too few relevant papers) gives an empty list when the subscriber chose 'skip'; with
 * 'note' the few papers there are, which the sender mails as a short note (even when there are none).
 */
export function makeRanker(db: Db, now: Date, opts: RankerOptions = {}): Ranker {
  let shared: { pool: Paper[]; model: RankModel } | undefined;
  const memo = new Map<string, RankedPaper[]>();
  return (sub) => {
    shared ??= sharedModel(db, now);
    const sent = shownPaperIds(db, sub.id);
    // A vote is always on a paper sent before: with none sent, only the seeds are left to read.
    const { profile, known, library } = rankingInputs(db, sub.id, sub.profile, sent.size > 0, shared.model.semantic?.space.builtAt, opts.keep);
    const prefs = digestPrefs(sub);
    const fresh = sent.size === 0 && profile.votes.length === 0 && library.length === 0 && opts.memo !== false;
    const sources = sub.sources ?? [];
    const key = fresh ? JSON.stringify([profile, prefs, sources]) : '';
    let ranked = fresh ? memo.get(key) : undefined;
    if (!ranked) {
      // Only the sources the subscriber chose (all when none): the model stays the week's, so scores keep their scale.
      const candidates = fromSources(sent.size ? shared.pool.filter((p) => !sent.has(p.id)) : shared.pool, sources);
      ranked = rank(profile, candidates, { now, size: prefs.digestSize, model: shared.model, known, library });
      if (weakDayChoice(sub, ranked) === 'skip') ranked = [];
      if (fresh) remember(memo, key, ranked);
    }
    return ranked;
  };
}

/** Everything rank() needs besides the candidates and the shared model: the latest votes (none to read when nothing
 *  was ever sent), the library entries a digest learns from (the first PROFILE_LIMITS.libraryUsed: the per-digest
 *  bound is also a bound on what is read), and the stored papers among the seeds, voted and matched library ones. */
export function rankingInputs(db: Db, subscriberId: number, profile: Profile, anySent = true, space?: string,
  keep = (kept: EntryVectors[]) => keepEntryVectors(db, kept)): { profile: Profile; known: Map<string, Paper>; library: LibraryExample[] } {
  const votes = anySent ? votesOf(db, subscriberId, WEIGHTS.maxVotesUsed) : [];
  const entries = libraryForRanking(db, subscriberId, PROFILE_LIMITS.libraryUsed);
  const known = papersByIds(db, [...profile.papers, ...votes.map((v) => v.paperId), ...entries.flatMap((e) => (e.paperId ? [e.paperId] : []))]);
  const library = entries.map((e) => libraryExample(e, known, space));
  keep(entries.flatMap((e, i) => (e.terms ? [] : [{ id: e.id, terms: encodeTerms(library[i].terms!) }])));
  return { profile: { ...profile, votes }, known, library };
}

/** A stored library entry as the ranker takes it: its stored paper, or a text example of its title and abstract
 *  (id `library:<entry id>`, so each text example's vector is computed once per run), with its term counts: kept from
 *  an earlier run, or counted now (and kept by the caller). */
function libraryExample(e: StoredEntry, known: Map<string, Paper>, space?: string): LibraryExample {
  const paper = entryPaper(e, known.get(e.paperId ?? ''));
  const row = e.row && space !== undefined && e.rowSpace === space ? new Float32Array(Uint8Array.from(e.row).buffer) : undefined;
  return { paper, title: e.title || paper.title, added: e.added, terms: e.terms ? decodeTerms(e.terms) : paperTerms(paper), row };
}

/** On a weak day (too few papers worth sending), what the subscriber chose to get: nothing or a short note; null on other days. */
export function weakDayChoice(sub: SubscriberRecord, ranked: RankedPaper[]): WeakDay | null {
  const prefs = digestPrefs(sub);
  return isWeakDay(ranked, prefs.digestSize) ? prefs.weakDay : null;
}

/** A subscriber's digest size and weak-day choice, with the defaults for a record that has none. */
function digestPrefs(sub: SubscriberRecord): { digestSize: number; weakDay: WeakDay } {
  return { digestSize: sub.digestSize ?? DEFAULT_DIGEST_SIZE, weakDay: sub.weakDay ?? 'skip' };
}

/** The week's papers and the model over them (idf fitted on the same papers), in the store's semantic space when it
 *  has one (src/semantic-space.ts). */
function sharedModel(db: Db, now: Date): { pool: Paper[]; model: RankModel } {
  const since = new Date(now.getTime() - WINDOW_DAYS * 86_400_000);
  const space = loadSpace(db);
  // The pool changes only when papers are stored, changed or age out, a few times a day: a run whose pool and space
  // are the ones of the connection's last run takes that run's model (1–2 s to build on 2,000 papers) again.
  const key = `${recentPapersState(db, since)}|${space?.builtAt ?? ''}`;
  const last = models.get(db);
  if (last?.key === key) {
    forgetKnown(last.shared.model);
    return last.shared;
  }
  const pool = recentPapers(db, since);
  const shared = { pool, model: buildRankModel(pool, pool, { space }) };
  models.set(db, { key, shared });
  return shared;
}

/** Each connection's last model, with the state of the store it was built on. */
const models = new WeakMap<Db, { key: string; shared: { pool: Paper[]; model: RankModel } }>();

/** Drops the vectors of papers outside the pool that an earlier run kept: a library entry's id may be given again
 *  once its library is replaced, and a run must read each entry as it is now. */
function forgetKnown(model: RankModel): void {
  for (const k of [model.known, model.semantic?.known]) {
    k?.current.clear();
    k?.previous.clear();
  }
}

function remember(memo: Map<string, RankedPaper[]>, key: string, ranked: RankedPaper[]): void {
  if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value!);
  memo.set(key, ranked);
}
