// Global setup of the e2e tests, which run the built CLI (bin/paperboy.js → dist/) as a child process: builds dist/
// when a file of src/ is newer than it, so `vitest run test/mail/crash.e2e.test.ts` works on a fresh edit.
// `npm test` has built it already, and then this only compares dates.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The newest modification time of the files under `dir`, in ms. */
function newest(dir: string): number {
  return Math.max(0, ...readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => statSync(join(dir, f)).mtimeMs));
}

/** Builds dist/ with tsc unless it is newer than every file of src/. */
export default function setup(): void {
  if (existsSync('dist/cli.js') && statSync('dist/cli.js').mtimeMs >= newest('src')) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio: 'inherit' });
}
