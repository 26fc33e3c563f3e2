import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestListingFile } from '../helpers/papers.js';
import { sendDueDigests } from '../../src/mail/sender.js';
import { findByEmail } from '../../src/store/subscribers.js';
import type { TestPaperboy } from '../helpers/app.js';
import type { TestSmtp } from '../helpers/smtp.js';
import { hrefs, openSite, type Site } from '../helpers/site.js';
import { launchChromium, OUTPUT_DIR } from '../helpers/chromium.js';

// A subscriber's whole journey in a real Chromium against the real server on loopback, with mail
// going to a real SMTP server: sign up through the form, confirm from the mail, change preferences,
// vote from a received digest, unsubscribe with the button. Links that change something open a page whose button does it,
// and every form that changes something redirects to the page that shows the result (Post/Redirect/Get).
describe('in a real browser', () => {
  let pb: TestPaperboy;
  let smtp: TestSmtp;
  let site: Site | undefined;
  let page: Page;
  let base: string;
  const row = () => pb.ctx.db.prepare("SELECT * FROM subscribers WHERE email = 'walker@example.org'").get() as Record<string, unknown>;
  const overflow = (p: Page) => p.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);

  beforeAll(async () => {
    site = await openSite((db) => {
      ingestListingFile(db, 'test/fixtures/hf-papers-page.txt');
      db.prepare(`UPDATE papers SET categories = '["cs.CV"]' WHERE rowid % 3 = 0`).run();
      db.prepare(`UPDATE papers SET categories = '["cs.LG"]' WHERE rowid % 3 = 1`).run();
    }, { timezoneId: 'America/Sao_Paulo' });
    ({ pb, smtp, page, base } = site);
  });
  afterAll(() => site?.close());

  it('shows the sign-up form above the fold on a phone: email, topics, and the rest folded away', async () => {
    await page.setViewportSize({ width: 375, height: 667 });
    await page.goto(`${base}/`);
    const button = await page.locator('form button[type="submit"]').boundingBox();
    expect(button!.y + button!.height, 'the Subscribe button is on the first screen').toBeLessThanOrEqual(667);
    expect(await page.isVisible('#email')).toBe(true);
    expect(await page.isVisible('#keywords')).toBe(true);
    expect(await page.isVisible('#authors')).toBe(false); // in "More options"
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('signs up through the form with the browser timezone picked, and a reload of "Check your inbox" sends nothing again', async () => {
    await page.goto(`${base}/`);
    await expect.poll(() => page.inputValue('#timezone')).toBe('America/Sao_Paulo'); // from Intl, via /assets/app.js
    await page.fill('#email', 'walker@example.org');
    await page.fill('#keywords', 'counterfactual, diffusion');
    await page.click('summary:has-text("More options")');
    // "Find a category": typing a word of a name shows the categories that have it, in their opened groups.
    await page.fill('#category-filter', 'vision');
    expect(await page.isVisible('label:has-text("Computer Vision and Pattern Recognition")')).toBe(true);
    expect(await page.isVisible('label:has-text("Machine Learning")')).toBe(false);
    // All of arXiv, by field name, by category name and by code (issue 23, item 1); a word matching nothing says so.
    await page.fill('#category-filter', 'physics');
    expect(await page.isVisible('label:has-text("Fluid Dynamics")')).toBe(true);
    expect(await page.isVisible('label:has-text("Computer Vision and Pattern Recognition")')).toBe(false);
    await page.fill('#category-filter', 'cosmology');
    expect(await page.isVisible('label:has-text("Cosmology and Nongalactic Astrophysics")')).toBe(true);
    await page.fill('#category-filter', 'math.AP');
    expect(await page.isVisible('label:has-text("Analysis of PDEs")')).toBe(true);
    expect(await page.isVisible('[data-category-none]')).toBe(false);
    await page.fill('#category-filter', 'astrology');
    expect(await page.isVisible('[data-category-none]')).toBe(true);
    expect(await page.textContent('[data-category-none]')).toBe('No category matches \u201castrology\u201d: try another word (physics, cosmology) or a code such as astro-ph.CO.');
    await page.fill('#category-filter', 'vision');
    await page.check('input[name="categories"][value="cs.CV"]');
    await page.fill('#category-filter', '');
    await page.selectOption('#hour', '0');
    await page.click('button[type="submit"]');
    await page.waitForURL(`${base}/subscribe/sent`);
    expect(await page.textContent('h1')).toBe('Check your inbox');
    expect(await page.textContent('main')).toContain('walker@example.org');
    expect(row()).toMatchObject({ status: 'pending', timezone: 'America/Sao_Paulo', hour: 0, keywords: '["counterfactual","diffusion"]', categories: '["cs.CV"]' });
    const requests = () => pb.ctx.db.prepare('SELECT count(*) FROM signup_requests').pluck().get();
    const before = requests();
    await page.reload();
    expect(await page.textContent('h1')).toBe('Check your inbox');
    expect(requests()).toBe(before);
  });

  it('keeps what was typed when the form is refused, and says what to fix beside the field', async () => {
    await page.goto(`${base}/`);
    await page.fill('#email', 'walker@example');
    await page.fill('#keywords', 'kept words');
    await page.click('summary:has-text("More options")');
    await page.fill('#papers', 'arXiv:2406.01234, my favourite paper');
    await page.click('button[type="submit"]');
    await page.waitForSelector('.error-summary');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('error-summary'); // read out first
    expect(await page.inputValue('#keywords')).toBe('kept words');
    expect(await page.inputValue('#papers')).toBe('arXiv:2406.01234, my favourite paper');
    expect(await page.textContent('#papers-error')).toContain('“my favourite paper” is not an arXiv id or link');
    expect(await page.getAttribute('#papers', 'aria-describedby')).toBe('papers-error');
  });

  it('jumps to a timezone by typing its city in the picker', async () => {
    await page.goto(`${base}/`);
    await page.click('summary:has-text("More options")');
    await page.focus('#timezone');
    await page.keyboard.type('Paris');
    expect(await page.inputValue('#timezone')).toBe('Europe/Paris');
  });

  it('confirms from the mail on a page whose button does it, and lands on the preferences saying when the first digest comes', async () => {
    const [mail] = await smtp.waitFor(1);
    const [confirm] = hrefs(mail.html as string, '/confirm/');
    expect(confirm.startsWith(`${base}/confirm/`)).toBe(true);
    // Opening the link runs the page's scripts, as some link scanners do: that alone confirms nothing.
    await page.goto(confirm);
    expect(await page.textContent('h1')).toBe('Confirm your subscription');
    await page.waitForLoadState('networkidle');
    expect(row().status).toBe('pending');
    await page.click('button:has-text("Confirm subscription")');
    await expect.poll(() => page.textContent('h1')).toBe('You are subscribed');
    expect(page.url()).toMatch(/\/preferences\/[^/]+\?done=confirmed$/);
    expect(await page.textContent('main')).toContain("Your digest goes out every day at 00:00 (America/Sao_Paulo)");
    expect(row().status).toBe('active');
  });

  it('changes preferences on the page the confirmation led to', async () => {
    expect(await page.inputValue('#keywords')).toBe('counterfactual, diffusion');
    expect(await page.inputValue('#timezone')).toBe('America/Sao_Paulo'); // the saved zone, never silently replaced
    await page.fill('#keywords', 'counterfactual, causal inference');
    await page.check('input[name="categories"][value="cs.LG"]');
    await page.fill('#digestSize', '5');
    await page.fill('#about', 'I study causal models of images.');
    await page.click('text=Save preferences');
    await expect.poll(() => page.textContent('.notice')).toContain('Saved.');
    expect(page.url()).toMatch(/\?done=saved$/);
    expect(row()).toMatchObject({ keywords: '["counterfactual","causal inference"]', categories: '["cs.CV","cs.LG"]', digest_size: 5, about: 'I study causal models of images.' });
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await page.click('text=Preview your next digest');
    await expect.poll(() => page.textContent('h1')).toBe('Preview of your next digest');
    await page.click('text=Back to your preferences');
    await expect.poll(() => page.textContent('h1')).toBe('Your preferences');
  });

  it('votes 👍 from a received digest with a button big enough to tap, and undoes it', async () => {
    await sendDueDigests(pb.ctx, new Date(Date.now() + 60_000));
    const [, digest] = await smtp.waitFor(2);
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto('about:blank');
    await page.setContent(digest.html as string);
    const thumbs = page.locator('a', { hasText: '👍 More like this' });
    expect(await thumbs.count(), 'the digest mail carries a 👍 link per paper (templates/digest.mjml)').toBeGreaterThan(0);
    for (const link of [thumbs.first(), page.locator('a', { hasText: '👎 Fewer like this' }).first()]) {
      const box = (await link.boundingBox())!;
      expect(box.height, 'a tap target of 44 px at least').toBeGreaterThanOrEqual(44);
      expect(box.width).toBeGreaterThanOrEqual(44);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    await thumbs.first().click();
    await expect.poll(() => page.textContent('h1')).toContain('More papers like this?');
    const votes = () => pb.ctx.db.prepare('SELECT vote FROM votes').pluck().all();
    expect(votes()).toEqual([]); // the link opens a page; its button votes
    await page.click('button:has-text("Record: more like this")');
    await expect.poll(() => page.textContent('h1')).toContain('Noted: more like this');
    expect(votes()).toEqual([1]);
    await page.reload(); // the page after a vote is a GET: reloading it votes nothing again
    expect(votes()).toEqual([1]);
    await page.click('text=Undo');
    await expect.poll(() => page.textContent('.notice')).toContain('Your vote is removed');
    expect(votes()).toEqual([]);
  });

  it('renders a received digest at 375 px and 1200 px without horizontal overflow', async () => {
    const digest = smtp.messages[1];
    for (const width of [375, 1200]) {
      await page.setViewportSize({ width, height: 900 });
      await page.setContent(digest.html as string);
      await page.screenshot({ path: join(OUTPUT_DIR, `digest-${width}.png`), fullPage: true });
      expect(await overflow(page), `overflow at ${width}px`).toBeLessThanOrEqual(0);
    }
    for (const [name, url] of [['home', `${base}/`], ['archive', `${base}/papers`]]) {
      await page.setViewportSize({ width: 375, height: 900 });
      await page.goto(url);
      await page.screenshot({ path: join(OUTPUT_DIR, `${name}-375.png`), fullPage: name === 'home' });
      expect(await overflow(page), `${name} overflows at 375px`).toBeLessThanOrEqual(0);
    }
  });

  it('unsubscribes with the button from the digest link, then offers resubscribe and preferences', async () => {
    const [unsubscribe] = hrefs(smtp.messages[1].html as string, '/unsubscribe/');
    await page.goto(unsubscribe);
    expect(row().status).toBe('active'); // opening the page changes nothing
    await page.click('button:has-text("Unsubscribe")');
    await expect.poll(() => page.textContent('h1')).toBe('You are unsubscribed');
    expect(row().status).toBe('unsubscribed');
    expect(await page.isVisible('button:has-text("Resubscribe")')).toBe(true);
    expect(await page.isVisible('text=Mail me my preferences link')).toBe(true);
    // The link opened again shows the state it is in: no Unsubscribe button for an address that left.
    await page.goto(unsubscribe);
    expect(await page.textContent('h1')).toBe('You are unsubscribed');
    expect(await page.isVisible('button:text-is("Unsubscribe")')).toBe(false);
  });

  it('serves the browsable API docs under its CSP without errors', async () => {
    const blocked: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') blocked.push(m.text()); });
    await page.goto(`${base}/docs`);
    await expect.poll(() => page.locator('.swagger-ui .opblock').count(), { timeout: 10_000 }).toBeGreaterThan(5);
    expect(await page.textContent('.swagger-ui')).toContain('/api/subscriptions');
    expect(blocked).toEqual([]);
    // In the site's frame: its header and footer, and a way back.
    expect(await page.isVisible('header.site-header a.brand')).toBe(true);
    expect(await page.isVisible('footer.site-footer')).toBe(true);
    await page.click('text=← Back to the site');
    await page.waitForURL(`${base}/`);
  });

  it('labels every form control, so keyboards and screen readers can use the forms', async () => {
    const unlabelled = () => page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
      .filter((el) => (el as HTMLInputElement).type !== 'hidden')
      .filter((el) => !((el as HTMLInputElement).labels?.length) && !el.getAttribute('aria-label'))
      .map((el) => el.outerHTML));
    await page.goto(`${base}/`);
    expect(await unlabelled()).toEqual([]);
    await page.goto(pb.ctx.links.preferences(findByEmail(pb.ctx.db, 'walker@example.org')!));
    expect(await unlabelled()).toEqual([]);
  });

  it('signs up without JavaScript', async () => {
    const noJs = await launchChromium({ javaScriptEnabled: false });
    try {
      const p = await noJs.context.newPage();
      await p.goto(`${base}/`);
      expect(await p.inputValue('#timezone')).toBe('UTC');
      await p.fill('#email', 'nojs@example.org');
      await p.click('summary:has-text("More options")');
      await p.check('input[name="frequency"][value="weekly"]');
      await p.selectOption('select[name="weekday"]', '3');
      await p.click('button[type="submit"]');
      await expect.poll(() => p.textContent('h1')).toBe('Check your inbox');
      expect(await p.textContent('main')).toContain('nojs@example.org');
      expect(pb.ctx.db.prepare("SELECT frequency, weekday, timezone FROM subscribers WHERE email = 'nojs@example.org'").get())
        .toEqual({ frequency: 'weekly', weekday: 3, timezone: 'UTC' });
    } finally {
      await noJs.close();
    }
  });
});
