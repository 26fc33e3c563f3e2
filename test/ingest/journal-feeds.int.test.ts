// Issue 23, item 3: journal feeds the operator adds (`paperboy feeds`, an OPML file, PAPERBOY_FEEDS), fetched by the
// scheduled ingest from a local HTTP server standing in for the publishers, and offered on the form.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { scheduledIngest } from '../../src/ingest/commands.js';
import { addCommand, importCommand, listCommand, removeCommand } from '../../src/ingest/feed-commands.js';
import { parseOpml } from '../../src/ingest/opml.js';
import { HostLimiter } from '../../src/ingest/rate-limit.js';
import { codeFor, listFeeds } from '../../src/store/feeds.js';
import { startPaperboy, type TestPaperboy } from '../helpers/app.js';
import { fixture, fixturePath } from '../helpers/ingest.js';

describe('naming journal feeds', () => {
  it('reads PAPERBOY_FEEDS as URLs or a file of them, refusing anything else by name', () => {
    const env = { PUBLIC_URL: 'http://paperboy.test', PAPERBOY_DB: '/tmp/x.db' };
    expect(loadConfig({ ...env, PAPERBOY_FEEDS: 'https://www.nature.com/nphys.rss, https://feeds.aps.org/rss/recent/prl.xml' }).PAPERBOY_FEEDS)
      .toEqual(['https://www.nature.com/nphys.rss', 'https://feeds.aps.org/rss/recent/prl.xml']);
    const file = join(mkdtempSync(join(tmpdir(), 'feeds-')), 'feeds.txt');
    writeFileSync(file, '# the lab\'s journals\nhttps://www.nature.com/nphys.rss\n\nhttps://www.science.org/rss/news_current.xml  # Science\n');
    expect(loadConfig({ ...env, PAPERBOY_FEEDS: file }).PAPERBOY_FEEDS).toEqual(['https://www.nature.com/nphys.rss', 'https://www.science.org/rss/news_current.xml']);
    expect(() => loadConfig({ ...env, PAPERBOY_FEEDS: 'ftp://x.org/feed' })).toThrow(/PAPERBOY_FEEDS.*"ftp:\/\/x.org\/feed" is not an http\(s\) feed URL/);
    expect(codeFor('https://www.nature.com/nphys.rss')).toBe('journal.nature-nphys-rss');
  });

  it('reads an OPML export: each feed once, with its name', () => {
    expect(parseOpml(fixture('journals/feeds.opml'))).toEqual({
      feeds: [{ url: 'https://9to5mac.com/feed/', title: '9to5Mac' }, { url: 'https://www.heise.de/rss/heise.rdf', title: 'heise online News' }],
      rejected: [],
    });
    const bad = '<opml version="2.0"><body>\n<outline text="x" xmlUrl="javascript:alert(1)"/>\n</body></opml>';
    expect(parseOpml(bad).rejected).toEqual([{ where: 'line 2', reason: '"javascript:alert(1)" is not an http(s) URL' }]);
    expect(() => parseOpml('<html><body></body></html>')).toThrow('not an OPML file');
    expect(() => parseOpml('<!DOCTYPE opml [<!ENTITY a "a">]><opml/>')).toThrow(/entity declarations are refused/);
  });
});

