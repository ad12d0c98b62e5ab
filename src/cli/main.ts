#!/usr/bin/env node
// The `otel-agent-audit` bin. No main-module check: this file only runs; the
// command itself is `runCli` (run-cli.ts), which tests call in-process.
import { processIo } from './cli-io.js';
import { runCli } from './run-cli.js';

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
