// A subscriber's library in the ranking: the order entries are kept in (most recently added first), which of them a
// digest learns from (the first PROFILE_LIMITS.libraryUsed) and how much each counts (less the longer ago it was
// added). Pure; the one place these rules live (docs/ranking.md, "Library").
import type { Paper } from '../model.js';
import { PROFILE_LIMITS } from './limits.js';
import { WEIGHTS } from './weights.js';

/** One library entry as the ranker takes it: the stored paper it matched, or a text example (a Paper made of the
 *  entry's title and abstract, without categories). */
export interface LibraryExample {
  paper: Paper;
  /** The entry's own title: what "like … from your library" names. */
  title: string;
  /** When it was added (else accessed, else published): YYYY-MM-DD, YYYY-MM or YYYY; null when unknown. */
  added: string | null;
  /** The hashed term counts of `paper` (paperTerms), when kept from an earlier run: spares tokenising it again. */
  terms?: Map<number, number>;
  /** Its row in the model's semantic space, when folded in when the space was learned: spares folding it in again. */
  row?: Float32Array;
}

/** A date of known precision as a time: a year alone counts as its 1 January, a month as its 1st (a bare year is
 *  usually when the paper was published, and it entered the library on or after that). */
function addedTime(added: string | null): number | null {
  if (!added) return null;
  const [y, m, d] = added.split('-');
  const t = Date.UTC(Number(y), m ? Number(m) - 1 : 0, d ? Number(d) : 1);
  return Number.isNaN(t) ? null : t;
}

/** Entries most recently added first; undated ones last; ties as given. The order a library is stored and read in,
 *  so the entries a digest learns from are its first few. */
export function orderLibrary<T extends { added: string | null }>(entries: T[]): T[] {
  const at = entries.map((e) => addedTime(e.added) ?? -Infinity);
  return entries.map((_, i) => i).sort((i, j) => at[j] - at[i] || i - j).map((i) => entries[i]);
}

/** How much an entry counts next to a seed paper (1) at `now`: halved every WEIGHTS.libraryHalfLife years since it
 *  was added, at least WEIGHTS.libraryFloor; WEIGHTS.libraryUndated without a date. */
export function libraryWeight(added: string | null, now: Date): number {
  const t = addedTime(added);
  if (t === null) return WEIGHTS.libraryUndated;
  const years = Math.max(0, now.getTime() - t) / (365.25 * 86_400_000);
  return Math.max(WEIGHTS.libraryFloor, 0.5 ** (years / WEIGHTS.libraryHalfLife));
}

/** The entries a digest learns from, with their weights: the first PROFILE_LIMITS.libraryUsed as given (the caller
 *  passes them in stored order, most recent first), so a library of any size costs a digest the same. */
export function libraryPositives(library: LibraryExample[] | undefined, now: Date): { used: LibraryExample[]; weights: number[] } {
  const used = (library ?? []).slice(0, PROFILE_LIMITS.libraryUsed).filter((e) => e && e.paper && typeof e.title === 'string');
  return { used, weights: used.map((e) => libraryWeight(e.added, now)) };
}
