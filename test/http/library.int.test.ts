import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArxivAtom } from '../../src/ingest/arxiv-atom.js';
import { parseJsonl } from '../../src/ingest/jsonl.js';
import { PROFILE_LIMITS } from '../../src/rank/limits.js';
import { upsertPapers } from '../../src/store/papers.js';
import { findByEmail } from '../../src/store/subscribers.js';
import { startPaperboy, type TestPaperboy } from '../helpers/app.js';
import { activeSubscriber, FORM, form, pathOf } from '../helpers/http-fixtures.js';

// A library through the real app and a real SQLite file holding real papers: the API, the sign-up form (a file
// upload), confirmation, and the preferences page.
const fixture = (name: string) => readFileSync(`test/fixtures/library/${name}`, 'utf8');

/** A multipart/form-data body as a browser sends the form: text fields, and files as (name, filename, content). */
function multipart(fields: Record<string, string | string[]>, files: Record<string, [string, string | Buffer]> = {}) {
  const boundary = '----paperboyTestBoundary7MA4YWxkTrZu0gW';
  const parts: Buffer[] = [];
  for (const [k, vs] of Object.entries(fields)) {
    for (const v of [vs].flat()) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  for (const [k, [name, content]] of Object.entries(files)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`), Buffer.from(content), Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { ...FORM, 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe('a library over HTTP', () => {
  let pb: TestPaperboy;
  const api = (body: unknown) => pb.app.inject({ method: 'POST', url: '/api/subscriptions', payload: body as object });
  const entries = (email: string) => pb.ctx.db.prepare('SELECT e.title, e.paper_id AS paperId, e.matched_by AS matchedBy FROM library_entries e JOIN subscribers s ON s.id = e.subscriber_id WHERE s.email = ? ORDER BY e.position').all(email) as { title: string; paperId: string | null; matchedBy: string | null }[];
  /** What a refused request must not change (confirmation mails of earlier tests may still change their own rows). */
  const stored = () => ['subscribers', 'signup_requests', 'library_entries'].map((t) => pb.ctx.db.prepare(`SELECT count(*) FROM ${t}`).pluck().get());
  const lastRequest = (email: string) => pb.ctx.db.prepare(
    'SELECT r.id FROM signup_requests r JOIN subscribers s ON s.id = r.subscriber_id WHERE s.email = ? ORDER BY r.id DESC LIMIT 1').pluck().get(email) as number;
  const confirm = (email: string) => pb.app.inject({ method: 'POST', url: pathOf(pb.ctx.links.confirm(lastRequest(email))), headers: FORM, payload: '' });

  beforeAll(async () => {
    pb = await startPaperboy({}, { rateLimit: { max: 1000, timeWindowMs: 60_000 } });
    upsertPapers(pb.ctx.db, parseJsonl(readFileSync('test/fixtures/arxiv-2026q2-200.jsonl', 'utf8')).papers);
    upsertPapers(pb.ctx.db, parseArxivAtom(readFileSync('test/fixtures/arxiv-api/q_testing_s0_m10_bc5a6c384fe9.xml', 'utf8')).papers);
  });
  afterAll(() => pb.close());

  it('answers a sign-up with what the library came to, and keeps it only once the address is confirmed', async () => {
    const res = await api({ email: 'bib@example.org', keywords: ['retrieval'], library: fixture('zotero.bib') });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({
      status: 'pending',
      library: {
        sentence: 'Matched 13 of 15 entries to papers Paperboy knows; 2 more kept as text examples; 12 entries have no date added in the export ' +
          'and come after the dated ones; 3 entries skipped (1 repeated, 1 no title, 1 unreadable).',
        entries: 15, matched: 13, text: 2, waiting: 0, undated: 12, uploadDay: false,
        skipped: [
          { where: 'entry 16 (freeburg2026again)', reason: 'the same paper as entry 1 (freeburg2026last)' },
          { where: 'entry 17 (toread)', reason: 'no title, arXiv id or DOI' },
          { where: 'entry 18 (brokenlatex)', reason: expect.stringMatching(/LaTeX is broken/) },
        ],
      },
    });
    expect(entries('bib@example.org')).toEqual([]);
    // A mail scanner opening the confirmation link keeps nothing: only the page's button (a POST) confirms.
    const link = pathOf(pb.ctx.links.confirm(lastRequest('bib@example.org')));
    for (const method of ['GET', 'HEAD'] as const) expect((await pb.app.inject({ method, url: link })).statusCode, method).toBe(200);
    expect(entries('bib@example.org')).toEqual([]);
    expect(findByEmail(pb.ctx.db, 'bib@example.org')!.status).toBe('pending');
    expect((await confirm('bib@example.org')).statusCode).toBe(303);
    const kept = entries('bib@example.org');
    expect(kept).toHaveLength(15);
    expect(kept[0]).toEqual({ title: 'IntentGrasp: A Comprehensive Benchmark for Intent Understanding', paperId: null, matchedBy: null });
    expect(kept.filter((e) => e.matchedBy === 'doi').map((e) => e.paperId)).toEqual(['2202.12139', '2005.14124']);
  });

  it('refuses a library over 2 MB or 5,000 references with 413, and one it cannot read with 400 naming the line; nothing stored', async () => {
    const before = stored();
    const big = await api({ email: 'big@example.org', library: `Title\n${'x'.repeat(PROFILE_LIMITS.libraryBytes)}` });
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toMatchObject({ code: 'library_too_large', field: 'library' });
    const many = await api({ email: 'many@example.org', library: Array.from({ length: PROFILE_LIMITS.libraryEntries + 1 }, (_, i) => `Paper number ${i}`).join('\n') });
    expect(many.statusCode).toBe(413);
    expect(many.json().error.message).toMatch(/5,001 references/);
    const broken = await api({ email: 'broken@example.org', library: fixture('broken.bib') });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error).toEqual({ code: 'library_unreadable', field: 'library', message: expect.stringMatching(/^The library cannot be read: line 13: invalid BibTeX syntax/) });
    const ris = await api({ email: 'broken@example.org', library: fixture('broken.ris') });
    expect(ris.json().error.message).toMatch(/line 1: a RIS tag before the first record/);
    // Past the byte limit of the body itself (the library written out at worst): the same code.
    const huge = await pb.app.inject({ method: 'POST', url: '/api/subscriptions', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email: 'huge@example.org', library: '\u0001'.repeat(1_100_000) }) });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('library_too_large');
    // Other fields stay within 16 KB, library or not.
    const fat = await api({ email: 'fat@example.org', about: 'a'.repeat(17 * 1024), library: '2603.27006' });
    expect(fat.statusCode).toBe(413);
    expect(fat.json().error.code).toBe('body_too_large');
    // BibTeX macros that would expand to gigabytes: refused on the library thread, naming the limit (issue 21).
    const bomb = ['@string{m0 = "aaaaaaaaaa"}', ...Array.from({ length: 24 }, (_, i) => `@string{m${i + 1} = m${i} # m${i}}`),
      ...Array.from({ length: 4 }, (_, i) => `@misc{e${i}, title = m24, abstract = m24, note = m24}`)].join('\n');
    const expanded = await api({ email: 'bomb@example.org', library: bomb });
    expect(expanded.statusCode).toBe(413);
    expect(expanded.json().error).toEqual({ code: 'library_too_large', field: 'library', message: 'The library is too large to read: its @string macros expand to more than 4 MB of text. Nothing was stored' });
    expect(stored()).toEqual(before);
  });

  it('takes a .bib file on the sign-up form and says on "Check your inbox" what it understood', async () => {
    const { payload, headers } = multipart({ email: 'form@example.org', keywords: 'charts' }, { libraryFile: ['My Library.bib', fixture('zotero.bib')] });
    const res = await pb.app.inject({ method: 'POST', url: '/subscribe', payload, headers });
    expect(res.statusCode).toBe(303);
    const cookies = [res.headers['set-cookie']].flat().map((c) => String(c).split(';')[0]);
    const sent = await pb.app.inject({ method: 'GET', url: '/subscribe/sent', headers: { cookie: cookies.join('; ') } });
    expect(sent.body).toContain('Your library: Matched 13 of 15 entries to papers Paperboy knows; 2 more kept as text examples; 12 entries have no date added');
    expect(sent.body).toContain('entry 17 (toread): no title, arXiv id or DOI');
    expect(findByEmail(pb.ctx.db, 'form@example.org')!.status).toBe('pending');
  });

  it('shows the sign-up form again with the error beside the library field when the file cannot be read', async () => {
    const before = stored();
    const { payload, headers } = multipart({ email: 'typed@example.org', keywords: 'kept as typed' }, { libraryFile: ['broken.json', fixture('broken.json')] });
    const res = await pb.app.inject({ method: 'POST', url: '/subscribe', payload, headers });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/<p class="field-error" id="library-error">The library cannot be read: line 3: [^<]*Nothing was stored.<\/p>/);
    expect(res.body).toContain('value="typed@example.org"');
    expect(res.body).toContain('value="kept as typed"');
    expect(res.body).toMatch(/<details class="more" open>/);
    expect(res.body).toContain('up to 2 MB, 5,000 references'); // the limits the field states come from PROFILE_LIMITS
    expect(stored()).toEqual(before);
  });

  it('lists the library on the preferences page, replaces it from the form, removes one entry or all', async () => {
    const sub = activeSubscriber(pb, 'prefs-lib@example.org');
    const base = pathOf(pb.ctx.links.preferences(sub));
    const fields = { keywords: 'x', timezone: 'UTC', hour: '8', frequency: 'daily', weekday: '1', digestSize: '10', weakDay: 'skip', pausedUntil: '' };
    const { payload, headers } = multipart({ ...fields, categories: ['cs.CV', 'cs.LG'], library: fixture('pasted.txt') });
    const saved = await pb.app.inject({ method: 'POST', url: base, payload, headers });
    expect(saved.statusCode).toBe(303);
    // Every checked category, as an urlencoded form sends them (a multipart reader once kept only the last).
    expect(findByEmail(pb.ctx.db, 'prefs-lib@example.org')!.profile.categories).toEqual(['cs.CV', 'cs.LG']);
    // To the answer and the list, not to the upload field above them (issue 22, item 15).
    expect(saved.headers.location).toBe(`${base}?done=saved#your-library`);
    const cookie = String([saved.headers['set-cookie']].flat()[0]).split(';')[0];
    const page = await pb.app.inject({ method: 'GET', url: `${base}?done=saved`, headers: { cookie } });
    expect(page.body).toContain('Your library: Matched 6 of 8 entries to papers Paperboy knows; 1 more kept as a text example; 1 more waits for Paperboy to store its paper (an id or DOI without a title); the export gives no date added, so the whole library counts as added today; 1 entry skipped (a link to neither arXiv nor a DOI).');
    // The answer heads the library section the redirect lands on, above the list.
    const section = page.body.slice(page.body.indexOf('<section aria-labelledby="library-heading" id="your-library">'));
    expect(section.indexOf('id="library-answer"')).toBeGreaterThan(0);
    expect(section.indexOf('id="library-answer"')).toBeLessThan(section.indexOf('class="library-list"'));
    expect(page.body).toContain('8 entries: 6 matched to papers Paperboy knows, 1 kept as text examples.');
    expect(page.body).toContain('matched by arXiv id 2603.27006');
    expect(page.body).toContain('matched by DOI 10.1145/3533767.3534401');
    expect(page.body).toContain('matched by title');
    expect(page.body).toContain('kept as a text example (not among our papers yet)');
    expect(page.body).toContain('waiting: not among our papers yet');
    // The answer is shown once.
    expect([page.headers['set-cookie']].flat()[0]).toMatch(/^paperboy_library=; Path=\/preferences\/.*Max-Age=0/);
    // Saving the form without a library leaves it as it is.
    await pb.app.inject({ method: 'POST', url: base, payload: form(fields), headers: FORM });
    expect(entries('prefs-lib@example.org')).toHaveLength(8);
    const first = pb.ctx.db.prepare('SELECT id FROM library_entries WHERE subscriber_id = ? ORDER BY position LIMIT 1').pluck().get(sub.id) as number;
    const removed = await pb.app.inject({ method: 'POST', url: `${base}/library`, payload: form({ remove: String(first) }), headers: FORM });
    expect(removed.headers.location).toBe(`${base}?done=removed#your-library`);
    expect(entries('prefs-lib@example.org')).toHaveLength(7);
    const other = activeSubscriber(pb, 'other-lib@example.org');
    const foreign = await pb.app.inject({ method: 'POST', url: `${pathOf(pb.ctx.links.preferences(other))}/library`, payload: form({ remove: String(first + 1) }), headers: FORM });
    expect(foreign.statusCode).toBe(404);
    expect(entries('prefs-lib@example.org')).toHaveLength(7);
    const cleared = await pb.app.inject({ method: 'POST', url: `${base}/library`, payload: form({ clear: 'yes' }), headers: FORM });
    // The section stays, with the library kept a step back (issue 22, item 13).
    expect(cleared.headers.location).toBe(`${base}?done=cleared#your-library`);
    expect(entries('prefs-lib@example.org')).toEqual([]);
    const empty = (await pb.app.inject({ method: 'GET', url: `${base}?done=cleared` })).body;
    expect(empty).toContain('Your library is empty: upload an export or paste a list in the form above.');
    expect(empty).toMatch(/Your previous library \(7 entries, replaced on [^)]+\(UTC\)\) is kept one step back/);
  });

  it('keeps the library a wrong file replaced one step back: the page says what came in, and puts the old one back (issue 22, item 13)', async () => {
    const sub = activeSubscriber(pb, 'undo-lib@example.org');
    const base = pathOf(pb.ctx.links.preferences(sub));
    const fields = { keywords: 'x', timezone: 'Europe/Paris', hour: '8', frequency: 'daily', weekday: '1', digestSize: '10', weakDay: 'skip', pausedUntil: '' };
    await pb.app.inject({ method: 'POST', url: base, ...multipart(fields, { libraryFile: ['zotero.bib', fixture('zotero.bib')] }) });
    const mine = entries('undo-lib@example.org');
    expect(mine).toHaveLength(15);
    expect((await pb.app.inject({ method: 'GET', url: base })).body).not.toContain('id="previous-library"');
    // The wrong file: notes that read as two "titles".
    const wrong = await pb.app.inject({ method: 'POST', url: base, ...multipart(fields, { libraryFile: ['notes.txt', 'Buy milk\nCall the dentist\n'] }) });
    const cookie = String([wrong.headers['set-cookie']].flat()[0]).split(';')[0];
    const page = (await pb.app.inject({ method: 'GET', url: `${base}?done=saved`, headers: { cookie } })).body;
    expect(entries('undo-lib@example.org').map((e) => e.title)).toEqual(['Buy milk', 'Call the dentist']);
    expect(page).toContain('Your library: None of the 2 entries is among the papers Paperboy knows yet; 2 kept as text examples');
    expect(page).toMatch(/<li><span class="entry-title">Buy milk<\/span>/);
    expect(page).toMatch(/Your previous library \(15 entries, replaced on \w+ \d+ \w+ \d{4}, \d\d:\d\d \(Europe\/Paris\)\) is kept one step back/);
    expect(page).toContain('<button type="submit" name="undo" value="yes" class="secondary">Put the previous library back</button>');
    // Put back: the 15 entries as they were, matches included; the wrong file is the one kept back now (undo again).
    const undone = await pb.app.inject({ method: 'POST', url: `${base}/library`, payload: form({ undo: 'yes' }), headers: FORM });
    expect(undone.headers.location).toBe(`${base}?done=restored#your-library`);
    expect(entries('undo-lib@example.org')).toEqual(mine);
    expect((await pb.app.inject({ method: 'GET', url: `${base}?done=restored` })).body).toMatch(/Your previous library \(2 entries, replaced on/);
    // The subscriber's own data holds both; "Forget it" drops the one kept back.
    expect((await pb.app.inject({ method: 'GET', url: `${base}/data` })).json().previousLibrary.map((e: { title: string }) => e.title)).toEqual(['Buy milk', 'Call the dentist']);
    expect((await pb.app.inject({ method: 'POST', url: `${base}/library`, payload: form({ forget: 'yes' }), headers: FORM })).headers.location).toBe(`${base}?done=forgotten#your-library`);
    expect((await pb.app.inject({ method: 'GET', url: base })).body).not.toContain('id="previous-library"');
    expect((await pb.app.inject({ method: 'POST', url: `${base}/library`, payload: form({ undo: 'yes' }), headers: FORM })).statusCode).toBe(404);
    expect(entries('undo-lib@example.org')).toEqual(mine);
  });

  it('a file that is not a library is refused, naming it and the format expected; the library stays (issue 22, items 12, 14)', async () => {
    const sub = activeSubscriber(pb, 'notalib@example.org');
    const base = pathOf(pb.ctx.links.preferences(sub));
    const fields = { keywords: 'x', timezone: 'UTC', hour: '8', frequency: 'daily', weekday: '1', digestSize: '10', weakDay: 'skip', pausedUntil: '' };
    await pb.app.inject({ method: 'POST', url: base, ...multipart(fields, { libraryFile: ['mine.bib', fixture('mendeley.bib')] }) });
    expect(entries('notalib@example.org')).toHaveLength(3);
    const refused = await pb.app.inject({ method: 'POST', url: base, ...multipart(fields, { libraryFile: ['library.bib', 'Automatically generated by Mendeley Desktop\n\n(nothing exported)\n'] }) });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('<p class="field-error" id="library-error">The library cannot be read: library.bib: it holds no reference: expected BibTeX entries such as @article{key, title &#x3D; {…}}; ' +
      'export the library from your reference manager as BibTeX (.bib), RIS (.ris) or CSL-JSON (.json). Nothing was stored.</p>');
    expect(entries('notalib@example.org')).toHaveLength(3);
  });

  it('says where each entry\'s date comes from: the export\'s date added, or the day it was uploaded (issue 22, item 16)', async () => {
    const sub = activeSubscriber(pb, 'dates-lib@example.org');
    const base = pathOf(pb.ctx.links.preferences(sub));
    const fields = { keywords: 'x', timezone: 'UTC', hour: '8', frequency: 'daily', weekday: '1', digestSize: '10', weakDay: 'skip', pausedUntil: '' };
    const today = new Date().toISOString().slice(0, 10);
    await pb.app.inject({ method: 'POST', url: base, ...multipart(fields, { libraryFile: ['zotero.json', fixture('zotero.json')] }) });
    const rows = pb.ctx.db.prepare('SELECT added, added_from AS addedFrom FROM library_entries WHERE subscriber_id = ?').all(sub.id);
    expect(rows).toEqual(Array(4).fill({ added: today, addedFrom: 'upload' }));
    expect((await pb.app.inject({ method: 'GET', url: base })).body).toContain('the day you uploaded it (the export gives no date added)');
    await pb.app.inject({ method: 'POST', url: base, ...multipart(fields, { libraryFile: ['zotero.bib', fixture('zotero.bib')] }) });
    const page = (await pb.app.inject({ method: 'GET', url: base })).body;
    expect(page).toMatch(/matched by arXiv id 2603\.27006; added 2 April 2026</);
    expect(page).toContain('no date added in the export');
    expect(page).not.toMatch(/added 2022/);
  });

  it('pages a long library, 50 entries a page, and includes it in the subscriber\'s own data', async () => {
    const sub = activeSubscriber(pb, 'long-lib@example.org');
    const base = pathOf(pb.ctx.links.preferences(sub));
    const fields = { keywords: 'x', timezone: 'UTC', hour: '8', frequency: 'daily', weekday: '1', digestSize: '10', weakDay: 'skip', pausedUntil: '' };
    const list = Array.from({ length: 120 }, (_, i) => `A paper title number ${i}`).join('\n');
    await pb.app.inject({ method: 'POST', url: base, ...multipart({ ...fields, library: list }) });
    const page3 = await pb.app.inject({ method: 'GET', url: `${base}?page=3` });
    expect(page3.body).toContain('Page 3 of 3');
    expect(page3.body).toContain(`<a href="${base}?page&#x3D;2#your-library" rel="prev">`); // paging stays at the list (= escaped by the template)
    expect(page3.body.match(/name="remove"/g)).toHaveLength(20);
    const data = (await pb.app.inject({ method: 'GET', url: `${base}/data` })).json();
    expect(data.library).toHaveLength(120);
    expect(data.library[0]).toMatchObject({ title: 'A paper title number 0', paperId: null, matchedBy: null });
  });
});
