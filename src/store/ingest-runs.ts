import type { Db } from '../db/open.js';
import type { Rejection } from '../model.js';

/** Counts and outcome of one ingest run of one source. */
export interface IngestRun {
  id: number;
  source: string;
  format: string | null;
  started: string;
  finished: string | null;
  fetched: number;
  new: number;
  updated: number;
  rejected: number;
  notModified: boolean;
  error: string | null;
  rejections: Rejection[];
}

/** What a finished run reports. */
export type RunOutcome = Pick<IngestRun, 'format' | 'fetched' | 'new' | 'updated' | 'rejected' | 'notModified' | 'error' | 'rejections'>;

/** Row shape of ingest_runs. */
interface RunRow {
  id: number; source: string; format: string | null; started: string; finished: string | null;
  fetched: number; new: number; updated: number; rejected: number; not_modified: number;
  error: string | null; rejections: string;
}

const KEPT_REJECTIONS = 100;

/** Records that a run of `source` started; returns its id. */
export function startRun(db: Db, source: string, started: Date): number {
  // A row exists from the start, so a run that dies midway still shows (finished stays NULL).
  const info = db.prepare('INSERT INTO ingest_runs (source, started) VALUES (?, ?)').run(source, started.toISOString());
  return Number(info.lastInsertRowid);
}

/** Completes a run's row with its counts, error and the first rejections. */
export function finishRun(db: Db, id: number, o: RunOutcome, finished: Date): void {
  // Fill in the outcome of the run started by startRun.
  db.prepare(`
    UPDATE ingest_runs SET format = ?, finished = ?, fetched = ?, new = ?, updated = ?, rejected = ?,
                           not_modified = ?, error = ?, rejections = ?
    WHERE id = ?`).run(o.format, finished.toISOString(), o.fetched, o.new, o.updated, o.rejected,
    o.notModified ? 1 : 0, o.error, JSON.stringify(o.rejections.slice(0, KEPT_REJECTIONS)), id);
}

/** Maps a row to the domain type. */
function toRun(r: RunRow): IngestRun {
  return {
    id: r.id, source: r.source, format: r.format, started: r.started, finished: r.finished,
    fetched: r.fetched, new: r.new, updated: r.updated, rejected: r.rejected,
    notModified: r.not_modified === 1, error: r.error, rejections: JSON.parse(r.rejections),
  };
}

/** The most recent runs of every source, newest first. */
export function recentRuns(db: Db, limit = 20): IngestRun[] {
  // Newest first; id breaks ties between runs started in the same millisecond.
  const rows = db.prepare('SELECT * FROM ingest_runs ORDER BY started DESC, id DESC LIMIT ?').all(limit) as RunRow[];
  return rows.map(toRun);
}

/** The latest run of each source, for /healthz and `paperboy sources`. */
export function lastRunPerSource(db: Db): IngestRun[] {
  // The row with the highest id per source is its latest run.
  const rows = db.prepare(`
    SELECT r.* FROM ingest_runs r
    JOIN (SELECT source, max(id) AS id FROM ingest_runs GROUP BY source) last ON last.id = r.id
    ORDER BY r.source`).all() as RunRow[];
  return rows.map(toRun);
}

/** A source whose recent runs all failed. */
export interface FailingSource {
  source: string;
  /** Failed runs in a row, up to the latest. */
  failures: number;
  /** When the first of them started. */
  since: string;
  /** The latest run's error. */
  error: string;
}

/** Sources whose last `minFailures` or more finished runs since `after` failed, with no success after them. */
export function failingSources(db: Db, minFailures: number, after: Date): FailingSource[] {
  // Per source, the failed runs newer than its latest good one; the bare `error` comes from the max(id) row.
  return db.prepare(`
    SELECT source, count(*) AS failures, min(started) AS since, max(id) AS last, error
    FROM ingest_runs r
    WHERE error IS NOT NULL AND finished IS NOT NULL AND started >= @after
      AND id > COALESCE((SELECT max(id) FROM ingest_runs ok WHERE ok.source = r.source AND ok.error IS NULL AND ok.finished IS NOT NULL), 0)
    GROUP BY source HAVING count(*) >= @min ORDER BY source`).all({ after: after.toISOString(), min: minFailures }) as FailingSource[];
}

/** Which of `sources` have a finished run without error still kept (a feed fetched before, not one never fetched). */
export function fetchedSources(db: Db, sources: readonly string[]): Set<string> {
  if (sources.length === 0) return new Set();
  // json_each takes the list as one parameter, however long.
  return new Set(db.prepare(`
    SELECT DISTINCT source FROM ingest_runs
    WHERE finished IS NOT NULL AND error IS NULL AND source IN (SELECT value FROM json_each(?))`).pluck().all(JSON.stringify(sources)) as string[]);
}

/** True when a finished run without error of a source matching the LIKE `pattern` is still kept. */
export function fetchedLike(db: Db, pattern: string): boolean {
  // LIKE over the few weeks of runs retention keeps; '\' escapes the pattern's own % and _.
  return db.prepare(`SELECT 1 FROM ingest_runs WHERE finished IS NOT NULL AND error IS NULL AND source LIKE ? ESCAPE '\\' LIMIT 1`).get(pattern) !== undefined;
}
