import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Nothing may reach the internet at test time: Paperboy fetches real sources by default.
    env: { PAPERBOY_SOURCES: 'none' },
    setupFiles: ['test/setup/no-network.ts'],
  },
});
