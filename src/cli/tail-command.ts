// `otel-agent-audit tail`: prints the last events of a trail, then each new
// one as it is appended, until Ctrl+C (or the caller's abort signal).
import { InvalidArgumentError, type Command } from 'commander';
import type { CliIo } from './cli-io.js';
import { commandPath, runAction, type CommandContext } from './command-context.js';
import { eventLine } from './event-line.js';
import { EXIT_OK } from './exit-codes.js';
import { filterOf, trailReadingCommand, type FilterFlags } from './filter-options.js';
import { followFile } from './follow-file.js';
import { LineSplitter, type NumberedLine } from '../chain/line-splitter.js';
import { trailName } from './read-trail-events.js';
import { untilStopped } from './stop-request.js';
import { styleFor, type TerminalStyle } from './terminal-style.js';
import type { TrailEvent } from './trail-event.js';
import { matchesFilter, type TrailFilter } from './trail-filter.js';
import { TrailParser } from './trail-parser.js';

/** Events printed from what the trail already holds, without `--lines`. */
export const DEFAULT_TAIL_LINES = 10;
/** How often the trail is looked at when no watch event comes, without `--poll-interval`. */
export const DEFAULT_POLL_MILLIS = 250;

interface TailFlags extends FilterFlags {
  lines: number;
  json?: boolean;
  pollInterval: number;
}

const DESCRIPTION = `Prints the last events of an audit trail that pass the filters, then each new
one as it is appended, one line per event (time, session, agent, type, the
essentials, the verdict), until Ctrl+C. Waits for a trail that does not exist
yet, and reads one that is truncated or replaced (rotated) from its start; a
line is shown once its newline is written. With - it follows stdin to its end
(--lines does not apply).`;

const EXAMPLES = `
Examples:
  $ otel-agent-audit tail audit-trail.jsonl
  $ otel-agent-audit tail audit-trail.jsonl -n 0 --type tool_call --policy block
  $ otel-agent-audit tail audit-trail.jsonl --lines all --session 3f2a9c
  $ otel-agent-audit tail audit-trail.jsonl --json | jq -c .payload`;

/**
 * The `tail` command.
 *
 * @example
 * createProgram(context, [tailCommand]);
 */
export function tailCommand(context: CommandContext): Command {
  const command = trailReadingCommand('tail', 'print the last events of a trail, then new ones as they are appended', DESCRIPTION, context.io.now ?? Date.now);
  command
    .option('-n, --lines <count>', `how many of the events already in the trail to print first: a number (0: only new ones) or all`, parseLines, DEFAULT_TAIL_LINES)
    .option('--json', 'print each event as JSONL (the line as read)')
    .option('--poll-interval <millis>', 'how often to look for changes when no file-system event comes', parseMillis, DEFAULT_POLL_MILLIS)
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', EXAMPLES);
  return runAction(command, context, (file: string, flags: TailFlags) => runTail(file, flags, context.io, commandPath(command)));
}

/** Turns lines into printed events; one per run. */
class TailPrinter {
  readonly parser = new TrailParser();
  readonly lines = new LineSplitter();
  /** While reading what the trail held before: the last `--lines` matching events, printed once caught up. */
  private backlog: TrailEvent[] | undefined = [];
  private readonly style: TerminalStyle;

  constructor(
    private readonly io: CliIo,
    private readonly filter: TrailFilter,
    private readonly flags: TailFlags,
  ) {
    this.style = styleFor(io.stdout, io.env);
  }

  take(lines: readonly NumberedLine[]): void {
    const events: TrailEvent[] = [];
    for (const line of lines) {
      const event = this.parser.parse(line);
      if (event !== undefined && matchesFilter(event, this.filter)) events.push(event);
    }
    if (this.backlog === undefined) return this.print(events);
    this.backlog.push(...events);
    if (this.backlog.length > this.flags.lines) this.backlog.splice(0, this.backlog.length - this.flags.lines);
  }

  /** The trail's old events are read: print the last ones, and from now on each as it comes. */
  caughtUp(): void {
    const backlog = this.backlog ?? [];
    this.backlog = undefined;
    this.print(backlog);
  }

  private print(events: readonly TrailEvent[]): void {
    if (events.length === 0) return;
    const text = events.map((event) => (this.flags.json ? event.line : eventLine(event, this.style, { layout: 'flat' })));
    this.io.stdout.write(`${text.join('\n')}\n`);
  }
}

async function runTail(file: string, flags: TailFlags, io: CliIo, path: string): Promise<number> {
  const printer = new TailPrinter(io, filterOf(flags), flags);
  const name = trailName(file);
  const note = (text: string): void => void io.stderr.write(`${path}: ${text}\n`);
  const stop = untilStopped(io);
  try {
    if (file === '-') {
      printer.caughtUp();
      await followStdin(io, printer, stop.signal);
    } else {
      await followFile(
        file,
        {
          onData: (chunk) => printer.take(printer.lines.push(chunk)),
          onCaughtUp: () => {
            printer.caughtUp();
            note(`following ${name}; Ctrl+C to stop`);
          },
          onMissing: () => note(`waiting for ${name} to appear`),
          onRestart: (reason) => {
            printer.lines.reset();
            note(reason === 'appeared' ? `${name} appeared` : `${name} was ${reason}; reading it from the start`);
          },
        },
        { pollMillis: flags.pollInterval, signal: stop.signal },
      );
    }
  } catch (error) {
    throw new Error(`cannot read trail ${name}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  } finally {
    stop.dispose();
  }
  if (printer.lines.holdsPartialLine) note(`the last line of ${name} has no newline yet; not shown`);
  const skipped = printer.parser.malformed.report(name);
  if (skipped !== undefined) note(skipped);
  return EXIT_OK;
}

/** Stdin has no "already there": every event is printed as it arrives, until its end or the stop. */
async function followStdin(io: CliIo, printer: TailPrinter, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  const input = io.stdin ?? process.stdin;
  // Destroyed on stop: a pending read on stdin would keep the process alive.
  const stop = (): void => void input.destroy();
  signal.addEventListener('abort', stop, { once: true });
  try {
    for await (const chunk of input) printer.take(printer.lines.push(chunk as Buffer | string));
    const last = printer.lines.end();
    if (last !== undefined) printer.take([last]);
  } catch (error) {
    if (!signal.aborted) throw error;
  } finally {
    signal.removeEventListener('abort', stop);
  }
}

function parseLines(text: string): number {
  if (text === 'all') return Number.POSITIVE_INFINITY;
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError('give a number of events (0 for only new ones) or all.');
  return Number(text);
}

function parseMillis(text: string): number {
  const millis = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(millis >= 10 && millis <= 60_000)) throw new InvalidArgumentError('give milliseconds from 10 to 60000.');
  return millis;
}
