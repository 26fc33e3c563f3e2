import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import pino from 'pino';
import { Writable } from 'node:stream';
import { scheduledIngest, sourcesCommand, summaryLines } from '../../src/ingest/commands.js';
import type { IngestSummary } from '../../src/ingest/run.js';
import { fixturePath } from '../helpers/ingest.js';
import { tempDb } from '../helpers/ingest-db.js';

let t: ReturnType<typeof tempDb>;
beforeEach(() => { t = tempDb(); });
afterEach(() => t.close());

describe('scheduledIngest', () => {
  it('ingests every configured source and logs one line each, failures as warnings', async () => {
    const lines: { level: number; msg: string; source: string; new?: number; error?: string }[] = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
    const log = pino({ level: 'info' }, sink);
    await scheduledIngest({ db: t.db, publicUrl: 'http://x', log }, [fixturePath('hf-daily/2026-08-03.json'), '/missing.json']);
    expect(lines.map((l) => [l.level, l.msg, l.new ?? null])).toEqual([[30, 'ingested', 22], [40, 'ingest failed', 0]]);
    expect(lines[1].error).toMatch(/ENOENT/);
    expect(sourcesCommand(t.db)).toHaveLength(2);
  });
});

describe('summaryLines', () => {
  it('lists the first 20 rejections and counts the rest', () => {
    const r: IngestSummary = {
      runId: 1, source: 'feed.jsonl', format: 'jsonl', fetched: 30, new: 5, updated: 0, rejected: 25, notModified: false, error: null,
      rejections: Array.from({ length: 25 }, (_, i) => ({ where: `line ${i + 1}`, reason: 'no title' })),
    };
    const lines = summaryLines(r);
    expect(lines[0]).toBe('feed.jsonl: 5 new, 0 updated, 25 rejected (jsonl, 30 records)');
    expect(lines).toHaveLength(22);
    expect(lines[20]).toBe('  rejected line 20: no title');
    expect(lines[21]).toBe('  … and 5 more rejected');
  });

  it('says when the source had not changed', () => {
    const r = { runId: 1, source: 'https://x/feed', format: null, fetched: 0, new: 0, updated: 0, rejected: 0, notModified: true, error: null, rejections: [] };
    expect(summaryLines(r)).toEqual(['https://x/feed: not modified since the last fetch']);
  });
});

describe('sourcesCommand', () => {
  it('says how to start when nothing ran yet', () => {
    expect(sourcesCommand(t.db)).toEqual(['WARNING: no paper stored yet: check PAPERBOY_SOURCES', 'no ingest runs yet: try `paperboy ingest <file-or-url>`']);
  });
});
