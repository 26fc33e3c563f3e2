// Issue 23, item 2: bioRxiv's and medRxiv's details API, parsed from responses kept in other projects' tests
// (test/fixtures/sources/MANIFEST.md), paged, and fetched for the subjects subscribers follow.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduledIngest } from '../../src/ingest/commands.js';
import { detectFormat } from '../../src/ingest/detect.js';
import { HostLimiter } from '../../src/ingest/rate-limit.js';
import { nextCursor, parseRxivDetails, rxivPaging } from '../../src/ingest/rxiv.js';
import { ingestSubject, rxivPageUrl } from '../../src/ingest/rxiv-source.js';
import { planSources } from '../../src/ingest/sources.js';
import { categoryName, isOfferedCategory, RXIV_SUBJECTS, SUBJECTS, subjectCode } from '../../src/taxonomy.js';
import { startPaperboy, type TestPaperboy } from '../helpers/app.js';
import { fixture } from '../helpers/ingest.js';

const BIORXIV = fixture('biorxiv/details-biorxiv-2026-07-15.json');
const MEDRXIV = fixture('biorxiv/details-medrxiv-2026-09-15.json');

describe('a details API page', () => {
  it('is one paper per preprint, named by its DOI, with its subject, authors, abstract and links', () => {
    expect(detectFormat(BIORXIV, 'json')).toBe('rxiv');
    const r = parseRxivDetails(BIORXIV);
    expect(r.rejected).toEqual([]);
    expect(r.papers.map((p) => [p.id, p.categories])).toEqual([
      ['doi:10.64898/2026.07.13.738145', ['biorxiv.neuroscience']],
      ['doi:10.64898/2026.07.13.738249', ['biorxiv.neuroscience']],
      ['doi:10.64898/2025.12.19.695336', ['biorxiv.microbiology']],
    ]);
    expect(r.papers[2]).toMatchObject({
      title: 'Host infection selects for sRNA variants that drive bacterial social cheating',
      authors: ['Dubois, Q.', 'Brual, T.', 'Sprenger, M.', 'Utzinger, V.', 'Mercier, R.', 'Cigna, J.', 'Rodrigue, A.', 'Papenfort, K.', 'Attaiech, L.', 'Gueguen, E.'],
      url: 'https://www.biorxiv.org/content/10.64898/2025.12.19.695336v3', pdfUrl: 'https://www.biorxiv.org/content/10.64898/2025.12.19.695336v3.full.pdf',
      published: '2026-07-15T00:00:00.000Z', doi: null,
    });
    expect(r.papers[2].abstract).toMatch(/^Single-nucleotide mutations in regulatory small RNAs/);
  });

  it('reads medRxiv\'s, its subjects under medRxiv', () => {
    const r = parseRxivDetails(MEDRXIV);
    expect(r.rejected).toEqual([]);
    expect(r.papers.map((p) => p.categories[0])).toEqual(['medrxiv.nephrology', 'medrxiv.cardiovascular-medicine', 'medrxiv.neurology']);
    expect(r.papers[0].url).toBe('https://www.medrxiv.org/content/10.64898/2026.09.13.26362948v1');
    expect(rxivPaging(JSON.parse(MEDRXIV))).toEqual({ cursor: 0, count: 72, total: 72 });
  });

  it('merges the versions of one preprint as arXiv\'s are: the newest text, the first date, the journal DOI once published', () => {
    // The fixture's third record as its version 1 posted in December and published since: the same preprint twice.
    const json = JSON.parse(BIORXIV) as { collection: Record<string, unknown>[] };
    const v3 = json.collection[2];
    json.collection.push({ ...v3, version: '1', date: '2025-12-20', title: 'An earlier title', published: '10.1038/s41564-026-00001-1' });
    const r = parseRxivDetails(JSON.stringify(json));
    expect(r.papers).toHaveLength(3);
    expect(r.papers[2]).toMatchObject({ title: v3.title, published: '2025-12-20T00:00:00.000Z', doi: '10.1038/s41564-026-00001-1' });
  });

  it('rejects records without a DOI or title, keeps the others; an error answer or other JSON fails the page', () => {
    const json = JSON.parse(MEDRXIV) as { collection: unknown[] };
    json.collection.push({ title: 'no doi' }, { doi: '10.1101/2026.01.01.000001' }, 'text', null);
    const r = parseRxivDetails(JSON.stringify(json));
    expect(r.papers).toHaveLength(3);
    expect(r.rejected).toEqual([
      { where: 'record 4', reason: 'no DOI' }, { where: 'record 5', reason: 'no title' },
      { where: 'record 6', reason: 'not an object' }, { where: 'record 7', reason: 'not an object' },
    ]);
    expect(() => parseRxivDetails('{"messages":[{"status":"no posts found"}]}')).toThrow('the details API answered "no posts found"');
    expect(() => parseRxivDetails('{"data": []}')).toThrow('not a details API answer');
    expect(() => parseRxivDetails(MEDRXIV.slice(0, 5000))).toThrow(SyntaxError);
  });

  it('reads an authors field of 1 MB of spaces in one pass (splitting on /\\s*;\\s*/ was quadratic: 64 KB took 2.3 s)', () => {
    const json = JSON.parse(MEDRXIV) as { collection: Record<string, unknown>[] };
    json.collection = [{ ...json.collection[0], authors: `Ada Lovelace${' '.repeat(1 << 20)}x ;  Grace Hopper ; ` }];
    expect(parseRxivDetails(JSON.stringify(json)).papers[0].authors).toEqual(['Ada Lovelace x', 'Grace Hopper']);
  });

  it('pages by cursor until the total is read', () => {
    expect(nextCursor({ cursor: 0, count: 100, total: 250 })).toBe(100);
    expect(nextCursor({ cursor: 200, count: 50, total: 250 })).toBeNull();
    expect(nextCursor({ cursor: 0, count: 0, total: 0 })).toBeNull();
    expect(nextCursor(null)).toBeNull();
  });
});

