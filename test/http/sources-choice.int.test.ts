// Issue 23, item 5: each subscriber chooses the sources their papers come from. The preferences page lists the
// sources with what each brought this past week; the ranker takes candidates only from the chosen ones (all by
// default). The real app on a real SQLite file; papers from the recorded fixtures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArxivRss } from '../../src/ingest/arxiv-rss.js';
import { parseJournalFeed } from '../../src/ingest/journal-feed.js';
import { parseRxivDetails } from '../../src/ingest/rxiv.js';
import { makeRanker } from '../../src/digest/choose.js';
import { fromSources, paperSources } from '../../src/rank/sources.js';
import { rateWords } from '../../src/http/views.js';
import { addFeed } from '../../src/store/feeds.js';
import { upsertPapers } from '../../src/store/papers.js';
import { getSubscriber } from '../../src/store/subscribers.js';
import { startPaperboy, submit, type TestPaperboy } from '../helpers/app.js';
import { fixture } from '../helpers/ingest.js';
import { activeSubscriber, FORM, form, pathOf } from '../helpers/http-fixtures.js';

describe('the sources of a paper', () => {
  it('are read off the paper: arXiv id, upvotes, a bioRxiv or medRxiv subject, journal codes', () => {
    const [arxiv] = parseArxivRss(fixture('arxiv-rss/cs.CL.rss.xml')).papers;
    const [bio] = parseRxivDetails(fixture('biorxiv/details-biorxiv-2026-07-15.json')).papers;
    expect(paperSources(arxiv)).toEqual(['arxiv']);
    expect(paperSources({ ...arxiv, upvotes: 3, categories: ['cs.CL', 'journal.nature-rss'] })).toEqual(['arxiv', 'huggingface', 'journal.nature-rss']);
    expect(paperSources(bio)).toEqual(['biorxiv']);
    expect(fromSources([arxiv, bio], ['biorxiv'])).toEqual([bio]);
    expect(fromSources([arxiv, bio], [])).toEqual([arxiv, bio]);
    expect([rateWords(840), rateWords(7), rateWords(3), rateWords(0)]).toEqual(['about 120 papers a day', 'about 1 paper a day', 'about 3 papers a week', 'no paper this week yet']);
  });
});

describe('choosing sources on the preferences page', () => {
  let pb: TestPaperboy;
  beforeAll(async () => {
    pb = await startPaperboy({ PAPERBOY_SOURCES: 'arxiv,biorxiv' });
    const { feed } = addFeed(pb.ctx.db, 'https://www.science.org/rss/toc.xml', 'command', new Date(), 'Science');
    upsertPapers(pb.ctx.db, [
      ...parseArxivRss(fixture('arxiv-rss/cs.CL.rss.xml')).papers,
      ...parseRxivDetails(fixture('biorxiv/details-biorxiv-2026-07-15.json')).papers,
      ...parseJournalFeed(fixture('journals/science.rss')).papers.map((p) => ({ ...p, categories: [feed.code] })),
    ]);
  });
  afterAll(() => pb?.close());

  it('lists the sources with what each brought this week, none ticked', async () => {
    const sub = activeSubscriber(pb, 'choosy@example.org', { keywords: ['language models', 'brain', 'superconductor'] });
    const page = (await pb.app.inject(pathOf(pb.ctx.links.preferences(sub)))).body;
    expect(page).toContain('<legend>Sources</legend>');
    expect(page).toContain('<input type="checkbox" name="sources" value="arxiv"> <span>arXiv <span class="muted">about 4 papers a week</span></span>');
    expect(page).toContain('<input type="checkbox" name="sources" value="biorxiv"> <span>bioRxiv <span class="muted">about 3 papers a week</span></span>');
    expect(page).toContain('<input type="checkbox" name="sources" value="journal.science-rss-toc-xml"> <span>Science <span class="muted">about 4 papers a week</span></span>');
    // Every source by default: the digest ranks papers of all three.
    const all = makeRanker(pb.ctx.db, new Date(), { memo: false })(getSubscriber(pb.ctx.db, sub.id)!);
    expect(new Set(all.flatMap((r) => paperSources(r.paper)))).toEqual(new Set(['arxiv', 'biorxiv', 'journal.science-rss-toc-xml']));
  });

  it('saves the sources ticked, and the ranker then takes candidates from those only', async () => {
    const sub = getSubscriber(pb.ctx.db, activeSubscriber(pb, 'choosy@example.org').id)!;
    const url = pathOf(pb.ctx.links.preferences(sub));
    const res = await submit(pb.app, { url, headers: FORM, payload: form({
      keywords: 'language models, brain, superconductor', hour: '0', timezone: 'UTC', frequency: 'daily', weekday: '1', digestSize: '10',
      weakDay: 'note', pausedUntil: '', sources: ['biorxiv', 'journal.science-rss-toc-xml'],
    }) });
    expect(res.posted).toBe(303);
    expect(res.body).toContain('value="biorxiv" checked');
    expect(res.body).not.toContain('value="arxiv" checked');
    const saved = getSubscriber(pb.ctx.db, sub.id)!;
    expect(saved.sources).toEqual(['biorxiv', 'journal.science-rss-toc-xml']);
    // "Download my data" says so too.
    const data = await pb.app.inject(`${pathOf(pb.ctx.links.preferences(saved))}/data`);
    expect(data.json().subscriber.sources).toEqual(['biorxiv', 'journal.science-rss-toc-xml']);
    const ranked = makeRanker(pb.ctx.db, new Date(), { memo: false })(saved);
    expect(ranked.length).toBeGreaterThan(0);
    expect(ranked.every((r) => paperSources(r.paper).some((s) => s === 'biorxiv' || s === 'journal.science-rss-toc-xml'))).toBe(true);
  });

  it('refuses a source that is none', async () => {
    const sub = getSubscriber(pb.ctx.db, activeSubscriber(pb, 'choosy@example.org').id)!;
    const res = await pb.app.inject({ method: 'POST', url: pathOf(pb.ctx.links.preferences(sub)), headers: FORM, payload: form({ hour: '8', sources: 'zotero' }) });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('is not a source Paperboy offers');
  });
});
