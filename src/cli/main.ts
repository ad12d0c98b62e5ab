#!/usr/bin/env node
// The `otel-agent-audit` command. No main-module check: this file only runs.
import { serve, SERVE_USAGE, UsageError } from './serve-command.js';

const USAGE = `Usage: otel-agent-audit <command> [options]

Commands:
  serve    run a local audit receiver (Secureagentics API, JSONL trail)

Run 'otel-agent-audit serve --help' for the options of serve.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    (command === undefined ? process.stderr : process.stdout).write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'serve') {
    console.error(`otel-agent-audit: unknown command '${command}'\n`);
    process.stderr.write(USAGE);
    return 2;
  }
  try {
    return await serve(rest);
  } catch (error) {
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for bad flags.
    const code = (error as { code?: unknown }).code;
    if (error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      console.error(`otel-agent-audit serve: ${(error as Error).message}\n`);
      process.stderr.write(SERVE_USAGE);
      return 2;
    }
    console.error(`otel-agent-audit serve: ${(error as Error).message}`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
