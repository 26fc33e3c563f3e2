import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The tools (tools/) import the product as `#paperboy/…`, its build at run time; tests give them its source.
  resolve: { alias: [{ find: /^#paperboy\/(.*)\.js$/, replacement: fileURLToPath(new URL('./src/$1.ts', import.meta.url)) }] },
  test: {
    // Each test file says by its name which project runs it: .unit (pure code), .int (real SQLite, SMTP, HTTP in this
    // process), .e2e (the built CLI as a child process), .browser (Chromium); test/architecture checks that every file
    // has one. npm test runs the three, every file isolated; `npm run test:fast` the first, for the edit–test loop, with
    // --no-isolate: one module cache per worker across files (importing src/ again for each file was half the run), and
    // --maxWorkers=150%: the tests mostly wait on SMTP, HTTP and SQLite, and vitest's default on 2 cores is one worker.
    projects: [
      { extends: true, test: { name: 'fast', include: ['test/**/*.unit.test.ts', 'test/**/*.int.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/**/*.e2e.test.ts'], globalSetup: ['test/setup/build.ts'] } },
      { extends: true, test: { name: 'browser', include: ['test/**/*.browser.test.ts'] } },
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // A poll waits for something that happens, not for a deadline: 1 s (the default) failed under load on 2 shared cores.
    expect: { poll: { timeout: 15_000 } },
    // Nothing may reach the internet at test time: Paperboy fetches real sources by default.
    env: { PAPERBOY_SOURCES: 'none' },
    setupFiles: ['test/setup/no-network.ts'],
  },
});