describe('the subjects on the form', () => {
  it('offers every bioRxiv and medRxiv subject by its name, each code a valid category', () => {
    expect(SUBJECTS.size).toBe(RXIV_SUBJECTS.biorxiv.length + RXIV_SUBJECTS.medrxiv.length);
    for (const code of SUBJECTS.keys()) expect(code).toMatch(/^(bio|med)rxiv\.[a-z-]+$/);
    expect(categoryName('biorxiv.neuroscience')).toBe('Neuroscience');
    expect(categoryName(subjectCode('medrxiv', 'Infectious Diseases (except HIV/AIDS)'))).toBe('Infectious Diseases (except HIV/AIDS)');
    expect(isOfferedCategory('medrxiv.epidemiology') && isOfferedCategory('biorxiv.epidemiology')).toBe(true);
    expect(isOfferedCategory('biorxiv.astrology')).toBe(false);
  });

  it('plans a subject only when someone follows it and its server is a source', () => {
    const state = { today: '2026-07-15', hfLastDay: null, categories: ['biorxiv.neuroscience', 'medrxiv.neurology', 'cs.CL'] };
    expect(planSources(['biorxiv'], state)).toEqual([{ source: 'biorxiv biorxiv.neuroscience', subject: 'biorxiv.neuroscience' }]);
    expect(planSources(['arxiv'], state).map((p) => p.source)).toEqual(['https://rss.arxiv.org/rss/cs.CL']);
    expect(rxivPageUrl('https://api.biorxiv.org/details/', 'biorxiv.cell-biology', '2026-07-14', '2026-07-15', 100))
      .toBe('https://api.biorxiv.org/details/biorxiv/2026-07-14/2026-07-15/100/json?category=cell_biology');
  });
});

