// Every page and the mails a subscriber gets, in a real Chromium at a phone's and a desktop's width, light and
// dark: axe-core finds no serious or critical violation, nothing overflows sideways, and each view is
// screenshotted into test-output/pages/ (git-ignored) for a reviewer to look at without running anything.
import { AxeBuilder } from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestSampleIfEmpty } from '../../src/ingest/sample.js';
import { sendDueDigests } from '../../src/mail/sender.js';
import { addFeed } from '../../src/store/feeds.js';
import { findByEmail } from '../../src/store/subscribers.js';
import type { TestPaperboy } from '../helpers/app.js';
import type { TestSmtp } from '../helpers/smtp.js';
import { hrefs, openSite, type Site } from '../helpers/site.js';
import { OUTPUT_DIR } from '../helpers/chromium.js';

const SHOTS = join(OUTPUT_DIR, 'pages');
const WIDTHS = [375, 1280];
const SCHEMES = ['light', 'dark'] as const;

/** How a view is reached: a URL, a form sent with errors, or a mail's HTML. */
type Open = (page: Page) => Promise<void>;

describe('accessibility of every page and mail (axe-core in Chromium)', () => {
  let pb: TestPaperboy;
  let smtp: TestSmtp;
  let site: Site | undefined;
  let page: Page;
  let base: string;
  const views = new Map<string, Open>();
  const url = (path: string): Open => async (p) => { await p.goto(`${base}${path}`); };
  const mail = (html: string): Open => async (p) => {
    // A blank page first: content set into one of our pages would live under its CSP, which blocks a mail's inline styles.
    await p.goto('about:blank');
    await p.setContent(html);
  };

  beforeAll(async () => {
    // A journal feed the operator added, so the form's "Journals" and the preferences page's sources are looked at too.
    site = await openSite((db) => {
      addFeed(db, 'https://www.nature.com/nphys.rss', 'command', new Date(), 'Nature Physics');
      return ingestSampleIfEmpty({ db });
    }, { timezoneId: 'Europe/Paris' });
    ({ pb, smtp, page, base } = site);
    mkdirSync(SHOTS, { recursive: true });

    // A subscriber made the way a person does it, so every view below is the real one.
    await page.goto(`${base}/`);
    await page.fill('#email', 'ada@example.org');
    await page.fill('#keywords', 'diffusion, video generation');
    // With a library, so "Check your inbox" says what it came to and the preferences page lists it.
    await page.click('summary:has-text("More options")');
    await page.setInputFiles('#libraryFile', 'test/fixtures/library/zotero.bib');
    await page.click('button:has-text("Subscribe")');
    await page.waitForURL('**/subscribe/sent');
    const [confirmation] = await smtp.waitFor(1);
    const [confirm] = hrefs(confirmation.html as string, '/confirm/');
    const sub = () => findByEmail(pb.ctx.db, 'ada@example.org')!;
    views.set('landing', url('/'));
    views.set('landing-errors', async (p) => {
      await p.goto(`${base}/`);
      await p.fill('#email', 'not an address');
      await p.click('summary:has-text("More options")');
      await p.fill('#papers', 'arXiv:2406.01234, my favourite paper');
      await p.click('button:has-text("Subscribe")');
      await p.waitForSelector('.error-summary');
    });
    views.set('check-inbox', url('/subscribe/sent'));
    views.set('confirm', url(new URL(confirm).pathname));
    views.set('confirmation-mail', mail(confirmation.html as string));
    await page.goto(confirm);
    await page.click('button:has-text("Confirm subscription")');
    await page.waitForURL('**/preferences/**');
    const prefs = new URL(pb.ctx.links.preferences(sub())).pathname;
    views.set('subscribed', url(`${prefs}?done=confirmed`));
    views.set('preferences', url(prefs));
    views.set('preferences-errors', async (p) => {
      await p.goto(`${base}${prefs}`);
      await p.fill('#digestSize', '0');
      await p.fill('#papers', 'not a paper');
      await p.click('button:has-text("Save preferences")');
      await p.waitForSelector('.error-summary');
    });
    views.set('preferences-library-error', async (p) => {
      await p.goto(`${base}${prefs}`);
      await p.setInputFiles('#libraryFile', 'test/fixtures/library/broken.bib');
      await p.click('button:has-text("Save preferences")');
      await p.waitForSelector('#library-error');
    });
    views.set('preview', url(`${prefs}/preview`));
    pb.ctx.db.prepare("UPDATE subscribers SET hour = 0, timezone = 'UTC' WHERE email = 'ada@example.org'").run();
    await sendDueDigests(pb.ctx, new Date(Date.now() + 60_000));
    const [, digest] = await smtp.waitFor(2);
    views.set('digest-mail', mail(digest.html as string));
    views.set('digest-in-browser', url(new URL(hrefs(digest.html as string, '/digests/')[0]).pathname));
    const up = new URL(hrefs(digest.html as string, '/feedback/')[0]).pathname;
    views.set('vote', url(up));
    views.set('vote-noted', async (p) => {
      await p.goto(`${base}${up}`);
      if (await p.isVisible('button:has-text("Record")')) await p.click('button:has-text("Record")');
      await p.waitForSelector('h1:has-text("Noted")');
    });
    const unsubscribe = new URL(hrefs(digest.html as string, '/unsubscribe/')[0]).pathname;
    views.set('unsubscribe', url(unsubscribe));
    const day = pb.ctx.db.prepare('SELECT max(substr(COALESCE(published, first_seen), 1, 10)) FROM papers').pluck().get() as string;
    views.set('archive', url('/papers'));
    views.set('archive-day', url(`/papers/${day}`));
    views.set('archive-search', url('/papers?q=video&category=cs.CV'));
    views.set('api-docs', async (p) => {
      await p.goto(`${base}/docs`);
      await p.waitForSelector('.swagger-ui .opblock');
    });
    views.set('not-found', url('/nowhere'));
    views.set('invalid-link', url('/preferences/0123456789abcdef0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'));
    // Last: these change the subscriber.
    views.set('unsubscribed', async (p) => {
      await p.goto(`${base}${unsubscribe}`);
      if (await p.isVisible('button:has-text("Unsubscribe")')) await p.click('button:has-text("Unsubscribe")');
      await p.waitForSelector('h1:has-text("You are unsubscribed")');
    });
    views.set('deleted', url('/deleted'));
  }, 120_000);

  afterAll(() => site?.close());

  const NAMES = ['landing', 'landing-errors', 'check-inbox', 'confirm', 'confirmation-mail', 'subscribed', 'preferences', 'preferences-errors', 'preferences-library-error',
    'preview', 'digest-mail', 'digest-in-browser', 'vote', 'vote-noted', 'unsubscribe', 'archive', 'archive-day', 'archive-search',
    'api-docs', 'not-found', 'invalid-link', 'unsubscribed', 'deleted'];

  it.each(NAMES)('%s: no serious or critical axe violation at 375 and 1280 px, light and dark; no sideways scroll', async (name) => {
    const open = views.get(name)!;
    const found: string[] = [];
    for (const scheme of SCHEMES) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 900 });
        await open(page);
        const { violations } = await new AxeBuilder({ page }).analyze();
        for (const v of violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) {
          found.push(`${scheme} ${width}px: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
        }
        const overflow = await page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);
        if (overflow > 0) found.push(`${scheme} ${width}px: scrolls ${overflow}px sideways`);
        await page.screenshot({ path: join(SHOTS, `${name}-${width}-${scheme}.png`), fullPage: true });
      }
    }
    expect(found).toEqual([]);
  }, 60_000);
});
