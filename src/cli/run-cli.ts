// The `otel-agent-audit` command as a function: argv in, exit code out, text
// to the given streams. `main.ts` runs it on the real process; tests run it in-process.
import { processIo, type CliIo } from './cli-io.js';
import { createProgram, programUsage, runProgram, type CommandFactory } from './cli-program.js';
import { newCommandContext } from './command-context.js';
import { exportCommand } from './export-command.js';
import { gatewayCommand } from './gateway-command.js';
import { serveCommand } from './serve-command.js';
import { showCommand } from './show-command.js';
import { tailCommand } from './tail-command.js';
import { verifyCommand } from './verify-command.js';

/** Every command, in the order the help lists them. */
const COMMANDS: readonly CommandFactory[] = [serveCommand, gatewayCommand, showCommand, tailCommand, exportCommand, verifyCommand];

/** Help text for the top level, as `otel-agent-audit --help` prints it. */
export const USAGE = programUsage(COMMANDS);

/**
 * Runs the CLI with `argv` (the words after the program name) and resolves
 * with its exit code: 0 success or help asked for, 1 failure (e.g. the port is
 * taken, a trail that does not verify or cannot be read), 2 usage mistake (no
 * command, unknown command, bad flag or value: the message goes to stderr
 * with the usage). Never rejects.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), processIo());
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const context = newCommandContext(io);
  return runProgram(createProgram(context, COMMANDS), argv, context);
}
