import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each file gets its own process: tests register global OTel state.
    pool: 'forks',
    // Two at once, not vitest's default of one per core less one (a single
    // file at a time on a 2-core machine): much of the suite waits on child
    // processes, npm and loopback servers. Measured here: 348 s against 532 s.
    maxWorkers: 2,
    // With INTEROP_APP_DIR: checks the app's OpenTelemetry line and copies the interop scenarios into it, once.
    globalSetup: ['test/support/interop-app.ts'],
    setupFiles: ['test/support/spool-folder.ts', 'test/support/integrity-off.ts', 'test/support/announce-off.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
