// What the first week showed in Chromium (issue 22): the browser's timezone under its current name, the layout of long
// category names and hints, and the digest in the browser in dark mode. The real server and a real Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestSampleIfEmpty } from '../../src/ingest/sample.js';
import { openSite, type Site } from './site.js';

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
