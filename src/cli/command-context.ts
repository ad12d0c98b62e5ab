/**
 * What a command's action runs with: the streams, and where it leaves its
 * exit code for the runner (commander's `parseAsync` resolves with the
 * command, not with what the action returned).
 */
import type { Command } from 'commander';
import type { CliIo } from './cli-io.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { UsageError } from './usage-error.js';

/** One run of the CLI: its streams and the exit code so far. */
export interface CommandContext {
  readonly io: CliIo;
  /** Set by the action that ran; {@link EXIT_OK} until then. */
  exitCode: number;
}

/**
 * A fresh context for one run.
 *
 * @example
 * const context = newCommandContext(processIo());
 */
export function newCommandContext(io: CliIo): CommandContext {
  return { io, exitCode: EXIT_OK };
}

/**
 * `command <name>`'s words as the messages name it: `otel-agent-audit verify`.
 *
 * @example
 * commandPath(verify); // 'otel-agent-audit verify'
 */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Sets `command`'s action to `run`, whose resolved number is the exit code.
 * A {@link UsageError} it throws goes through commander's own error path (the
 * message, then the usage, exit 2); any other error is a failure: its
 * message on stderr, exit 1.
 *
 * @example
 * runAction(command, context, async (file: string, options: ShowOptions) => showTrail(file, options, context.io));
 */
export function runAction<Args extends unknown[]>(command: Command, context: CommandContext, run: (...args: Args) => Promise<number>): Command {
  return command.action(async (...args: unknown[]) => {
    try {
      context.exitCode = await run(...(args as Args));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // command.error throws (exitOverride): the runner turns it into EXIT_USAGE.
      if (error instanceof UsageError) command.error(message, { exitCode: EXIT_USAGE, code: 'otel-agent-audit.usage' });
      context.io.stderr.write(`${commandPath(command)}: ${message}\n`);
      context.exitCode = EXIT_FAILURE;
    }
  });
}
