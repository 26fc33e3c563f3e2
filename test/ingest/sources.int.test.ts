// The default sources — Hugging Face daily papers (today and missed days) and the arXiv feeds of the
// subscribers' categories — fetched from local HTTP servers standing in for huggingface.co and rss.arxiv.org.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduledIngest, sourcesCommand } from '../../src/ingest/commands.js';
import { fetchUrl } from '../../src/ingest/fetch.js';
import { ingestWarnings } from '../../src/ingest/health.js';
import { HostLimiter } from '../../src/ingest/rate-limit.js';
import { addDays, describeSources, ENDPOINTS, hfDays, planSources } from '../../src/ingest/sources.js';
import { getSetting } from '../../src/store/settings.js';
import { startPaperboy, type TestPaperboy } from '../helpers/app.js';
import { freePort } from '../helpers/chromium.js';
import { fixture } from '../helpers/ingest.js';

describe('planning the named sources', () => {
  it('fetches today and the two days before on a first run, then from the last good day, at most a week back', () => {
    expect(hfDays('2026-11-29', null)).toEqual(['2026-11-27', '2026-11-28', '2026-11-29']);
    expect(hfDays('2026-11-29', '2026-11-29')).toEqual(['2026-11-29']);
    expect(hfDays('2026-11-29', '2026-11-26')).toEqual(['2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29']);
    expect(hfDays('2026-11-29', '2026-10-01')).toHaveLength(7);
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('expands huggingface and arxiv, keeps files and URLs, and names them for the start-up line', () => {
    const plan = planSources(['huggingface', 'arxiv', 'feeds/lab.jsonl'], { today: '2026-11-29', hfLastDay: '2026-11-29', categories: ['cs.CL', 'stat.ML'] });
    expect(plan).toEqual([
      { source: 'https://huggingface.co/api/daily_papers?date=2026-11-29&limit=100', format: 'hf-daily', hfDay: '2026-11-29' },
      { source: 'https://rss.arxiv.org/rss/cs.CL', format: 'arxiv-rss' },
      { source: 'https://rss.arxiv.org/rss/stat.ML', format: 'arxiv-rss' },
      { source: 'feeds/lab.jsonl' },
    ]);
    expect(describeSources(['huggingface', 'arxiv'])).toBe("Hugging Face daily papers, arXiv feeds of the subscribers' categories");
    expect(describeSources(['biorxiv', 'medrxiv'])).toBe('bioRxiv subjects the subscribers follow, medRxiv subjects the subscribers follow');
    expect(describeSources([])).toMatch(/^none \(PAPERBOY_SOURCES=none/);
  });

  it('cannot reach the real sources from a test', async () => {
    await expect(fetchUrl(`${ENDPOINTS.huggingface}?date=2026-11-29`, { retries: 0 })).rejects.toThrow(/tests never use the network/);
  });
});

describe('scheduled ingest of the default sources', () => {
  let server: Server;
  let base: string;
  let closedUrl: string;
  let pb: TestPaperboy;
  const requests: { path: string; ifNoneMatch?: string }[] = [];
  const logs: { level: number; msg: string; source?: string; warning?: string }[] = [];
  const log = pino({ level: 'info' }, new Writable({ write(chunk, _e, done) { logs.push(JSON.parse(String(chunk))); done(); } }));
  // Today's date, so /healthz (which reads the clock) sees these runs as recent.
  const today = new Date().toISOString().slice(0, 10);
  const hf = fixture('hf-daily/2026-08-03.json');
  const etag = `"${createHash('sha1').update(hf).digest('hex')}"`;
  const GAP_MS = 250;
  // The limiter's own clock, moved only by its waits: the spacing is checked where it is made, not by the time
  // requests happen to arrive (under load the first could arrive late and the next one less than GAP_MS after it).
  let clock = 0;
  const released: { path: string; at: number }[] = [];
  const spacing = new HostLimiter(GAP_MS, /^127\.0\.0\.1$/, () => clock, async (ms) => { clock += ms; });
  const METRICS_TOKEN = 'operator-token-0123456789abcdef';

  /** Runs the job as serve does, against the local servers, at `now`. */
  const run = (now: Date) => scheduledIngest({
    db: pb.ctx.db, publicUrl: 'http://paperboy.test', log, now: () => now,
    endpoints: { huggingface: `${base}/api/daily_papers`, arxivRss: `${base}/rss/` },
    // Loopback stands in for arxiv.org: the same limiter, spacing requests GAP_MS apart instead of 3 s.
    fetch: {
      limiter: { wait: async (url: string) => { await spacing.wait(url); released.push({ path: new URL(url).pathname, at: clock }); } },
      retries: 0,
    },
  }, ['huggingface', 'arxiv', closedUrl]);

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      requests.push({ path: url.pathname + url.search, ifNoneMatch: req.headers['if-none-match'] });
      if (url.pathname === '/api/daily_papers') {
        if (url.searchParams.get('date') !== today) return res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
        if (req.headers['if-none-match'] === etag) return res.writeHead(304).end();
        return res.writeHead(200, { 'content-type': 'application/json', etag }).end(hf);
      }
      if (url.pathname === '/rss/cs.CL') return res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(fixture('arxiv-rss/cs.CL.rss.xml'));
      // A feed that answers an HTML page (a portal, a login wall, an error page with status 200).
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><head><title>Service moved</title></head><body>Moved</body></html>');
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // With a key in its query string: /healthz must not show it.
    closedUrl = `http://127.0.0.1:${await freePort()}/lab-feed.jsonl?api_key=s3cret`;
    pb = await startPaperboy({ METRICS_TOKEN });
    const add = pb.ctx.db.prepare(`INSERT INTO subscribers (email, status, categories, created_at) VALUES (?, ?, ?, '2026-01-01')`);
    add.run('a@example.org', 'active', '["cs.CL","cs.HC"]');
    add.run('b@example.org', 'active', '["cs.CL"]');
    add.run('c@example.org', 'pending', '["cs.RO"]');
    // Stored before sign-ups were checked against arXiv's list (issue 21): no feed is fetched for it.
    add.run('d@example.org', 'active', '["daily"]');
  });
  afterAll(async () => {
    await pb?.close();
    await new Promise((ok) => server?.close(ok));
  });

  it('fetches the missed Hugging Face days and the feeds of the active subscribers\' categories, arXiv ones spaced apart', async () => {
    await run(new Date(`${today}T10:00:00Z`));
    expect(requests.map((r) => r.path)).toEqual([
      ...[addDays(today, -2), addDays(today, -1), today].map((d) => `/api/daily_papers?date=${d}&limit=100`),
      '/rss/cs.CL', '/rss/cs.HC',
    ]);
    const rss = released.filter((r) => r.path.startsWith('/rss/'));
    expect(rss.map((r) => r.path)).toEqual(['/rss/cs.CL', '/rss/cs.HC']);
    expect(rss[1].at - rss[0].at).toBeGreaterThanOrEqual(GAP_MS);
    expect(pb.ctx.db.prepare('SELECT count(*) FROM papers').pluck().get()).toBe(22 + 4);
    expect(getSetting(pb.ctx.db, 'hf_daily_last_day')).toBe(today);
  });

  it('records why a source failed: unreachable, or an HTML page instead of a feed', async () => {
    const failed = Object.fromEntries(logs.filter((l) => l.msg === 'ingest failed').map((l) => [l.source, (l as { error?: string }).error]));
    expect(failed[`${base}/rss/cs.HC`]).toMatch(/an HTML page, not a feed \("Service moved"\)/);
    expect(failed[closedUrl]).toMatch(/cannot fetch .*ECONNREFUSED/);
    expect(logs.filter((l) => l.msg === 'ingested')).toHaveLength(4);
  });

  it('asks again only from the last good day, with a conditional GET', async () => {
    requests.length = 0;
    await run(new Date(`${today}T11:00:00Z`));
    const hfAsked = requests.filter((r) => r.path.startsWith('/api/'));
    expect(hfAsked).toEqual([{ path: `/api/daily_papers?date=${today}&limit=100`, ifNoneMatch: etag }]);
    expect(sourcesCommand(pb.ctx.db).join('\n')).toContain(`${base}/api/daily_papers?date=${today}&limit=100  hf-daily  not modified`);
  });

  it('warns about a source that keeps failing, in the log, /healthz and `paperboy sources`', async () => {
    logs.length = 0;
    await run(new Date(`${today}T12:00:00Z`));
    const warned = logs.filter((l) => l.msg === 'ingest needs attention').map((l) => l.warning);
    expect(warned).toHaveLength(2);
    expect(warned).toEqual(expect.arrayContaining([
      expect.stringMatching(new RegExp(`^${base}/rss/cs.HC failed its last 3 runs \\(since ${today}T10:00:00.000Z\\): an HTML page`)),
      expect.stringMatching(/lab-feed\.jsonl\?api_key=s3cret failed its last 3 runs .*ECONNREFUSED/),
    ]));
    // Only the operator sees them, with URLs shown as the ingest runs are: no credentials, no query string.
    expect((await pb.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const health = (await pb.app.inject({ url: '/healthz', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).json() as { warnings: string[] };
    expect(health.warnings).toHaveLength(2);
    expect(health.warnings).toEqual(expect.arrayContaining([
      expect.stringMatching(new RegExp(`^${base}/rss/cs.HC failed its last 3 runs`)),
      expect.stringMatching(new RegExp(`^${closedUrl.replace(/\?.*/, '').replace(/[.]/g, '\\.')} failed its last 3 runs .*ECONNREFUSED`)),
    ]));
    expect(JSON.stringify(health)).not.toContain('s3cret');
    expect(sourcesCommand(pb.ctx.db, 20, new Date(`${today}T12:00:00Z`)).slice(0, 2).every((l) => l.startsWith('WARNING: '))).toBe(true);
  });

  it('warns when the store got no new paper for 2 days', () => {
    expect(ingestWarnings(pb.ctx.db, new Date(`${today}T12:00:00Z`)).some((w) => w.startsWith('no new paper'))).toBe(false);
    const later = ingestWarnings(pb.ctx.db, new Date(Date.parse(`${today}T12:00:00Z`) + 3 * 86_400_000));
    expect(later.filter((w) => !w.includes('failed its last'))).toEqual([expect.stringMatching(/^no new paper stored for 3 days \(the newest was first seen .*\): check the sources/)]);
  });
});

describe('a Hugging Face day that failed', () => {
  it('is asked for again at the next run, with the days after it', async () => {
    const asked: string[] = [];
    let failing = true;
    const server = createServer((req, res) => {
      const day = new URL(req.url!, 'http://x').searchParams.get('date')!;
      asked.push(day);
      if (failing && day === '2026-11-28') return res.writeHead(503).end('busy');
      res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const pb = await startPaperboy();
    try {
      const run = () => scheduledIngest({
        db: pb.ctx.db, publicUrl: 'http://paperboy.test', log: pino({ level: 'silent' }), now: () => new Date('2026-11-29T10:00:00Z'),
        endpoints: { huggingface: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/daily_papers`, arxivRss: 'http://127.0.0.1:1/' },
        fetch: { retries: 0 },
      }, ['huggingface']);
      await run();
      expect(asked).toEqual(['2026-11-27', '2026-11-28', '2026-11-29']);
      expect(getSetting(pb.ctx.db, 'hf_daily_last_day')).toBe('2026-11-27');
      failing = false;
      asked.length = 0;
      await run();
      expect(asked).toEqual(['2026-11-27', '2026-11-28', '2026-11-29']);
      expect(getSetting(pb.ctx.db, 'hf_daily_last_day')).toBe('2026-11-29');
    } finally {
      await pb.close();
      await new Promise((ok) => server.close(ok));
    }
  });
});

describe('a first ingest where every source fails', () => {
  it('says in one line what to check: the network, or PAPERBOY_SOURCES=none and files', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const pb = await startPaperboy();
    const logs: { level: number; msg: string }[] = [];
    const log = pino({ level: 'info' }, new Writable({ write(chunk, _e, done) { logs.push(JSON.parse(String(chunk))); done(); } }));
    try {
      await scheduledIngest({
        db: pb.ctx.db, publicUrl: 'http://paperboy.test', log, now: () => new Date('2026-11-29T10:00:00Z'),
        endpoints: { huggingface: `${closed}/api/daily_papers`, arxivRss: `${closed}/rss/` }, fetch: { retries: 0 },
      }, ['huggingface', 'arxiv']);
      expect(logs.filter((l) => l.msg === 'ingest failed')).toHaveLength(3);
      expect(logs.filter((l) => l.msg.startsWith('all '))).toEqual([expect.objectContaining({ level: 40,
        msg: 'all 3 sources failed: is there a network connection, or an outgoing proxy in the way? This host needs https to huggingface.co, ' +
          'rss.arxiv.org and api.biorxiv.org. Offline, set PAPERBOY_SOURCES=none and add papers with `paperboy ingest <file>`' })]);
    } finally {
      await pb.close();
    }
  });
});
