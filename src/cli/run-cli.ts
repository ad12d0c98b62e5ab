// The `otel-agent-audit` command as a function: argv in, exit code out, text
// to the given streams. `main.ts` runs it on the real process; tests run it in-process.
import { processIo, type CliIo } from './cli-io.js';
import { serve, SERVE_USAGE } from './serve-command.js';
import { isUsageError } from './usage-error.js';
import { verify, VERIFY_USAGE } from './verify-command.js';

/** Help text for the top level. */
export const USAGE = `Usage: otel-agent-audit <command> [options]

Commands:
  serve    run a local audit receiver (Secureagentics API, JSONL trail)
  verify   check a trail of chained audit events for tampering

Run 'otel-agent-audit <command> --help' for the options of a command.
`;

/** Each command: what runs it, and the usage printed after a mistake. */
const COMMANDS: Readonly<Record<string, { run: (args: string[], io: CliIo) => Promise<number>; usage: string }>> = {
  serve: { run: serve, usage: SERVE_USAGE },
  verify: { run: verify, usage: VERIFY_USAGE },
};

/**
 * Runs the CLI with `argv` (the words after the program name) and resolves
 * with its exit code: 0 success or help asked for, 1 failure (e.g. the port is
 * taken, a trail that does not verify), 2 usage mistake (no command, unknown command, bad flag or value:
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
  const known = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (known === undefined) {
    io.stderr.write(`otel-agent-audit: unknown command '${command}'\n\n${USAGE}`);
    return 2;
  }
  try {
    return await known.run(rest, io);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (isUsageError(error)) {
      io.stderr.write(`otel-agent-audit ${command}: ${message}\n\n${known.usage}`);
      return 2;
    }
    io.stderr.write(`otel-agent-audit ${command}: ${message}\n`);
    return 1;
  }
}
