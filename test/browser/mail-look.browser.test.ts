// A digest and the sign-up mails (confirmation, preferences link) as a reader sees them, in a real Chromium: a
// phone's 375 px and a mail pane's 700 px, light and dark. Nothing may scroll sideways (a long URL in a real
// abstract once widened the column past the screen), and the preheader must not show. Screenshots go to
// test-output/mails/ (gitignored), to look at.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfirmModel, ManageModel } from '../../src/mail/confirmations.js';
import type { DigestModel } from '../../src/digest/compose.js';
import { makeLinks } from '../../src/links/urls.js';
import { loadMailTemplate } from '../../src/templates.js';
import { sampleModel, samplePapers } from '../helpers/digest.js';
import { launchChromium, OUTPUT_DIR } from '../helpers/chromium.js';

const SHOTS = join(OUTPUT_DIR, 'mails');

/** Real papers, the first two with what real arXiv text holds now and then: a long unbroken URL and a long word. */
function digestModel(): DigestModel {
  const papers = samplePapers();
  papers[0] = { ...papers[0], abstract: `${papers[0].abstract.slice(0, 160)} Code: https://github.com/some-lab/AVeryLongRepositoryNameWithoutBreaks_for_reproducibility_v2.` };
  papers[1] = { ...papers[1], title: 'Pneumonoultramicroscopicsilicovolcanoconiosis-aware Transformers' };
  return sampleModel(papers);
}

describe('mails in a real browser', () => {
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let dir: string;
  const mails: Record<string, { html: string; preheader: string }> = {};

  beforeAll(async () => {
    const digest = await loadMailTemplate<DigestModel>('digest');
    const confirm = await loadMailTemplate<ConfirmModel>('confirm');
    const manage = await loadMailTemplate<ManageModel>('manage');
    const links = makeLinks('https://paperboy.example.org', 'mail-look-secret');
    const model = digestModel();
    mails.digest = { html: digest(model).html, preheader: model.preheader };
    mails.confirmation = {
      html: confirm({
        instance: 'Paperboy', email: 'ada.lovelace@example.org', schedule: 'every day at 08:00 (Europe/Paris)', digest: 'daily', days: 7,
        expires: 'Sunday 6 December 2026, 14:05 (Europe/Paris)', confirmUrl: links.confirm(48213), contact: 'Grace Hopper <papers-admin@example.org>',
      }).html,
      preheader: 'Press Confirm on the page the link opens to start your daily digest.',
    };
    mails.preferences = {
      html: manage({
        instance: 'Paperboy', email: 'ada.lovelace@example.org', unsubscribed: false, schedule: 'every day at 08:00 (Europe/Paris)',
        preferencesUrl: links.preferences({ id: 48213, tokenVersion: 0, manageVersion: 0 }), contact: 'Grace Hopper <papers-admin@example.org>',
      }).html,
      preheader: 'Change your interests, time or frequency, or unsubscribe.',
    };
    dir = mkdtempSync(join(tmpdir(), 'paperboy-mails-'));
    mkdirSync(SHOTS, { recursive: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const name of ['digest', 'confirmation', 'preferences']) {
    for (const width of [375, 700]) {
      for (const colorScheme of ['light', 'dark'] as const) {
        it(`the ${name} at ${width} px, ${colorScheme}: no sideways scrolling, no visible preheader`, async () => {
          const file = join(dir, `${name}.html`);
          writeFileSync(file, mails[name].html);
          const page = await browser.context.newPage();
          try {
            // Tests never use the network: remote images (paper thumbnails) are refused.
            await page.route('**/*', (r) => (r.request().url().startsWith('file:') ? r.continue() : r.abort()));
            await page.setViewportSize({ width, height: 900 });
            await page.emulateMedia({ colorScheme });
            await page.goto(pathToFileURL(file).href);
            expect(await page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth)).toBe(0);
            const preheader = page.getByText(mails[name].preheader, { exact: true });
            expect(await preheader.count()).toBe(1);
            const box = await preheader.boundingBox();
            expect(box === null || box.height === 0).toBe(true);
            await page.screenshot({ path: join(SHOTS, `${name}-${width}-${colorScheme}.png`), fullPage: true });
          } finally {
            await page.close();
          }
        });
      }
    }
  }
});
