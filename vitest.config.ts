import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each file gets its own process: tests register global OTel state.
    pool: 'forks',
    setupFiles: ['test/support/spool-folder.ts', 'test/support/integrity-off.ts', 'test/support/announce-off.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