describe('fetching a subject from a local server standing in for api.biorxiv.org', () => {
  let server: Server;
  let base: string;
  let pb: TestPaperboy;
  const asked: { url: string; at: number }[] = [];
  // medRxiv's page split in two, as the API pages it: its first two records at cursor 0, the third at cursor 2.
  const records = (JSON.parse(MEDRXIV) as { collection: unknown[] }).collection;
  const page = (cursor: number, slice: unknown[]) => JSON.stringify({ messages: [{ status: 'ok', cursor, count: slice.length, total: 3 }], collection: slice });
  const GAP_MS = 150;

  beforeAll(async () => {
    server = createServer((req, res) => {
      asked.push({ url: req.url!, at: Date.now() });
      const m = /^\/details\/(biorxiv|medrxiv)\/[\d-]+\/[\d-]+\/(\d+)\/json\?category=(\w+)$/.exec(req.url!);
      if (!m) return res.writeHead(404).end();
      if (m[1] === 'biorxiv') return res.writeHead(200, { 'content-type': 'application/json' }).end(BIORXIV);
      if (m[3] === 'oncology') return res.writeHead(503).end('busy');
      res.writeHead(200, { 'content-type': 'application/json' }).end(m[2] === '0' ? page(0, records.slice(0, 2)) : page(2, records.slice(2)));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/details/`;
    pb = await startPaperboy();
  });
  afterAll(async () => {
    await pb?.close();
    await new Promise((ok) => server?.close(ok));
  });

  it('reads every page of the last two days, spaced apart, keeping only the subject\'s preprints', async () => {
    const deps = { db: pb.ctx.db, fetch: { limiter: new HostLimiter(GAP_MS, /^127\.0\.0\.1$/), retries: 0 } };
    const r = await ingestSubject(deps, base, 'medrxiv.neurology', '2026-09-15');
    expect(r).toEqual({ code: 'medrxiv.neurology', pages: 2, new: 1, updated: 0, rejected: 0, error: null });
    expect(asked.map((a) => a.url)).toEqual([
      '/details/medrxiv/2026-09-14/2026-09-15/0/json?category=neurology', '/details/medrxiv/2026-09-14/2026-09-15/2/json?category=neurology']);
    // Measured where the server sees them: the first request's connection set-up eats into the gap (without the limiter it is ~2 ms).
    expect(asked[1].at - asked[0].at).toBeGreaterThanOrEqual(GAP_MS / 2);
    expect(pb.ctx.db.prepare('SELECT id, categories FROM papers').all()).toEqual([
      { id: 'doi:10.64898/2026.09.14.26363001', categories: '["medrxiv.neurology"]' }]);
    // A failing page ends the fetch with its error; nothing is stored half.
    const down = await ingestSubject(deps, base, 'medrxiv.oncology', '2026-09-15');
    expect(down).toMatchObject({ pages: 1, new: 0, error: expect.stringMatching(/^HTTP 503/) });
  });

  it('fetches the subjects active subscribers follow in the scheduled ingest, not the others', async () => {
    asked.length = 0;
    const add = pb.ctx.db.prepare(`INSERT INTO subscribers (email, status, categories, created_at) VALUES (?, ?, ?, '2026-01-01')`);
    add.run('neuro@example.org', 'active', '["biorxiv.neuroscience"]');
    add.run('pending@example.org', 'pending', '["biorxiv.zoology"]');
    await scheduledIngest({ db: pb.ctx.db, publicUrl: 'http://paperboy.test', log: pino({ level: 'silent' }), now: () => new Date('2026-07-15T12:00:00Z'),
      endpoints: { huggingface: 'http://127.0.0.1:1/', arxivRss: 'http://127.0.0.1:1/', rxiv: base }, fetch: { limiter: new HostLimiter(0), retries: 0 } }, ['biorxiv', 'medrxiv']);
    expect(asked.map((a) => a.url)).toEqual(['/details/biorxiv/2026-07-14/2026-07-15/0/json?category=neuroscience']);
    const ids = pb.ctx.db.prepare("SELECT id FROM papers WHERE categories LIKE '%biorxiv%' ORDER BY id").pluck().all();
    expect(ids).toEqual(['doi:10.64898/2026.07.13.738145', 'doi:10.64898/2026.07.13.738249']);
  });
});
