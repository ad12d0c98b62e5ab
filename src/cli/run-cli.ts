// The `otel-agent-audit` command as a function: argv in, exit code out, text
// to the given streams. `main.ts` runs it on the real process; tests run it in-process.
import { processIo, type CliIo } from './cli-io.js';
import { serve, SERVE_USAGE } from './serve-command.js';
import { isUsageError } from './usage-error.js';

/** Help text for the top level. */
export const USAGE = `Usage: otel-agent-audit <command> [options]

Commands:
  serve    run a local audit receiver (Secureagentics API, JSONL trail)

Run 'otel-agent-audit serve --help' for the options of serve.
`;

/**
 * Runs the CLI with `argv` (the words after the program name) and resolves
 * with its exit code: 0 success or help asked for, 1 failure (e.g. the port is
 * taken), 2 usage mistake (no command, unknown command, bad flag or value:
 * the message goes to stderr with the usage). Never rejects.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), processIo());
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.stderr.write(USAGE);
    return 2;
  }
  if (command === '-h' || command === '--help' || command === 'help') {
    io.stdout.write(USAGE);
    return 0;
  }
  if (command !== 'serve') {
    io.stderr.write(`otel-agent-audit: unknown command '${command}'\n\n${USAGE}`);
    return 2;
  }
  try {
    return await serve(rest, io);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (isUsageError(error)) {
      io.stderr.write(`otel-agent-audit serve: ${message}\n\n${SERVE_USAGE}`);
      return 2;
    }
    io.stderr.write(`otel-agent-audit serve: ${message}\n`);
    return 1;
  }
}