describe('journal feeds in the scheduled ingest', () => {
  let server: Server;
  let base: string;
  let pb: TestPaperboy;
  const asked: string[] = [];
  const log = pino({ level: 'silent' });
  const run = (feeds: string[] = []) => scheduledIngest({
    db: pb.ctx.db, publicUrl: 'http://paperboy.test', log, feeds, fetch: { limiter: new HostLimiter(0), retries: 0 },
  }, [`${base}/nothing.jsonl`]);

  beforeAll(async () => {
    server = createServer((req, res) => {
      asked.push(req.url!);
      if (req.url === '/nature.rss') return res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(fixture('journals/nature.rss'));
      if (req.url === '/science.rss') return res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(fixture('journals/science.rss'));
      if (req.url === '/nothing.jsonl') return res.writeHead(200, { 'content-type': 'application/json' }).end('');
      // A feed of 50 MB and a byte, sent without Content-Length: the reader stops at the cap.
      if (req.url === '/huge.rss') {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        const item = fixture('journals/science.rss');
        const chunk = Buffer.alloc(1024 * 1024, ' ');
        res.write(item.slice(0, item.indexOf('<item>')));
        for (let i = 0; i < 50; i++) res.write(chunk);
        return res.end('x');
      }
      // Cut off mid-entry, as a dropped connection leaves it.
      if (req.url === '/cut.rss') return res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(fixture('journals/science.rss').slice(0, 700));
      // A journal whose feed moved: its portal answers an HTML page with status 200.
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><head><title>Page not found</title></head></html>');
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    pb = await startPaperboy();
  });
  afterAll(async () => {
    await pb?.close();
    await new Promise((ok) => server?.close(ok));
  });

  it('keeps feeds added by command and from OPML, lists and removes them', () => {
    expect(addCommand(pb.ctx.db, `${base}/nature.rss`, undefined)).toEqual([
      `added journal.nature-rss  (named by the feed once fetched)  ${base}/nature.rss`,
      'subscribers can follow it as "127.0.0.1"; serve fetches it at its next ingest (INGEST_CRON)',
    ]);
    expect(addCommand(pb.ctx.db, `${base}/nature.rss`, 'Another name')[0]).toMatch(/^already kept: /);
    expect(() => addCommand(pb.ctx.db, 'nature.rss', undefined)).toThrow('"nature.rss" is not an http(s) feed URL');
    const imported = importCommand(pb.ctx.db, fixturePath('journals/feeds.opml'));
    expect(imported.at(-1)).toBe(`${fixturePath('journals/feeds.opml')}: 2 feeds added, 0 already kept, 0 skipped`);
    expect(listCommand(pb.ctx.db, []).map((l) => l.split('  ')[0])).toEqual(['journal.nature-rss', 'journal.to-mac-feed', 'journal.heise-rss-heise-rdf']);
    expect(removeCommand(pb.ctx.db, 'journal.to-mac-feed', [])[0]).toMatch(/^removed journal\.to-mac-feed  9to5Mac/);
    expect(removeCommand(pb.ctx.db, 'https://www.heise.de/rss/heise.rdf', [])[0]).toMatch(/^removed /);
    expect(() => removeCommand(pb.ctx.db, 'journal.to-mac-feed', [])).toThrow('no feed with the URL or code "journal.to-mac-feed"');
    expect(() => removeCommand(pb.ctx.db, `${base}/science.rss`, [`${base}/science.rss`])).toThrow('is listed in PAPERBOY_FEEDS: remove it there');
  });

  it('fetches every feed on each run, its papers tagged with the feed\'s code, named by its own title; a broken feed fails alone', async () => {
    await run([`${base}/science.rss`, `${base}/moved.rss`]);
    expect(asked).toEqual(['/nothing.jsonl', '/nature.rss', '/science.rss', '/moved.rss']);
    const feeds = listFeeds(pb.ctx.db);
    expect(feeds.map((f) => [f.code, f.title, f.origin])).toEqual([
      ['journal.nature-rss', 'Nature', 'command'], ['journal.science-rss', 'Science: Table of Contents', 'env'], ['journal.moved-rss', null, 'env'],
    ]);
    const rows = pb.ctx.db.prepare('SELECT id, categories, doi FROM papers ORDER BY id').all() as { id: string; categories: string; doi: string | null }[];
    expect(rows).toHaveLength(8);
    expect(rows.filter((r) => r.categories === '["journal.nature-rss"]')).toHaveLength(4);
    expect(rows.filter((r) => r.categories === '["journal.science-rss"]').map((r) => r.id)).toEqual([
      'doi:10.1126/science.adk1234', 'doi:10.1126/science.adq5678', 'doi:10.1126/science.aem8458', 'doi:10.1126/science.aex0001']);
    const runs = pb.ctx.db.prepare('SELECT source, format, new, error FROM ingest_runs ORDER BY id').all();
    expect(runs.slice(1)).toEqual([
      { source: `${base}/nature.rss`, format: 'journal', new: 4, error: null },
      { source: `${base}/science.rss`, format: 'journal', new: 4, error: null },
      { source: `${base}/moved.rss`, format: 'journal', new: 0, error: 'an HTML page, not a feed ("Page not found"): is the URL right, or is the server reporting an error?' },
    ]);
    // The same entries again: one row each, nothing new.
    await run([`${base}/science.rss`]);
    expect(pb.ctx.db.prepare('SELECT count(*) FROM papers').pluck().get()).toBe(8);
    expect(listFeeds(pb.ctx.db).map((f) => f.code)).toEqual(['journal.nature-rss', 'journal.science-rss']);
  });

  it('refuses a 50 MB feed and keeps the whole entries of a cut-off one, each beside the others unaffected', async () => {
    const before = pb.ctx.db.prepare('SELECT count(*) FROM papers').pluck().get() as number;
    await run([`${base}/science.rss`, `${base}/huge.rss`, `${base}/cut.rss`]);
    const runs = pb.ctx.db.prepare('SELECT source, new, updated, rejected, error FROM ingest_runs ORDER BY id DESC LIMIT 3').all().reverse();
    expect(runs).toEqual([
      { source: `${base}/science.rss`, new: 0, updated: 0, rejected: 0, error: null },
      { source: `${base}/huge.rss`, new: 0, updated: 0, rejected: 0, error: `${base}/huge.rss is larger than the 50 MB limit; refused` },
      { source: `${base}/cut.rss`, new: 0, updated: 1, rejected: 2, error: null },
    ]);
    // The cut feed's one whole entry is a paper already stored (Science's): it gains that feed's code; nothing is half-stored.
    expect(pb.ctx.db.prepare('SELECT count(*) FROM papers').pluck().get()).toBe(before);
    expect(JSON.parse(pb.ctx.db.prepare('SELECT rejections FROM ingest_runs ORDER BY id DESC LIMIT 1').pluck().get() as string)).toEqual([
      { where: 'item 2 (line 7)', reason: 'the feed ends inside this item (truncated?)' }, { where: 'end of file', reason: 'no closing </rss> (truncated?)' }]);
    await run([`${base}/science.rss`]);
  });

  it('offers each feed on the form under Journals, by its name, and a subscriber may follow it', async () => {
    const home = (await pb.app.inject('/')).body;
    expect(home).toMatch(/<summary>Journals <span class="muted">2 categories/);
    expect(home).toContain('<input type="checkbox" name="categories" value="journal.nature-rss"> <span>Nature <span class="code">journal.nature-rss</span></span>');
    const ok = await pb.app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email: 'chem@example.org', categories: ['journal.science-rss', 'astro-ph.CO'] } });
    expect(ok.statusCode).toBe(202);
    const unknown = await pb.app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email: 'x@example.org', categories: ['journal.nowhere'] } });
    expect(unknown.statusCode).toBe(400);
  });
});
