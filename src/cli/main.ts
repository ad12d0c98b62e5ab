#!/usr/bin/env node
// The `otel-agent-audit` bin. No main-module check: this file only runs; the
// command itself is `runCli` (run-cli.ts), which tests call in-process.
import { processIo } from './cli-io.js';
import { runCli } from './run-cli.js';

// `show trail.jsonl | head`: the reader went away, which is not a failure to
// report with a stack trace (and nothing more can be written anyway).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

runCli(process.argv.slice(2), processIo()).then(
  (code) => {
    // exitCode, not exit(): lets stdout drain on pipes before the process ends.
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
