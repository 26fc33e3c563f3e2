// Issue 23, item 1: every arXiv category on the form of a fresh install, and a category nobody followed before
// fetched as soon as a subscriber confirms it, from a local HTTP server standing in for rss.arxiv.org.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostLimiter } from '../../src/ingest/rate-limit.js';
import { makeFeedFetcher, type FeedFetcher } from '../../src/ingest/on-demand.js';
import { categoryGroups } from '../../src/http/views.js';
import { LISTED_CATEGORIES } from '../../src/taxonomy.js';
import { linkPath, startPaperboy, type TestPaperboy } from '../helpers/app.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { fixture } from '../helpers/ingest.js';
import { FORM } from '../helpers/http-fixtures.js';

describe('all of arXiv on the form', () => {
  it('lists every category arXiv has, grouped by archive, aliases once', () => {
    const groups = categoryGroups([], [], true);
    const codes = groups.flatMap((g) => g.categories.map((c) => c.code));
    expect(codes).toHaveLength(LISTED_CATEGORIES.length);
    expect(codes).toEqual(expect.arrayContaining(['astro-ph.CO', 'math.AP', 'q-bio.NC', 'hep-th', 'cond-mat.stat-mech', 'econ.EM']));
    // stat.TH is math.ST under another code: offered once, as math.ST.
    expect(codes).not.toContain('stat.TH');
    expect(codes).toContain('math.ST');
    expect(groups.find((g) => g.name === 'Astrophysics')!.categories.map((c) => c.code)).toContain('astro-ph.CO');
    // Without `all` (the archive's filter) only categories with papers are offered, as before.
    expect(categoryGroups([{ code: 'cs.CV', papers: 3 }], []).flatMap((g) => g.categories.map((c) => c.code))).toEqual(['cs.CV']);
    // An alias someone chose is still shown, ticked.
    expect(categoryGroups([], ['stat.TH'], true).flatMap((g) => g.categories).find((c) => c.code === 'stat.TH')).toMatchObject({ checked: true });
  });
});

describe('a category chosen for the first time', () => {
  let pb: TestPaperboy;
  let smtp: TestSmtp;
  let server: Server;
  let fetcher: FeedFetcher;
  const asked: string[] = [];
  let hold: Promise<void> = Promise.resolve();
  let release = () => {};

  beforeAll(async () => {
    const feed = fixture('arxiv-rss/cs.CL.rss.xml');
    server = createServer((req, res) => {
      asked.push(req.url!);
      void hold.then(() => {
        if (req.url === '/rss/astro-ph.CO' || req.url === '/rss/math.AP') res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed);
        else res.writeHead(500).end('down');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    smtp = await startSmtp();
    pb = await startPaperboy({ SMTP_URL: smtp.url, PAPERBOY_SOURCES: 'arxiv' }, {
      rateLimit: { max: 1000, timeWindowMs: 60_000 },
      feeds: (deps) => (fetcher = makeFeedFetcher({ ...deps, endpoints: { arxivRss: `${base}/rss/`, huggingface: `${base}/hf` },
        fetch: { ...deps.fetch, limiter: new HostLimiter(0), retries: 0 } })),
    });
  });
  afterAll(async () => {
    release();
    await pb?.close();
    await smtp?.close();
    server?.close();
  });

  it('is offered on a fresh install, where no paper has it, and a sign-up may tick it', async () => {
    const home = (await pb.app.inject('/')).body;
    expect(home).toContain('<input type="checkbox" name="categories" value="astro-ph.CO"> <span>Cosmology and Nongalactic Astrophysics <span class="code">astro-ph.CO</span></span>');
    expect(home).toContain('value="math.AP"');
    expect(home).toContain('data-category-none');
    const res = await pb.app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email: 'cosmo@example.org', categories: ['astro-ph.CO'] } });
    expect(res.statusCode).toBe(202);
  });

  it('is fetched at once when the sign-up is confirmed, and the page says its papers are on their way', async () => {
    hold = new Promise((r) => { release = r; });
    const [mail] = await smtp.waitFor(1);
    // A mail scanner's GET and HEAD on the link confirm nothing, so they fetch nothing either.
    for (const method of ['GET', 'HEAD'] as const) expect((await pb.app.inject({ method, url: linkPath(mail.text!, 'confirm') })).statusCode).toBe(200);
    expect([...fetcher.pending()]).toEqual([]);
    expect(asked).toEqual([]);
    const confirmed = await pb.app.inject({ method: 'POST', url: linkPath(mail.text!, 'confirm'), headers: FORM });
    expect(confirmed.statusCode).toBe(303);
    const prefs = String(confirmed.headers.location);
    const page = (await pb.app.inject(prefs)).body;
    expect(page).toContain('You are subscribed');
    expect(page).toContain('The newest papers in Cosmology and Nongalactic Astrophysics (astro-ph.CO) are being fetched now');
    expect([...fetcher.pending()]).toEqual(['astro-ph.CO']);
    release();
    await fetcher.idle();
    expect(asked).toEqual(['/rss/astro-ph.CO']);
    const stored = pb.ctx.db.prepare('SELECT COUNT(*) FROM papers').pluck().get() as number;
    expect(stored).toBeGreaterThan(0);
    const runs = pb.ctx.db.prepare('SELECT source, error, new FROM ingest_runs').all();
    expect(runs).toEqual([{ source: expect.stringMatching(/\/rss\/astro-ph\.CO$/), error: null, new: stored }]);
    // Fetched once: the page no longer says so, and choosing it again fetches nothing.
    expect((await pb.app.inject(prefs)).body).not.toContain('are being fetched now');
    expect(fetcher.request(['astro-ph.CO'])).toEqual([]);
  });

  it('refetches nothing already fetched, skips unknown codes, and counts a feed that failed as not yet fetched', async () => {
    expect(fetcher.request(['astro-ph.CO', 'cs.XY', 'math.AP', 'math.AP'])).toEqual(['math.AP']);
    await fetcher.idle();
    expect(fetcher.request(['hep-th'])).toEqual(['hep-th']);
    await fetcher.idle();
    // The feed answered 500: the run failed, so the next choice of hep-th tries again.
    expect(fetcher.request(['hep-th'])).toEqual(['hep-th']);
    await fetcher.idle();
    expect(asked).toEqual(['/rss/astro-ph.CO', '/rss/math.AP', '/rss/hep-th', '/rss/hep-th']);
  });
});

describe('without arXiv among the sources', () => {
  it('fetches nothing when a category is chosen (PAPERBOY_SOURCES=none, as in tests and offline installs)', async () => {
    let fetcher: FeedFetcher | undefined;
    const pb = await startPaperboy({}, { feeds: (deps) => (fetcher = makeFeedFetcher(deps)) });
    try {
      expect(fetcher!.request(['astro-ph.CO'])).toEqual([]);
      expect(fetcher!.pending().size).toBe(0);
    } finally {
      await pb.close();
    }
  });
});
