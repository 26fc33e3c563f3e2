import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readLibrary, startLibraryReader } from '../../src/library/citation.js';
import { LibraryError, LibraryOverLimit, LibraryTooLarge, READ_LIMITS, datedOn, detectFormat, formatOfName } from '../../src/library/read.js';

// Reference-manager exports of real papers (test/fixtures/library/), read with Citation.js as the server reads them.
const fixture = (name: string) => readFileSync(`test/fixtures/library/${name}`, 'utf8');
const byWhere = (entries: { where: string }[], key: string) => entries.find((e) => e.where.includes(key))!;

describe('reading a library', () => {
  it('tells the formats apart from their first meaningful line', () => {
    expect(detectFormat(fixture('zotero.bib'))).toBe('bibtex');
    expect(detectFormat(fixture('mendeley.ris'))).toBe('ris');
    expect(detectFormat(fixture('zotero.json'))).toBe('csl-json');
    expect(detectFormat(fixture('pasted.txt'))).toBe('list');
    expect(detectFormat('\uFEFF\n  @Article{x, title={y}}')).toBe('bibtex');
  });

  it('reads a BibTeX export: arXiv ids from eprint, links, arXiv DOIs and Google Scholar journals; DOIs; LaTeX decoded', async () => {
    const read = await readLibrary(fixture('zotero.bib'), 5000);
    expect(read.format).toBe('bibtex');
    expect(read.total).toBe(18);
    expect(read.entries.map((e) => e.arxivId).filter(Boolean)).toEqual(['2603.27006', '2603.28858', '2603.28887', '2603.28896', '2603.28800', '2603.29026']);
    expect(byWhere(read.entries, 'riccio2022testing').doi).toBe('10.1109/icstw55395.2022.00035');
    expect(byWhere(read.entries, 'active2020fuzzing').doi).toBe('10.1145/3395363.3397376'); // a doi.org link
    // LaTeX accents, macros and math: {\"o}, {\&}, $\alpha$, $^2$, protected capitals.
    expect(byWhere(read.entries, 'leino2026parallel').authors).toEqual(['Julius Leino', 'Jörg Tiedemann']);
    expect(byWhere(read.entries, 'chatgpt2023testing').title).toBe('ChatGPT and Software Testing Education: Promises & Perils');
    expect(byWhere(read.entries, 'noh2026alpha').title).toBe('α-Fair Multistatic ISAC Beamforming for Multi-User MIMO-OFDM Systems via Riemannian Optimization');
    expect(byWhere(read.entries, 'li2026par2rag').titleKeys).toContain('par2ragplannedactiveretrievalandreasoningformultihopquestionanswering');
    // @string macros expand (Citation.js); two entries under one key are two entries.
    expect(read.entries.filter((e) => e.where.includes('(dup)'))).toHaveLength(2);
    expect(byWhere(read.entries, 'entry 14').abstract).toMatch(/^Accurately understanding the intent/);
    // Dates: BibDesk's date-added, JabRef's timestamp; never the year published (a classic added today is today's reading).
    expect(byWhere(read.entries, 'freeburg2026last').added).toBe('2026-04-02');
    expect(byWhere(read.entries, 'song2026optimer').added).toBe('2026-04-03');
    expect(byWhere(read.entries, 'riccio2022testing').added).toBeNull();
    expect(read.skipped).toEqual([
      { where: 'entry 16 (freeburg2026again)', reason: 'the same paper as entry 1 (freeburg2026last)' },
      { where: 'entry 17 (toread)', reason: 'no title, arXiv id or DOI' },
      { where: 'entry 18 (brokenlatex)', reason: expect.stringMatching(/^cannot be read: its LaTeX is broken/) },
    ]);
  });

  it('reads a RIS export, a record of a type Citation.js does not know included', async () => {
    const read = await readLibrary(fixture('mendeley.ris'), 5000);
    expect(read.entries.map((e) => [e.arxivId, e.doi])).toEqual([
      ['2603.27006', null], ['2603.28858', '10.48550/arxiv.2603.28858'], [null, '10.1145/3533767.3534401'], [null, null], [null, null],
      ['2603.28800', null], [null, null],
    ]);
    expect(read.entries[0].added).toBeNull(); // Y2 is the date accessed, PY the year published: neither says when it was added
    expect(read.entries[6].abstract).toMatch(/^Accurately understanding the intent/);
    expect(read.skipped).toEqual([{ where: 'record 8', reason: 'no title, arXiv id or DOI' }]);
  });

  it('reads CSL-JSON as Zotero exports it', async () => {
    const read = await readLibrary(fixture('zotero.json'), 5000);
    // Zotero's CSL-JSON has no date added (only issued and accessed): the upload day dates it (datedOn).
    expect(read.entries.map((e) => [e.arxivId, e.doi, e.added])).toEqual([
      ['2603.27006', '10.48550/arxiv.2603.27006', null], [null, '10.1109/icstw58534.2023.00078', null],
      [null, null, null], [null, null, null],
    ]);
    expect(read.skipped.map((s) => s.reason)).toEqual(['no title, arXiv id or DOI', 'cannot be read: not a CSL-JSON object']);
  });

  it('reads a pasted list: ids, arXiv, Hugging Face and DOI links, DOIs and titles, one a line', async () => {
    const read = await readLibrary(fixture('pasted.txt'), 5000);
    expect(read.entries.map((e) => e.arxivId ?? e.doi ?? e.title)).toEqual([
      '2603.27006', '2603.28858', '2603.28887', '10.1145/3533767.3534401', '2603.28896',
      'ChartDiff: A Large-Scale Benchmark for Comprehending Pairs of Charts', 'IntentGrasp: A Comprehensive Benchmark for Intent Understanding', '2699.99999',
    ]);
    expect(read.skipped).toEqual([{ where: 'line 9', reason: 'a link that names no arXiv paper or DOI' }]);
  });

  it('drops control and bidi characters from what it keeps', async () => {
    const read = await readLibrary('@misc{a, title = {Evil\u202E title\u0007}, abstract = {Zero\u200Bwidth}}', 5000);
    expect(read.entries[0].title).toBe('Evil title');
    expect(read.entries[0].abstract).toBe('Zerowidth');
  });

  it('reads a Mendeley Desktop .bib past its comment header, and trusts an uploaded file\'s extension (issue 22, item 12)', async () => {
    const mendeley = fixture('mendeley.bib');
    // The header is prose, not `%` comments: before, the 37 lines of such a file were read as a pasted list of "titles".
    expect(detectFormat(mendeley)).toBe('bibtex');
    const read = await readLibrary(mendeley, 5000);
    expect(read.entries.map((e) => e.arxivId ?? e.doi)).toEqual(['2603.27006', '10.1109/icstw55395.2022.00035', '2603.28858']);
    expect(read.skipped).toEqual([]);
    expect([formatOfName('My Library.BIB'), formatOfName('x.bibtex'), formatOfName('export.ris'), formatOfName('zotero.json'), formatOfName('ids.txt'), formatOfName(undefined)])
      .toEqual(['bibtex', 'bibtex', 'ris', 'csl-json', null, null]);
    expect(detectFormat('2406.01234\nA title', 'bibtex')).toBe('bibtex');
  });

  it('refuses a file that yields no reference, naming the line, entry or file and the format expected (issue 22, items 12, 14)', async () => {
    const expected = 'export the library from your reference manager as BibTeX (.bib), RIS (.ris) or CSL-JSON (.json)';
    // A .bib that is not one (its extension trusted: not read as a list of titles).
    await expect(readLibrary('Automatically generated by Mendeley Desktop\n\nno entries here\n', 5000, { name: 'library.bib', hint: 'bibtex' }))
      .rejects.toThrow(new LibraryError('library.bib', `it holds no reference: expected BibTeX entries such as @article{key, title = {…}}; ${expected}`));
    // A JSON file of something else: the first item named, and what CSL-JSON looks like.
    await expect(readLibrary('["abc", "def"]', 5000, { name: 'notes.json', hint: 'csl-json' })).rejects.toThrow(new LibraryError('notes.json, item 1',
      `cannot be read: not a CSL-JSON object, and nothing else in it is a reference: expected a CSL-JSON list of references such as [{"type": "article", "title": "…"}]; ${expected}`));
    // A list of links to neither arXiv nor a DOI.
    await expect(readLibrary('https://example.org/a\nhttps://example.org/b', 5000)).rejects.toMatchObject({ where: 'line 1',
      reason: expect.stringMatching(/^a link that names no arXiv paper or DOI, and nothing else in it is a reference: expected arXiv ids, DOIs, arXiv or DOI links, or titles, one a line/) });
    // Every refusal names a place, never Citation.js's "This format is not supported or recognized".
    for (const text of [fixture('broken.bib'), fixture('broken.json'), fixture('broken.ris'), '[1, 2]', '@misc{a,}']) {
      const err = await readLibrary(text, 5000).then(() => null, (e: LibraryError) => e);
      expect(err).toBeInstanceOf(LibraryError);
      expect(err!.where).toMatch(/^(line|entry|item|record) \d+|^the file$/);
      expect(err!.reason).not.toMatch(/not supported or recognized/);
    }
  });

  it('dates entries by the export\'s date-added, else by the day the library is given, and says which (issue 22, item 16)', async () => {
    // An export without any date added: the whole library counts as added the day it is given.
    const zotero = datedOn((await readLibrary(fixture('zotero.json'), 5000)).entries, '2026-07-14');
    expect(zotero.map((e) => [e.added, e.addedFrom])).toEqual(Array(4).fill(['2026-07-14', 'upload']));
    // One that dates its entries: the dates kept; the few left undated stay so (after the dated ones), not the newest.
    const dated = datedOn((await readLibrary(fixture('zotero.bib'), 5000)).entries, '2026-07-14');
    expect(byWhere(dated, 'freeburg2026last')).toMatchObject({ added: '2026-04-02', addedFrom: 'export' });
    expect(byWhere(dated, 'riccio2022testing')).toMatchObject({ added: null });
    expect(byWhere(dated, 'riccio2022testing').addedFrom).toBeUndefined();
    // Case does not matter: Zotero's JSON writes dateAdded.
    const json = await readLibrary(JSON.stringify([{ type: 'article', title: 'A paper', dateAdded: '2025-11-03T10:00:00Z' }]), 5000);
    expect(json.entries[0].added).toBe('2025-11-03');
  });

  it('refuses a file it cannot read at all, naming the line', async () => {
    await expect(readLibrary(fixture('broken.bib'), 5000)).rejects.toThrow(new LibraryError('line 13', 'invalid BibTeX syntax (an unclosed brace or quote, or a missing comma?)'));
    await expect(readLibrary(fixture('broken.json'), 5000)).rejects.toMatchObject({ where: 'line 3' });
    await expect(readLibrary(fixture('broken.ris'), 5000)).rejects.toMatchObject({ where: 'line 1', reason: 'a RIS tag before the first record begins (no TY line?)' });
  });

  it('counts references before converting any, and refuses too many', async () => {
    const bib = Array.from({ length: 30 }, (_, i) => `@misc{k${i}, title = {Paper ${i}}}`).join('\n');
    await expect(readLibrary(bib, 29)).rejects.toBeInstanceOf(LibraryTooLarge);
    await expect(readLibrary(Array.from({ length: 30 }, (_, i) => `Title ${i}`).join('\n'), 29)).rejects.toMatchObject({ entries: 30, max: 29 });
    expect((await readLibrary(bib, 30)).entries).toHaveLength(30);
  });

  it('reads an arXiv link in every field it looks at, and a long run of link prefixes as nothing (issue 21: linear, no stall)', async () => {
    const evil = 'arxiv.org/abs/'.repeat(32_000) + '!';
    const cases = [
      evil, `@misc{a, title = {A paper}, url = {${evil}}}`, `TY  - JOUR\nTI  - A paper\nUR  - ${evil}\nER  - \n`,
      JSON.stringify([{ id: 'a', type: 'article', title: 'A paper', URL: evil }]),
    ];
    for (const text of cases) {
      const read = await readLibrary(text, 5000);
      expect(read.entries).toHaveLength(1);
      expect(read.entries[0].arxivId).toBeNull();
      expect(read.entries[0].title.length).toBeLessThanOrEqual(500);
    }
    // The same fields holding a real link still name the paper; the bounded id run stops at the id's end.
    const ok = await readLibrary(`@misc{a, title = {A paper}, url = {https://arxiv.org/pdf/2406.01234v2.pdf}}\n@misc{b, title = {B}, note = {see arXiv: 2401.00001}}`, 5000);
    expect(ok.entries.map((e) => e.arxivId)).toEqual(['2406.01234', '2401.00001']);
    expect((await readLibrary('https://arxiv.org/abs/2406.01234v3///?x=1\nhttps://huggingface.co/papers/2406.04321/', 5000)).entries.map((e) => e.arxivId)).toEqual(['2406.01234', '2406.04321']);
  });

  it('cuts every field and line to its limit before anything matches it', async () => {
    const long = 'x'.repeat(3 * READ_LIMITS.fieldChars);
    const read = await readLibrary(`@misc{a, title = {${long}}, abstract = {${long}}, author = {${long}}}\n${'y'.repeat(5000)}`, 5000);
    expect(read.entries[0].title).toHaveLength(500);
    expect(read.entries[0].abstract).toHaveLength(5000);
    expect(read.entries[0].authors[0].length).toBeLessThanOrEqual(200);
    const list = await readLibrary(`${'y'.repeat(5000)}\n2406.01234`, 5000);
    expect(list.entries[0].title).toHaveLength(500);
  });

  it('refuses BibTeX whose @string macros expand past the limit, before they are expanded (813 bytes that would make gigabytes)', async () => {
    const bomb = ['@string{m0 = "aaaaaaaaaa"}', ...Array.from({ length: 24 }, (_, i) => `@string{m${i + 1} = m${i} # m${i}}`),
      ...Array.from({ length: 4 }, (_, i) => `@misc{e${i}, title = m24, abstract = m24, note = m24}`)].join('\n');
    await expect(readLibrary(bomb, 5000)).rejects.toThrow(new LibraryOverLimit('its @string macros expand to more than 4 MB of text'));
    // Macros within the limit still expand, and joins of plain text count too.
    const fine = await readLibrary('@string{v = "Vision"}\n@misc{a, title = "Deep " # v # " Models"}', 5000);
    expect(fine.entries[0].title).toBe('Deep Vision Models');
    await expect(readLibrary(`@misc{a, title = ${Array.from({ length: 500 }, () => `"${'z'.repeat(10_000)}"`).join(' # ')}}`, 5000)).rejects.toBeInstanceOf(LibraryOverLimit);
  });

  it('counts a pasted list\'s lines before reading any of them', async () => {
    await expect(readLibrary(Array.from({ length: 1024 * 1024 }, () => 'a').join('\n'), 5000)).rejects.toMatchObject({ entries: 1024 * 1024, max: 5000 });
  });

  it('a library past the thread\'s time or memory ends the thread with a refusal naming the limit, and the next library is read', async () => {
    const big = Array.from({ length: 3000 }, (_, i) => `@article{k${i}, title = {A study of thing ${i} with $\\alpha$}, author = {Smith, John}, abstract = {${'word '.repeat(60)}}}`).join('\n');
    const slow = startLibraryReader({ timeMs: 150 });
    const small = startLibraryReader({ memoryMb: 16 });
    try {
      await expect(slow.read(big, 5000)).rejects.toThrow(new LibraryOverLimit('it takes more than 0.15 s to read'));
      await expect(small.read(big, 5000)).rejects.toThrow(new LibraryOverLimit('it needs more than 16 MB of memory to read'));
      for (const reader of [slow, small]) expect((await reader.read('2406.01234\nA title', 5000)).entries).toHaveLength(2);
    } finally {
      slow.close();
      small.close();
    }
  });

  it('reads on its worker thread exactly as in-process, and the thread survives a bad file', async () => {
    const reader = startLibraryReader();
    try {
      await expect(reader.read(fixture('broken.bib'), 5000)).rejects.toBeInstanceOf(LibraryError);
      expect(await reader.read(fixture('zotero.bib'), 5000)).toEqual(await readLibrary(fixture('zotero.bib'), 5000));
    } finally {
      reader.close();
    }
  });
});
