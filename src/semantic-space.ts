// The store's semantic space over time (src/rank/space.ts learns it): learned again from the recent papers after each
// ingest that stored new ones, saved in the database, and read by every digest run (kept decoded while it is the
// stored one). Learning takes seconds of CPU, so serve does it on a worker thread.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { Db } from './db/open.js';
import { PROFILE_LIMITS } from './rank/limits.js';
import { buildSpace, decodeSpace, encodeSpace, foldIn, type Space } from './rank/space.js';
import { decodeTerms, encodeTerms } from './rank/tokenize.js';
import { paperTerms } from './rank/vocabulary.js';
import { entriesToFold, entryPaper, keepEntryVectors } from './store/library.js';
import { loadSpaceRow, newestFirstSeen, saveSpaceRow, spaceBuiltAt, spaceNewestSeen, spacePapers } from './store/space.js';
import { papersByIds } from './store/votes.js';
import { startThread, type WorkerThread } from './worker-thread.js';

/** The papers a space is learned from: those first seen in the last SPACE_DAYS, at most SPACE_MAX of them (the most
 *  recent). The digest's candidate window (7 days) lies inside; the neighbour graph is quadratic in the papers, so
 *  they are bounded: 5,000 papers take about 10 s of one core. */
export const SPACE_DAYS = 28;
export const SPACE_MAX = 5000;

/** What learning a space came to. */
export interface SpaceRefresh {
  papers: number;
  width: number;
  /** Library entries folded into it (the ones digests read). */
  entries: number;
  /** Seconds it took. */
  secs: number;
}

/** True when papers were stored since the space was learned, or none was learned yet (and there are papers). */
export function spaceIsStale(db: Db): boolean {
  const newest = newestFirstSeen(db);
  if (!newest) return false;
  const learned = spaceNewestSeen(db);
  return !learned || learned < newest;
}

/** Learns the space again when it is stale (spaceIsStale) and saves it; null when it was current, or the store has
 *  too few papers to learn from. */
export function refreshSpace(db: Db, now = new Date()): SpaceRefresh | null {
  if (!spaceIsStale(db)) return null;
  const t = performance.now();
  const papers = spacePapers(db, new Date(now.getTime() - SPACE_DAYS * 86_400_000), SPACE_MAX);
  const space = buildSpace(papers);
  if (!space) return null;
  const newestSeen = papers.reduce((m, p) => (p.firstSeen && p.firstSeen > m ? p.firstSeen : m), '');
  space.builtAt = now.toISOString();
  saveSpaceRow(db, { builtAt: space.builtAt, newestSeen, width: space.width, ids: space.ids, data: encodeSpace(space) });
  const entries = foldLibraries(db, space);
  return { papers: space.ids.length, width: space.width, entries, secs: (performance.now() - t) / 1000 };
}

/** Subscribers whose entries are folded per transaction: up to 2,000 entries. */
const FOLD_SUBSCRIBERS = Math.ceil(2000 / PROFILE_LIMITS.libraryUsed);

/** Folds into a newly learned space the library entries digests read (whose paper is not one of its own), keeping
 *  each row with the entry: a digest run then reads the row instead of tokenising and folding the entry in (0.1 ms
 *  each, 50 per library digest). Returns how many entries it went through. */
function foldLibraries(db: Db, space: Space): number {
  let n = 0;
  for (let after = 0; ;) {
    const { entries: page, last } = entriesToFold(db, PROFILE_LIMITS.libraryUsed, space.builtAt!, after, FOLD_SUBSCRIBERS);
    if (last === null) return n;
    after = last;
    if (!page.length) continue;
    const stored = papersByIds(db, page.flatMap((e) => (e.paperId ? [e.paperId] : [])));
    keepEntryVectors(db, page.map((e) => {
      const paper = entryPaper(e, stored.get(e.paperId ?? ''));
      const terms = e.terms ? decodeTerms(e.terms) : paperTerms(paper);
      const row = space.index.has(paper.id) ? null : foldIn(space, terms);
      return { id: e.id, terms: encodeTerms(terms), row: row && new Uint8Array(row.buffer), rowSpace: space.builtAt! };
    }));
    n += page.length;
  }
}

/** The decoded space last loaded from each database, with when it was learned. */
const loaded = new WeakMap<Db, { builtAt: string; space: Space }>();

/** The stored space, ready to rank in (null: none yet); decoded once per space learned. A space stored before the
 *  newest papers is still used: those papers are folded into it (space.ts, foldIn). */
export function loadSpace(db: Db): Space | null {
  const builtAt = spaceBuiltAt(db);
  if (!builtAt) return null;
  const cached = loaded.get(db);
  if (cached?.builtAt === builtAt) return cached.space;
  const row = loadSpaceRow(db)!;
  const space = decodeSpace(row.ids, row.width, row.data);
  space.builtAt = row.builtAt;
  loaded.set(db, { builtAt: row.builtAt, space });
  return space;
}

/** Opens a database file with a connection of its own, refreshes its space and closes it (the worker thread's side of
 *  startSpaceBuilder). Only through SQLite: openDb's file checks open and close the file itself, which in a process
 *  that holds it open drops every lock SQLite holds on it (POSIX locks are per process), so a restore run beside
 *  serve then got past its "in use" check and the server's connection saw "disk I/O error". */
export function refreshSpaceInFile(file: string): SpaceRefresh | null {
  const db = new Database(file);
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    return refreshSpace(db);
  } finally {
    db.close();
  }
}

/** The compiled form of this module, which the worker thread loads (a thread cannot load TypeScript): the same path
 *  from dist/ and from src/ under vitest; `npm ci` (prepare) and `npm test` build it first. */
const COMPILED = fileURLToPath(new URL('../dist/semantic-space.js', import.meta.url));

/** The thread's side: this module, compiled. Runs as source text (see worker-thread.ts). */
function threadMain(data: { module: string; file: string }) {
  const { refreshSpaceInFile: refresh } = require(data.module);
  return { handle: () => refresh(data.file) };
}

/** Learns a database's space on a worker thread. */
export interface SpaceBuilder {
  /** Refreshes the space (refreshSpace); a request made while one runs waits for it and then runs once more. */
  refresh(): Promise<SpaceRefresh | null>;
  close(): void;
}

/** Starts the builder serve uses after each ingest: a worker thread with its own connection to the database's file
 *  (started on the first request, ended after a minute idle); an in-memory database is refreshed on this thread. */
export function startSpaceBuilder(db: Db): SpaceBuilder {
  const thread: WorkerThread<null, SpaceRefresh | null> | null = db.memory ? null
    : startThread({ main: threadMain, workerData: { module: COMPILED, file: db.name }, idleMs: 60_000, restart: true });
  let running: Promise<SpaceRefresh | null> | null = null;
  let again: Promise<SpaceRefresh | null> | null = null;
  const run = async (): Promise<SpaceRefresh | null> => {
    if (!thread) return refreshSpace(db);
    if (!existsSync(COMPILED)) throw new Error(`${COMPILED} is missing: build Paperboy first (npm ci or tsc)`);
    return thread.request(null);
  };
  return {
    refresh() {
      if (!running) {
        running = run().finally(() => { running = null; });
        return running;
      }
      // One more run after the current one covers every request made meanwhile.
      again ??= running.catch(() => null).then(() => { again = null; return this.refresh(); });
      return again;
    },
    close: () => thread?.close(),
  };
}
