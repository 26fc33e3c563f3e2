// What a browser test drives: the real server on a free loopback port with mail to a real SMTP server, and a page of
// a real Chromium.
import type { Page } from 'playwright-core';
import type { Db } from '../../src/db/open.js';
import { startPaperboy, type StartOptions, type TestPaperboy } from './app.js';
import { startSmtp, type TestSmtp } from './smtp.js';
import { freePort, launchChromium } from './chromium.js';

/** A running site and the browser page looking at it. */
export interface Site {
  pb: TestPaperboy;
  smtp: TestSmtp;
  page: Page;
  /** The server's address, also its PUBLIC_URL (so mailed links point at it). */
  base: string;
  close(): Promise<void>;
}

/** Starts the SMTP server, Paperboy (its papers stored by `seed` before it listens) and Chromium; on a failure
 *  part-way, closes what had started. */
export async function openSite(seed: (db: Db) => unknown, browserOpts: Parameters<typeof launchChromium>[0] = {},
  server: { env?: Record<string, string>; app?: StartOptions } = {}): Promise<Site> {
  const started: { close(): Promise<void> }[] = [];
  const close = async () => { for (const s of started.reverse()) await s.close(); };
  try {
    const smtp = await startSmtp();
    started.push(smtp);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const pb = await startPaperboy({ SMTP_URL: smtp.url, PUBLIC_URL: base, ...server.env }, server.app);
    started.push(pb);
    await seed(pb.ctx.db);
    await pb.app.listen({ port, host: '127.0.0.1' });
    const browser = await launchChromium(browserOpts);
    started.push(browser);
    return { pb, smtp, page: await browser.context.newPage(), base, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The links in a mail's HTML whose address holds `part`, unescaped. */
export function hrefs(html: string, part: string): string[] {
  return [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&')).filter((h) => h.includes(part));
}
