// Issue 23, item 4, through the scheduled ingest over real HTTP on loopback and a real SQLite file: an arXiv API
// answer whose record names its journal version only by journal-ref, and, in a later run, a journal's PRISM feed
// listing that article by volume and first page, are one paper with both links; a digest would send it once.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { composeDigest } from '../../src/digest/compose.js';
import type { Db } from '../../src/db/open.js';
import { scheduledIngest } from '../../src/ingest/commands.js';
import { HostLimiter } from '../../src/ingest/rate-limit.js';
import { rowToPaper } from '../../src/store/papers.js';
import { tempDb } from '../helpers/ingest-db.js';
import { fixture } from '../helpers/ingest.js';

/** The recorded API answer for 1111.2011 without its DOI: only "Phys. Rev. B 85, 115117 (2012)" says where it went. */
const arxivAnswer = fixture('arxiv-api/legacy-2016-id_list_1111.2011v2.xml')
  .replace(/\s*<arxiv:doi[^>]*>[^<]*<\/arxiv:doi>/, '').replace(/\s*<link title="doi"[^>]*\/>/, '');
/** A PRISM feed (the Nature RDF fixture's shape) listing PRB 85, 115117 of March 2012 under its DOI. */
const prbFeed = fixture('journals/nature-prism.rdf').replaceAll('10.1038/s41586-026-00001-2', '10.1103/PhysRevB.85.115117')
  .replaceAll('https://www.nature.com/articles/s41586-026-00001-2', 'https://journals.aps.org/prb/abstract/10.1103/PhysRevB.85.115117')
  .replace('<title>Nature</title>', '<title>Physical Review B</title>')
  .replace('<dc:date>2026-07-27</dc:date>', '<dc:date>2012-03-19</dc:date><prism:publicationName>Physical Review B</prism:publicationName>'
    + '<prism:volume>85</prism:volume><prism:startingPage>115117</prism:startingPage>');

describe('a journal-ref matched across runs of the scheduled ingest', () => {
  let server: Server;
  let base: string;
  let t: { db: Db; close: () => Promise<void> };
  const log = pino({ level: 'silent' });
  const run = (sources: string[], feeds: string[]) => scheduledIngest({
    db: t.db, publicUrl: 'http://paperboy.test', log, feeds, fetch: { limiter: new HostLimiter(0), retries: 0 },
  }, sources);
  const rows = () => (t.db.prepare('SELECT * FROM papers ORDER BY rowid').all() as Parameters<typeof rowToPaper>[0][]).map(rowToPaper);

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/api/query') return res.writeHead(200, { 'content-type': 'application/atom+xml' }).end(arxivAnswer);
      if (req.url === '/prb.rdf') return res.writeHead(200, { 'content-type': 'application/rdf+xml' }).end(prbFeed);
      if (req.url === '/nothing.jsonl') return res.writeHead(200, { 'content-type': 'application/json' }).end('');
      res.writeHead(404).end();
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => { await new Promise((ok) => server?.close(ok)); });
  beforeEach(() => { t = tempDb(); });
  afterEach(() => t.close());

  it.each([['the preprint first', 'arxiv'], ['the journal first', 'journal']])('%s: one paper, both links, sent once', async (_, first) => {
    const arxiv = () => run([`${base}/api/query`], []);
    const journal = () => run([`${base}/nothing.jsonl`], [`${base}/prb.rdf`]);
    if (first === 'arxiv') { await arxiv(); await journal(); } else { await journal(); await arxiv(); }
    const runs = t.db.prepare('SELECT source, format, error FROM ingest_runs WHERE source NOT LIKE ? ORDER BY id').all('%nothing.jsonl');
    expect(runs).toEqual(expect.arrayContaining([
      { source: `${base}/api/query`, format: 'arxiv-atom', error: null }, { source: `${base}/prb.rdf`, format: 'journal', error: null }]));
    const all = rows();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ id: '1111.2011', url: 'https://arxiv.org/abs/1111.2011', doi: '10.1103/physrevb.85.115117' });
    expect(all[0].categories).toEqual(expect.arrayContaining(['cond-mat.str-el', 'journal.prb-rdf']));
    const model = composeDigest({
      email: 'a@example.org', date: '2026-12-07', ranked: all.map((paper) => ({ paper, score: 1, why: [] })), siteUrl: 'http://x',
      links: { unsubscribe: 'http://x/u', preferences: 'http://x/p', view: '', feedback: () => '' },
    });
    expect(model.items.map((i) => [i.url, i.journalUrl])).toEqual([['https://arxiv.org/abs/1111.2011', 'https://doi.org/10.1103/physrevb.85.115117']]);
  });
});
