// The real `paperboy ingest`, `export`, `sources` and `search` (bin/paperboy.js → dist/, built by `npm test`'s tsc step).
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

describe('paperboy ingest / export / sources / search', () => {
  let dir: string;
  const env = (db: string): NodeJS.ProcessEnv => ({ ...process.env, PAPERBOY_DB: join(dir, db), LOG_LEVEL: 'warn', PUBLIC_URL: 'http://paperboy.test' });
  const paperboy = (db: string, ...args: string[]) => run('node', ['bin/paperboy.js', ...args], { env: env(db) });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-ingest-cli-'));
    // Only serve and migrate create a database; ingest adds to one.
    for (const db of ['a.db', 'b.db', 'c.db']) await paperboy(db, 'migrate');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ingests several formats in one call and prints a summary per source', async () => {
    const { stdout } = await paperboy('a.db', 'ingest', 'test/fixtures/hf-daily/2025-01-10.json', 'test/fixtures/arxiv-rss/cs.CL.rss.xml', 'test/fixtures/arxiv-2026q2-200.jsonl');
    expect(stdout.split('\n').filter((l) => !l.startsWith('  '))).toEqual([
      'test/fixtures/hf-daily/2025-01-10.json: 9 new, 0 updated, 0 rejected (hf-daily, 9 records)',
      'test/fixtures/arxiv-rss/cs.CL.rss.xml: 4 new, 0 updated, 0 rejected (arxiv-rss, 4 records)',
      // Two RSS papers are in the JSONL slice too: they merge into their rows.
      'test/fixtures/arxiv-2026q2-200.jsonl: 198 new, 2 updated, 0 rejected (jsonl, 200 records)',
      // Papers came in: the semantic space is learned from them (src/semantic-space.ts).
      expect.stringMatching(/^learned the semantic space from 211 papers \(21 dimensions\) in \d+\.\d s$/),
      '',
    ]);
    // The process waited for its worker thread before exiting: the index file already holds all 211 papers.
    const index = new Database(join(dir, 'a.db-search'), { readonly: true });
    expect(index.prepare('SELECT count(*) FROM papers_fts_docsize').pluck().get()).toBe(211);
    index.close();
  });

  it('lists the runs with `sources`', async () => {
    const { stdout } = await paperboy('a.db', 'sources');
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/test\/fixtures\/arxiv-2026q2-200\.jsonl {2}jsonl {2}198 new, 2 updated, 0 rejected of 200$/);
  });

  it('finds ingested papers with `search`', async () => {
    expect((await paperboy('a.db', 'search', 'quantum', 'computer', 'languages')).stdout)
      .toBe('quant-ph/0201082  Quantum Computers and Quantum Computer Languages\n');
    expect((await paperboy('a.db', 'search', '--limit', '2', 'language')).stdout.trim().split('\n')).toHaveLength(2);
    expect((await paperboy('a.db', 'search', 'zzzz')).stdout).toBe('no stored paper matches\n');
  });

  it('exports JSONL that ingests back into an empty store unchanged, first_seen included', async () => {
    const out = join(dir, 'export.jsonl');
    expect((await paperboy('a.db', 'export', '--out', out)).stdout).toBe(`exported 211 papers to ${out}\n`);
    expect((await paperboy('b.db', 'ingest', out)).stdout).toMatch(/: 211 new, 0 updated, 0 rejected \(jsonl, 211 records\)/);
    const again = join(dir, 'again.jsonl');
    await paperboy('b.db', 'export', '--out', again);
    // Everything survives, first_seen included: a restored store does not re-send old papers as new.
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(out, 'utf8'));
  });

  it('honours --format and refuses an unknown one', async () => {
    const forced = await paperboy('c.db', 'ingest', '--format', 'listing', 'test/fixtures/hf-papers-page.txt');
    expect(forced.stdout).toMatch(/199 new, 0 updated, 0 rejected \(listing/);
    const bad = await paperboy('c.db', 'ingest', '--format', 'csv', 'x').then(() => null, (e: { code: number; stderr: string }) => e);
    expect(bad?.code).toBe(1);
    expect(bad?.stderr).toMatch(/unknown format "csv"; expected one of hf-daily, arxiv-atom, arxiv-rss, journal, rxiv, listing, jsonl/);
  });

  it('exits 1 and says why when a source fails', async () => {
    const bad = await paperboy('c.db', 'ingest', 'missing.xml').then(() => null, (e: { code: number; stdout: string }) => e);
    expect(bad?.code).toBe(1);
    expect(bad?.stdout).toMatch(/missing\.xml: 0 new, 0 updated, 0 rejected\n {2}failed: cannot read missing\.xml: ENOENT/);
  });
});
