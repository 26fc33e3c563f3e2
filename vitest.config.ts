import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The tools (tools/) import the product as `#paperboy/…`, its build at run time; tests give them its source.
  resolve: { alias: [{ find: /^#paperboy\/(.*)\.js$/, replacement: fileURLToPath(new URL('./src/$1.ts', import.meta.url)) }] },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // A poll waits for something that happens, not for a deadline: 1 s (the default) failed under load on 2 shared cores.
    expect: { poll: { timeout: 15_000 } },
    // Nothing may reach the internet at test time: Paperboy fetches real sources by default.
    env: { PAPERBOY_SOURCES: 'none' },
    setupFiles: ['test/setup/no-network.ts'],
  },
});
