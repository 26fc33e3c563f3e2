// ingestSource end to end: a local HTTP server on loopback serves good and bad feeds; a real SQLite file stores them.
import { afterAll, afterEach, beforeAll, beforeEach, describe, it, expect } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { ingestSource, type IngestDeps } from '../../src/ingest/run.js';
import { HostLimiter } from '../../src/ingest/rate-limit.js';
import { recentRuns } from '../../src/store/ingest-runs.js';
import { countPapers, iteratePapers } from '../../src/store/papers.js';
import { fixture, fixturePath } from '../helpers/ingest.js';
import { tempDb } from '../helpers/ingest-db.js';

const ATOM = fixture('arxiv-api/q_testing_s0_m10_bc5a6c384fe9.xml');
const HF = fixture('hf-daily/2024-05-27.json');
const seen: { path: string; headers: IncomingMessage['headers']; at: number }[] = [];
let flakyHits = 0;
let busyHits = 0;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const send = (status: number, body: string, headers: Record<string, string> = {}): Handler => (_req, res) => {
  res.writeHead(status, headers).end(body);
};

const routes: Record<string, Handler> = {
  '/feed.xml': (req, res) => {
    if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304).end();
    res.writeHead(200, { etag: '"v1"', 'content-type': 'application/atom+xml' }).end(ATOM);
  },
  '/truncated.xml': send(200, ATOM.slice(0, Math.floor(ATOM.length * 0.55))),
  '/truncated.json': send(200, HF.slice(0, Math.floor(HF.length * 0.5))),
  '/error-page': send(200, '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>', { 'content-type': 'text/html' }),
  '/500': send(500, 'Internal Server Error'),
  '/flaky': (req, res) => (++flakyHits === 1 ? send(503, 'busy')(req, res) : send(200, ATOM)(req, res)),
  '/slow': () => undefined,
  '/busy': (req, res) => (++busyHits === 1 ? send(429, 'slow down', { 'retry-after': '1' })(req, res) : send(200, ATOM)(req, res)),
  '/bomb.xml': send(200, '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><feed><entry><id>http://arxiv.org/abs/2401.00001v1</id><title>&lol2;</title></entry></feed>'),
  '/huge': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const pump = (): void => {
      while (sent < 8 * 1024 * 1024 && !res.destroyed) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  },
  '/no-title.jsonl': send(200, '{"id": "2401.00001", "title": "Has one"}\n{"id": "2401.00002", "abstract": "none"}\n{"id": "2401.00003", "title": "Also"}\n'),
  '/api-error': send(400, fixture('arxiv-api/id_abc_s0_m100_b79c8dcf6bc3.xml'), { 'content-type': 'application/atom+xml' }),
};

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers, at: Date.now() });
    (routes[req.url ?? ''] ?? send(404, 'not found'))(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

let t: ReturnType<typeof tempDb>;
let deps: IngestDeps;
beforeEach(() => {
  t = tempDb();
  seen.length = 0;
  deps = { db: t.db, fetch: { userAgent: 'Paperboy/0.1 (+http://test.local)', retries: 2, backoffMs: 5, timeoutMs: 2000, limiter: new HostLimiter(0) } };
});
afterEach(() => t.close());

/** Stores the 13 papers of a good file first, so each failure can show they stay intact. */
async function seed(): Promise<void> {
  const r = await ingestSource(deps, fixturePath('hf-daily/2024-05-27.json'));
  expect(r).toMatchObject({ new: 13, error: null });
}

describe('ingestSource over HTTP', () => {
  it('ingests a feed, records the run, and sends a User-Agent', async () => {
    const r = await ingestSource(deps, `${base}/feed.xml`);
    expect(r).toMatchObject({ format: 'arxiv-atom', fetched: 10, new: 10, updated: 0, rejected: 0, error: null, notModified: false });
    expect(seen[0].headers['user-agent']).toBe('Paperboy/0.1 (+http://test.local)');
    const [run] = recentRuns(t.db);
    expect(run).toMatchObject({ source: `${base}/feed.xml`, fetched: 10, new: 10, error: null });
    expect(run.finished).not.toBeNull();
  });

  it('makes the second fetch conditional and takes a 304 as "nothing new"', async () => {
    await ingestSource(deps, `${base}/feed.xml`);
    const r = await ingestSource(deps, `${base}/feed.xml`);
    expect(seen[1].headers['if-none-match']).toBe('"v1"');
    expect(r).toMatchObject({ notModified: true, fetched: 0, new: 0, error: null });
    expect(countPapers(t.db)).toBe(10);
  });

  it('keeps the good entries of a truncated XML feed and names what was cut', async () => {
    const r = await ingestSource(deps, `${base}/truncated.xml`);
    expect(r.error).toBeNull();
    expect(r.new).toBeGreaterThanOrEqual(4);
    expect(r.rejections.map((x) => x.reason)).toContain('the feed ends inside this entry (truncated?)');
    expect(countPapers(t.db)).toBe(r.new);
  });

  it('keeps the good entries of a truncated JSON file', async () => {
    const r = await ingestSource(deps, `${base}/truncated.json`);
    expect(r.format).toBe('hf-daily');
    expect(r.new).toBeGreaterThan(3);
    expect(r.rejections.at(-1)?.reason).toMatch(/ends before the array closes/);
  });

  it('fails a run that gets an HTML error page, leaving stored papers intact', async () => {
    await seed();
    const r = await ingestSource(deps, `${base}/error-page`);
    expect(r.error).toMatch(/HTML page, not a feed \("502 Bad Gateway"\)/);
    expect(countPapers(t.db)).toBe(13);
  });

  it('retries a 500 a bounded number of times, then reports it', async () => {
    await seed();
    const r = await ingestSource(deps, `${base}/500`);
    expect(r.error).toBe(`HTTP 500 Internal Server Error from ${base}/500 (after 3 attempts)`);
    expect(seen.filter((s) => s.path === '/500')).toHaveLength(3);
    expect(countPapers(t.db)).toBe(13);
    expect(recentRuns(t.db)[0].error).toBe(r.error);
  });

  it('succeeds when a retry does', async () => {
    flakyHits = 0;
    const r = await ingestSource(deps, `${base}/flaky`);
    expect(r).toMatchObject({ new: 10, error: null });
    expect(flakyHits).toBe(2);
  });

  it('waits as long as Retry-After asks before trying again', async () => {
    busyHits = 0;
    const r = await ingestSource(deps, `${base}/busy`);
    expect(r).toMatchObject({ new: 10, error: null });
    const [first, second] = seen.filter((s) => s.path === '/busy');
    expect(second.at - first.at).toBeGreaterThanOrEqual(950);
  });

  it('gives up on a server that never answers', async () => {
    const started = Date.now();
    const r = await ingestSource({ ...deps, fetch: { ...deps.fetch, timeoutMs: 300, retries: 1 } }, `${base}/slow`);
    expect(r.error).toBe(`no complete answer from ${base}/slow within 0.3 s (after 2 attempts)`);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses an entity-expansion bomb', async () => {
    const r = await ingestSource(deps, `${base}/bomb.xml`);
    expect(r.error).toMatch(/XML entity declarations are refused/);
    expect(countPapers(t.db)).toBe(0);
  });

  it('refuses a body over the size cap without reading it all', async () => {
    const r = await ingestSource({ ...deps, fetch: { ...deps.fetch, maxBytes: 1024 * 1024 } }, `${base}/huge`);
    expect(r.error).toBe(`${base}/huge is larger than the 1 MB limit; refused`);
    expect(seen.filter((s) => s.path === '/huge')).toHaveLength(1);
  });

  it('rejects a record without a title and stores the others', async () => {
    const r = await ingestSource(deps, `${base}/no-title.jsonl`, { format: 'jsonl' });
    expect(r).toMatchObject({ fetched: 3, new: 2, rejected: 1, rejections: [{ where: 'line 2', reason: 'no title' }] });
    expect(recentRuns(t.db)[0].rejections).toEqual([{ where: 'line 2', reason: 'no title' }]);
  });

  it('reports the message of an arXiv API error without retrying', async () => {
    const r = await ingestSource(deps, `${base}/api-error`);
    expect(r.error).toBe(`HTTP 400 Bad Request from ${base}/api-error: arXiv says "incorrect id format for abc"`);
    expect(seen).toHaveLength(1);
  });

  it('spaces requests to rate-limited hosts', async () => {
    const limited = { ...deps, fetch: { ...deps.fetch, limiter: new HostLimiter(400, /^127\.0\.0\.1$/) } };
    await ingestSource(limited, `${base}/no-title.jsonl`);
    await ingestSource(limited, `${base}/no-title.jsonl`);
    expect(seen[1].at - seen[0].at).toBeGreaterThanOrEqual(390);
  });
});

describe('ingestSource from files', () => {
  it('reads a gzipped JSONL file', async () => {
    const gz = join(t.dir, 'papers.jsonl.gz');
    writeFileSync(gz, gzipSync(fixture('arxiv-2026q2-200.jsonl')));
    expect(await ingestSource(deps, gz)).toMatchObject({ format: 'jsonl', new: 200, rejected: 0, error: null });
  });

  it('refuses a file over the size cap', async () => {
    const big = join(t.dir, 'big.jsonl');
    writeFileSync(big, Buffer.alloc(3 * 1024 * 1024, ' '));
    const r = await ingestSource({ ...deps, fetch: { maxBytes: 1024 * 1024 } }, big);
    expect(r.error).toBe(`${big} is larger than the 1 MB limit; refused`);
  });

  it('names a missing file', async () => {
    const r = await ingestSource(deps, '/nonexistent/feed.xml');
    expect(r.error).toMatch(/^cannot read \/nonexistent\/feed\.xml: ENOENT/);
  });

  it('loses only the record the database refuses, and keeps the batch around it', async () => {
    t.db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON papers WHEN NEW.id = '2603.27006'
               BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END`);
    const r = await ingestSource(deps, fixturePath('arxiv-2026q2-200.jsonl'), { batchSize: 50 });
    expect(r).toMatchObject({ new: 199, rejected: 1, error: null });
    expect(r.rejections).toEqual([{ where: 'paper 2603.27006', reason: 'could not be stored: refused by test trigger' }]);
    expect([...iteratePapers(t.db)].some((p) => p.id === '2603.27006')).toBe(false);
  });

  it('reports progress per batch', async () => {
    const calls: [number, number][] = [];
    await ingestSource(deps, fixturePath('arxiv-2026q2-200.jsonl'), { batchSize: 80, onProgress: (a, b) => calls.push([a, b]) });
    expect(calls).toEqual([[80, 200], [160, 200], [200, 200]]);
  });
});
