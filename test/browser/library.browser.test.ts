import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArxivAtom } from '../../src/ingest/arxiv-atom.js';
import { parseJsonl } from '../../src/ingest/jsonl.js';
import { upsertPapers } from '../../src/store/papers.js';
import type { TestPaperboy } from '../helpers/app.js';
import type { TestSmtp } from '../helpers/smtp.js';
import { hrefs, openSite, type Site } from '../helpers/site.js';


// Bring your library, in a real Chromium against the real server on loopback with mail to a real SMTP server:
// upload a .bib on the sign-up page, read what it came to, confirm from the mail, see the library on the
// preferences page, and remove an entry with its button.
describe('a library, in a real browser', () => {
  let pb: TestPaperboy;
  let smtp: TestSmtp;
  let site: Site | undefined;
  let page: Page;
  let base: string;
  const kept = () => pb.ctx.db.prepare("SELECT count(*) FROM library_entries e JOIN subscribers s ON s.id = e.subscriber_id WHERE s.email = 'reader@example.org'").pluck().get();

  beforeAll(async () => {
    site = await openSite((db) => {
      upsertPapers(db, parseJsonl(readFileSync('test/fixtures/arxiv-2026q2-200.jsonl', 'utf8')).papers);
      upsertPapers(db, parseArxivAtom(readFileSync('test/fixtures/arxiv-api/q_testing_s0_m10_bc5a6c384fe9.xml', 'utf8')).papers);
    }, { timezoneId: 'Europe/Berlin' });
    ({ pb, smtp, page, base } = site);
  });
  afterAll(() => site?.close());

  it('uploads a .bib on sign-up, confirms, and finds the library on the preferences page', async () => {
    await page.goto(`${base}/`);
    await page.fill('#email', 'reader@example.org');
    await page.click('summary:has-text("More options")');
    await page.setInputFiles('#libraryFile', 'test/fixtures/library/zotero.bib');
    await page.click('button:has-text("Subscribe")');
    await page.waitForURL(`${base}/subscribe/sent`);
    const answer = await page.textContent('#library-answer');
    expect(answer).toContain('Matched 13 of 15 entries to papers Paperboy knows; 2 more kept as text examples; 12 entries have no date added');
    await page.click('#library-answer summary');
    expect(await page.isVisible('li:has-text("entry 17 (toread): no title, arXiv id or DOI")')).toBe(true);
    expect(kept()).toBe(0); // kept only once confirmed

    const [mail] = await smtp.waitFor(1);
    const [confirm] = hrefs(mail.html as string, '/confirm/');
    await page.goto(confirm);
    expect(await page.textContent('dl.asked')).toContain('15 entries, kept when you confirm');
    await page.click('button:has-text("Confirm subscription")');
    await page.waitForURL('**/preferences/**');
    expect(kept()).toBe(15);
    const library = page.locator('#your-library');
    expect(await library.locator('h2').textContent()).toBe('Your library');
    expect(await library.textContent()).toContain('15 entries: 13 matched to papers Paperboy knows, 2 kept as text examples.');
    const first = library.locator('li').first();
    expect(await first.textContent()).toContain('IntentGrasp: A Comprehensive Benchmark for Intent Understanding');
    expect(await first.textContent()).toContain('kept as a text example');
    expect(await library.locator('li:has-text("Testing Deep Learning Models")').textContent()).toContain('matched by DOI 10.1109/icstw55395.2022.00035');
    expect(await library.locator('li:has-text("α-Fair Multistatic")').textContent()).toContain('matched by title');

    await first.locator('button:has-text("Remove")').click();
    await page.waitForURL('**?done=removed#your-library');
    expect(await page.textContent('.notice[role="status"]')).toContain('Removed from your library.');
    expect(kept()).toBe(14);
    expect(await page.locator('#your-library li').first().textContent()).not.toContain('IntentGrasp');

    // A new library from the form: the page lands on what it came to and the list, not on the empty upload field (issue 22, item 15).
    await page.fill('#libraryText', '2603.27006\nIntentGrasp: A Comprehensive Benchmark for Intent Understanding');
    await page.click('button:has-text("Save preferences")');
    await page.waitForURL('**?done=saved#your-library');
    const box = (await page.locator('#library-answer').boundingBox())!;
    const viewport = page.viewportSize()!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
    expect(await page.textContent('#library-answer')).toContain('Matched 1 of 2 entries');
    expect(await page.isVisible('#previous-library')).toBe(true);
  });
});
