// What an operator should look at: sources that keep failing, and a store that stopped growing.
// Logged after every scheduled ingest, and shown by /healthz and `paperboy sources`.
import type { Db } from '../db/open.js';
import { failingSources } from '../store/ingest-runs.js';
import { newestFirstSeen } from '../store/papers.js';
import { commandLine } from '../command.js';

/** A source whose last this many runs failed is reported. */
export const FAILING_RUNS = 3;

/** A store that got no new paper for this long is reported (and quiet-day notes say no papers arrived). */
export const STALE_MS = 2 * 86_400_000;

/** One line per problem; empty when ingest looks healthy. */
export function ingestWarnings(db: Db, now = new Date()): string[] {
  // Failures older than the stale window are of sources no longer fetched (a past day, a dropped category).
  const failing = failingSources(db, FAILING_RUNS, new Date(now.getTime() - STALE_MS)).map((f) =>
    `${f.source} failed its last ${f.failures} runs (since ${f.since}): ${f.error}`);
  const newest = newestFirstSeen(db);
  if (newest === null) return [...failing, 'no paper stored yet: check PAPERBOY_SOURCES'];
  const days = (now.getTime() - Date.parse(newest)) / 86_400_000;
  if (days * 86_400_000 < STALE_MS) return failing;
  return [...failing, `no new paper stored for ${Math.floor(days)} days (the newest was first seen ${newest}): check the sources above and ${commandLine('sources')}`];
}
