// What the first week showed in Chromium (issue 22): the browser's timezone under its current name, the layout of long
// category names and hints, and the digest in the browser in dark mode. The real server and a real Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestSampleIfEmpty } from '../../src/ingest/sample.js';
import { sendDueDigests } from '../../src/mail/sender.js';
import { activeSubscriber } from '../helpers/http-fixtures.js';
import { openSite, type Site } from '../helpers/site.js';

describe('a browser whose timezone ICU names the old way', () => {
  let site: Site;
  // Chromium's Intl reports this zone as Asia/Calcutta, its name before IANA's rename to Asia/Kolkata.
  beforeAll(async () => { site = await openSite((db) => ingestSampleIfEmpty({ db }), { timezoneId: 'Asia/Kolkata' }); });
  afterAll(() => site?.close());

  it('starts the sign-up form on the zone\'s current name (issue 22, item 21)', async () => {
    const { page, base } = site;
    await page.goto(`${base}/`);
    expect(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe('Asia/Calcutta');
    expect(await page.inputValue('#timezone')).toBe('Asia/Kolkata');
  });
});

describe('the layout of the preferences page and of a digest in the browser (issue 22, item 23)', () => {
  let site: Site;
  let prefs: string;
  let view: string;
  beforeAll(async () => {
    site = await openSite((db) => ingestSampleIfEmpty({ db }), { timezoneId: 'Europe/Paris' });
    const { pb } = site;
    const sub = activeSubscriber(pb, 'layout@example.org', { keywords: ['video generation', 'diffusion'] });
    await sendDueDigests(pb.ctx, new Date());
    const date = pb.ctx.db.prepare("SELECT digest_date FROM digests WHERE subscriber_id = ? AND state = 'sent'").pluck().get(sub.id) as string;
    prefs = new URL(pb.ctx.links.preferences(sub)).pathname;
    view = new URL(pb.ctx.links.digest(sub, date)).pathname;
  });
  afterAll(() => site?.close());

  it('keeps each category\'s box beside its name, however long, at 1280 and 375 px', async () => {
    const { page, base } = site;
    for (const width of [1280, 375]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${base}${prefs}`);
      await page.evaluate(() => document.querySelectorAll('details.category-group').forEach((d) => { (d as HTMLDetailsElement).open = true; }));
      const boxes = await page.$$eval('.checks label.check', (labels) => labels.map((l) => {
        const box = l.querySelector('input')!.getBoundingClientRect();
        const name = l.querySelector(':scope > span')!.getBoundingClientRect();
        return { text: l.textContent!.trim(), boxRight: box.right, boxTop: box.top, nameLeft: name.left, nameTop: name.top, nameHeight: name.height };
      }));
      expect(boxes.length).toBeGreaterThanOrEqual(20);
      // A name wrapped onto two lines somewhere (the long ones do), and every name starts right of its box, on its line.
      expect(boxes.some((b) => b.nameHeight > 30), `${width} px: no long name wraps`).toBe(true);
      for (const b of boxes) {
        expect(b.nameLeft, `${width} px: ${b.text}`).toBeGreaterThanOrEqual(b.boxRight);
        expect(Math.abs(b.nameTop - b.boxTop), `${width} px: ${b.text}`).toBeLessThan(12);
      }
    }
  });

  it('puts each fieldset\'s hint under its legend, inside the border, not in the legend the border runs through', async () => {
    const { page, base } = site;
    for (const width of [1280, 375]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${base}${prefs}`);
      expect(await page.$$eval('legend .hint', (h) => h.length)).toBe(0);
      const hints = await page.$$eval('fieldset > .hint', (hs) => hs.map((h) => {
        const legend = h.parentElement!.querySelector('legend')!.getBoundingClientRect();
        return { id: h.id, hintTop: h.getBoundingClientRect().top, legendBottom: legend.bottom, describes: h.parentElement!.getAttribute('aria-describedby') };
      }));
      expect(hints.map((h) => h.id).sort()).toEqual(['categories-hint', 'library-hint', 'sources-hint', 'weakDay-hint']);
      for (const h of hints) {
        expect(h.hintTop, `${width} px: ${h.id}`).toBeGreaterThanOrEqual(h.legendBottom);
        expect(h.describes).toBe(h.id); // still read with the group
      }
    }
  });

  it('shows a digest in the browser on the page\'s dark background in dark mode, not a white panel', async () => {
    const { page, base } = site;
    await page.setViewportSize({ width: 1280, height: 900 });
    const panel = () => page.$$eval('.mail-frame [style*="background-color:#ffffff"], .mail-frame [style*="background:#ffffff"]',
      (els) => els.map((e) => getComputedStyle(e).backgroundColor));
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(`${base}${view}`);
    const light = await panel();
    expect(light.length).toBeGreaterThan(0);
    expect(new Set(light)).toEqual(new Set(['rgb(255, 255, 255)']));
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${base}${view}`);
    const dark = await panel();
    const body = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(body).toBe('rgb(13, 17, 23)');
    expect(new Set(dark)).toEqual(new Set([body]));
    // Its text is the page's light text, not the mail's dark grey on the dark background.
    expect(await page.$eval('.mail-frame a[style*="font-size:17px"]', (a) => getComputedStyle(a).color)).toBe('rgb(230, 237, 243)');
  });
});
