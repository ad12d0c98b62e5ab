/**
 * The `otel-agent-audit` program on commander, set up to run in-process:
 * output to the given sinks, no `process.exit` (exitOverride), and every
 * outcome mapped to one of the three exit codes.
 */
import { Command, CommanderError } from 'commander';
import { VERSION } from '../model/version.js';
import type { CliIo, TextSink } from './cli-io.js';
import { commandPath, newCommandContext, type CommandContext } from './command-context.js';
import { EXIT_CODES_HELP, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './exit-codes.js';

/** The program's name, in usage lines and messages. */
export const PROGRAM_NAME = 'otel-agent-audit';

/** Help text is wrapped to this width unless the sink is a terminal that says how wide it is. */
const HELP_WIDTH = 80;

const PROGRAM_HELP = `
Examples:
  $ ${PROGRAM_NAME} serve --file audit-trail.jsonl --deny-tool delete_customer
  $ ${PROGRAM_NAME} gateway --port 4318
  $ ${PROGRAM_NAME} show audit-trail.jsonl --type tool_call --policy block
  $ ${PROGRAM_NAME} tail audit-trail.jsonl -n 0
  $ ${PROGRAM_NAME} export audit-trail.jsonl --format csv --output audit.csv
  $ ${PROGRAM_NAME} verify audit-trail.jsonl --public-key keys/audit.pub.pem
${EXIT_CODES_HELP}

Colour: on a terminal only; NO_COLOR=1 turns it off, FORCE_COLOR=1 forces it.
Run '${PROGRAM_NAME} <command> --help' for the options and examples of a command.`;

/** A command, built for one run of the CLI. */
export type CommandFactory = (context: CommandContext) => Command;

/**
 * The top-level program holding `commands`: `--version`, `-h/--help`, and
 * the exit codes in its help.
 *
 * @example
 * const program = createProgram(context, [serveCommand, verifyCommand]);
 */
export function createProgram(context: CommandContext, commands: readonly CommandFactory[]): Command {
  const program = new Command(PROGRAM_NAME)
    .description('Audit trails for AI agents: run a local receiver, read, follow, export and verify trails.')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .helpCommand('help [command]', 'show the help of a command')
    // Names only in the list: each command's arguments are in its own help.
    .configureHelp({ subcommandTerm: (command) => command.name() })
    .addHelpText('after', PROGRAM_HELP);
  for (const command of commands) program.addCommand(command(context));
  return program;
}

/**
 * Parses `argv` (the words after the program name) with `program` and runs
 * the command it names. Resolves with the exit code; never rejects.
 *
 * @example
 * process.exitCode = await runProgram(program, ['show', 'audit.jsonl'], context);
 */
export async function runProgram(program: Command, argv: readonly string[], context: CommandContext): Promise<number> {
  const { io } = context;
  configureTree(program, io);
  // Help shown because something was missing (no command) is a usage mistake; asked for, it is not.
  let helpAfterMistake = false;
  program.on('beforeAllHelp', (help: { error: boolean }) => void (helpAfterMistake = help.error));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return context.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return exitCodeOf(error, helpAfterMistake);
    io.stderr.write(`${PROGRAM_NAME}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILURE;
  }
}

/**
 * The text `<command> --help` prints, including what `addHelpText` added,
 * for the command `factory` builds under the program.
 *
 * @example
 * export const SERVE_USAGE = usageOf(serveCommand); // 'Usage: otel-agent-audit serve [options]\n…'
 */
export function usageOf(factory: CommandFactory): string {
  return helpText([factory], (program) => program.commands[0]!);
}

/**
 * The text `otel-agent-audit --help` prints for a program of `commands`.
 *
 * @example
 * export const USAGE = programUsage(COMMANDS);
 */
export function programUsage(commands: readonly CommandFactory[]): string {
  return helpText(commands, (program) => program);
}

function helpText(commands: readonly CommandFactory[], pick: (program: Command) => Command): string {
  let text = '';
  const capture: TextSink = { write: (chunk) => (text += chunk) };
  const io: CliIo = { stdout: capture, stderr: capture };
  const program = createProgram(newCommandContext(io), commands);
  configureTree(program, io);
  pick(program).outputHelp();
  return text;
}

/**
 * Runs one command as if named on the command line, for callers that hold
 * only that command: `serve(args, io)` is `otel-agent-audit serve …args`.
 *
 * @example
 * await runAlone(verifyCommand, ['trail.jsonl'], io); // 0 or 1
 */
export function runAlone(factory: CommandFactory, args: readonly string[], io: CliIo): Promise<number> {
  const context = newCommandContext(io);
  const program = createProgram(context, [factory]);
  return runProgram(program, [program.commands[0]!.name(), ...args], context);
}

/**
 * Output, errors and exit of `command` and every command below it: commander
 * copies these settings only to commands made with `.command()`, not to
 * those added with `.addCommand()`.
 */
function configureTree(command: Command, io: CliIo): void {
  const path = commandPath(command);
  command
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      outputError: (text) => void io.stderr.write(`${path}: ${withExtraArguments(text.replace(/^error: /, ''), command)}`),
      getOutHelpWidth: () => helpWidth(io.stdout),
      getErrHelpWidth: () => helpWidth(io.stderr),
      // Help is plain text; colour is for trail output only.
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    });
  for (const sub of command.commands) configureTree(sub, io);
}

/** Commander's "too many arguments" says how many, not which: name them. */
function withExtraArguments(message: string, command: Command): string {
  if (!message.startsWith('too many arguments')) return message;
  const extra = command.args.slice(command.registeredArguments.length).map((arg) => `'${arg}'`);
  return extra.length === 0 ? message : message.replace(/\.?\n$/, `: ${extra.join(', ')}\n`);
}

function helpWidth(sink: TextSink): number {
  return sink.isTTY === true && typeof sink.columns === 'number' && sink.columns > 40 ? sink.columns : HELP_WIDTH;
}

function exitCodeOf(error: CommanderError, helpAfterMistake: boolean): number {
  if (error.code === 'commander.version' || error.code === 'commander.helpDisplayed') return EXIT_OK;
  // `help` and `help <command>` exit through here too, with process.exitCode as the code: not used.
  if (error.code === 'commander.help') return helpAfterMistake ? EXIT_USAGE : EXIT_OK;
  return EXIT_USAGE;
}
