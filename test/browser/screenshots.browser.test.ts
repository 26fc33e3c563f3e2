// What a fresh install looks like, in a real Chromium: the landing page over the bundled sample, and the
// first digest a subscriber gets. The screenshots go to test-output/; `npm run screenshots` writes the
// README's copies into docs/screenshots/ instead.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestSampleIfEmpty } from '../../src/ingest/sample.js';
import { sendDueDigests } from '../../src/mail/sender.js';
import type { TestPaperboy } from '../helpers/app.js';
import type { TestSmtp } from '../helpers/smtp.js';
import { openSite, type Site } from '../helpers/site.js';
import { OUTPUT_DIR } from '../helpers/chromium.js';

const DIR = process.env.PAPERBOY_SCREENSHOTS === 'docs' ? 'docs/screenshots' : OUTPUT_DIR;

/** Takes a viewport-sized PNG and checks it is one, and small enough to commit. */
async function shoot(page: Page, name: string): Promise<Buffer> {
  mkdirSync(DIR, { recursive: true });
  const path = join(DIR, `${name}.png`);
  await page.screenshot({ path });
  const png = readFileSync(path);
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  expect(png.length).toBeLessThan(400_000);
  return png;
}

describe('a fresh install in a real browser', () => {
  let pb: TestPaperboy;
  let smtp: TestSmtp;
  let site: Site | undefined;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    site = await openSite((db) => ingestSampleIfEmpty({ db }));
    ({ pb, smtp, page, base } = site);
  });
  afterAll(() => site?.close());

  it('shows the sample papers with authors and upvotes, and their categories to sign up for', async () => {
    await page.setViewportSize({ width: 960, height: 820 });
    await page.goto(`${base}/`);
    const first = page.locator('ol.papers > li').first();
    expect(await first.locator('.muted').first().textContent()).toMatch(/\w+ \w+/); // authors
    expect(await first.textContent()).toMatch(/▲ \d+/);
    expect(await page.locator('input[name="categories"]').count()).toBeGreaterThanOrEqual(10);
    expect(await page.textContent('body')).not.toContain('No categories seen');
    await shoot(page, 'landing');
  });

  it('mails a first digest that explains each pick', async () => {
    pb.ctx.db.prepare(`INSERT INTO subscribers (email, status, keywords, categories, timezone, hour, created_at)
      VALUES ('ada@example.org', 'active', '["video generation","diffusion"]', '["cs.CV"]', 'UTC', 0, '2026-01-01')`).run();
    await sendDueDigests(pb.ctx, new Date(Date.now() + 60_000));
    const [digest] = await smtp.waitFor(1);
    await page.setViewportSize({ width: 640, height: 820 });
    // A blank page first: content set into the landing page would live under its strict CSP, which blocks a mail's inline styles.
    await page.goto('about:blank');
    await page.setContent(digest.html as string);
    expect(await page.locator('text=Why:').count()).toBeGreaterThanOrEqual(5);
    expect(await page.textContent('body')).toMatch(/video generation|diffusion/);
    await shoot(page, 'digest');
  });
});
