import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's Chromium; the browser tests fail (never skip) when it is missing. */
export const CHROMIUM = '/usr/bin/chromium';

/** Where screenshots go (gitignored). */
export const OUTPUT_DIR = 'test-output';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A headless Chromium with a fresh profile directory, removed on close. */
export async function launchChromium(opts: { timezoneId?: string; javaScriptEnabled?: boolean } = {}): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium); .ci/run does`);
  mkdirSync(OUTPUT_DIR, { recursive: true });
  // Playwright refuses --user-data-dir in args: a persistent context over a fresh directory is the same thing.
  const profile = mkdtempSync(join(tmpdir(), 'paperboy-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, ...opts });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A free TCP port on loopback, so PUBLIC_URL can be known before the server listens. */
export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}
