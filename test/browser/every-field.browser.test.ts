// Issue 23 in a real Chromium: on a new install (no paper stored), a subscriber ticks an arXiv category (astro-ph.CO)
// and a bioRxiv subject (Neuroscience) on the form; confirming fetches both at once from local HTTP servers standing
// in for rss.arxiv.org and api.biorxiv.org, and the first digest holds papers of both.
// No recorded astro-ph.CO feed was found (test/fixtures/sources/MANIFEST.md): the arXiv server answers the recorded
// cs.CL feed at astro-ph.CO's path, so the subscriber's topics (language models, brain) are what make its papers
// relevant; what is tested is that a category chosen on a new install is fetched in time for the first digest.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFeedFetcher, type FeedFetcher } from '../../src/ingest/on-demand.js';
import { HostLimiter } from '../../src/ingest/rate-limit.js';
import { sendDueDigests } from '../../src/mail/sender.js';
import { fixture } from '../helpers/ingest.js';
import { hrefs, openSite, type Site } from '../helpers/site.js';

describe('a new install, a physicist-biologist\'s first digest', () => {
  let site: Site | undefined;
  let server: Server;
  let fetcher: FeedFetcher;
  const asked: string[] = [];
  let release = () => {};
  const held = new Promise<void>((r) => { release = r; });

  beforeAll(async () => {
    server = createServer((req, res) => {
      asked.push(req.url!);
      void held.then(() => {
        if (req.url === '/rss/astro-ph.CO') return res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(fixture('arxiv-rss/cs.CL.rss.xml'));
        if (req.url!.startsWith('/details/biorxiv/')) return res.writeHead(200, { 'content-type': 'application/json' }).end(fixture('biorxiv/details-biorxiv-2026-07-15.json'));
        res.writeHead(404).end();
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const feeds = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    site = await openSite(() => undefined, { timezoneId: 'UTC' }, {
      env: { PAPERBOY_SOURCES: 'arxiv,biorxiv' },
      app: { feeds: (deps) => (fetcher = makeFeedFetcher({ ...deps, endpoints: { arxivRss: `${feeds}/rss/`, huggingface: `${feeds}/hf`, rxiv: `${feeds}/details/` },
        fetch: { ...deps.fetch, limiter: new HostLimiter(0), retries: 0 } })) },
    });
  });
  afterAll(async () => {
    release();
    await site?.close();
    server?.close();
  });

  it('ticks astro-ph.CO and a bioRxiv subject, found by name, and signs up', async () => {
    const { page, base, pb } = site!;
    expect(pb.ctx.db.prepare('SELECT count(*) FROM papers').pluck().get()).toBe(0);
    await page.goto(`${base}/`);
    await page.fill('#email', 'cosmo-neuro@example.org');
    await page.fill('#keywords', 'language models, brain');
    await page.click('summary:has-text("More options")');
    await page.fill('#category-filter', 'cosmology');
    await page.check('input[name="categories"][value="astro-ph.CO"]');
    await page.fill('#category-filter', 'neuroscience');
    expect(await page.isVisible('summary:has-text("bioRxiv (biology preprints)")')).toBe(true);
    await page.check('input[name="categories"][value="biorxiv.neuroscience"]');
    await page.fill('#category-filter', '');
    await page.selectOption('#hour', '0');
    await page.click('button[type="submit"]');
    await page.waitForURL(`${base}/subscribe/sent`);
    expect(pb.ctx.db.prepare('SELECT categories FROM subscribers').pluck().get()).toBe('["astro-ph.CO","biorxiv.neuroscience"]');
  });

  it('confirms, and the page says both are being fetched; they are, once each', async () => {
    const { page, smtp } = site!;
    const [mail] = await smtp.waitFor(1);
    await page.goto(hrefs(mail.html as string, '/confirm/')[0]);
    await page.click('button:has-text("Confirm subscription")');
    await page.waitForURL(/\/preferences\/[^/]+\?done=confirmed$/);
    expect(await page.textContent('main')).toContain('The newest papers in Cosmology and Nongalactic Astrophysics (astro-ph.CO), Neuroscience (biorxiv.neuroscience) are being fetched now');
    release();
    await fetcher.idle();
    expect(asked.map((u) => u.replace(/\d{4}-\d{2}-\d{2}/g, 'DAY'))).toEqual(['/rss/astro-ph.CO', '/details/biorxiv/DAY/DAY/0/json?category=neuroscience']);
    await page.reload();
    expect(await page.textContent('main')).not.toContain('being fetched now');
  });

  it('sends a first digest that holds papers of both', async () => {
    const { pb, smtp } = site!;
    const r = await sendDueDigests(pb.ctx, new Date());
    expect(r).toMatchObject({ due: 1, sent: 1 });
    const digest = (await smtp.waitFor(2))[1];
    const text = digest.text!;
    expect(text).toContain('The Last Fingerprint: How Markdown Training Shapes LLM Prose');
    expect(text).toContain('Laterality of subcortical structures predicts spontaneous brain dynamics');
    const ids = pb.ctx.db.prepare('SELECT paper_id FROM digest_items ORDER BY position').pluck().all() as string[];
    expect(ids.some((id) => id.startsWith('doi:10.64898/'))).toBe(true);
    expect(ids.some((id) => /^\d{4}\.\d{5}$/.test(id))).toBe(true);
  });
});
