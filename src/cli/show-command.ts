// `otel-agent-audit show`: prints a trail grouped by session and trace, one
// readable line per event, or the matching lines as JSONL with --json.
import type { Command } from 'commander';
import type { CliIo } from './cli-io.js';
import { commandPath, runAction, type CommandContext } from './command-context.js';
import { eventLine } from './event-line.js';
import { EXIT_OK } from './exit-codes.js';
import { filterOf, trailReadingCommand, type FilterFlags } from './filter-options.js';
import { readTrailEvents, trailName } from './read-trail-events.js';
import { styleFor, type TerminalStyle } from './terminal-style.js';
import type { TrailEvent } from './trail-event.js';
import { isFiltering, matchesFilter } from './trail-filter.js';
import { groupBySession, type SessionGroup } from './trail-groups.js';
import { writeTrailNotices } from './trail-notices.js';
import { TrailParser } from './trail-parser.js';

interface ShowFlags extends FilterFlags {
  json?: boolean;
}

const DESCRIPTION = `Prints an audit trail grouped by session, then by trace, one line per event
in time order: its time, type, what it is about (model, tool, error type or
event name) and outcome, the essentials (tokens, tool arguments and result,
error message), and the policy verdict. Reads the jsonlFile() backend's file,
the receiver's --file trail, or - for stdin. Malformed lines are skipped and
counted on stderr.`;

const EXAMPLES = `
Examples:
  $ otel-agent-audit show audit-trail.jsonl
  $ otel-agent-audit show audit-trail.jsonl --session 3f2a9c --type tool_call,error
  $ otel-agent-audit show audit-trail.jsonl --policy block --since 2h
  $ otel-agent-audit show audit-trail.jsonl --since 2026-05-04T10:00:00Z --until 2026-05-04T11:00:00Z
  $ otel-agent-audit show audit-trail.jsonl --type completion --json | jq .payload.model
  $ cat audit-trail.jsonl | otel-agent-audit show -`;

/**
 * The `show` command.
 *
 * @example
 * createProgram(context, [showCommand]);
 */
export function showCommand(context: CommandContext): Command {
  const command = trailReadingCommand('show', 'print a trail grouped by session and trace, one line per event', DESCRIPTION, context.io.now ?? Date.now);
  command
    .option('--json', 'print the matching events as JSONL (each line as read), in file order')
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', EXAMPLES);
  return runAction(command, context, (file: string, flags: ShowFlags) => runShow(file, flags, context.io, commandPath(command)));
}

async function runShow(file: string, flags: ShowFlags, io: CliIo, path: string): Promise<number> {
  const filter = filterOf(flags);
  const parser = new TrailParser();
  const kept: TrailEvent[] = [];
  let read = 0;
  let matched = 0;
  for await (const batch of readTrailEvents(file, io, parser)) {
    read += batch.length;
    const passed = batch.filter((event) => matchesFilter(event, filter));
    matched += passed.length;
    // JSONL goes out as it is read: a large trail is not held in memory.
    if (!flags.json) kept.push(...passed);
    else if (passed.length > 0) io.stdout.write(passed.map((event) => `${event.line}\n`).join(''));
  }
  if (kept.length > 0) printGrouped(kept, read, isFiltering(filter), io);
  writeTrailNotices(io.stderr, path, trailName(file), parser.malformed, { read, matched, filtering: isFiltering(filter) });
  return EXIT_OK;
}

function printGrouped(events: readonly TrailEvent[], read: number, filtering: boolean, io: CliIo): void {
  const style = styleFor(io.stdout, io.env);
  const sessions = groupBySession(events);
  sessions.forEach((session, i) => io.stdout.write(`${i === 0 ? '' : '\n'}${sessionBlock(session, style)}`));
  const count = `${events.length} event${events.length === 1 ? '' : 's'} in ${sessions.length} session${sessions.length === 1 ? '' : 's'}`;
  io.stdout.write(`\n${count}${filtering ? ` (of ${read} read)` : ''}\n`);
}

function sessionBlock(session: SessionGroup, style: TerminalStyle): string {
  const first = new Date(session.firstMillis).toISOString();
  const last = new Date(session.lastMillis).toISOString();
  const day = first.slice(0, 10);
  const span = `${day} ${first.slice(11, 23)} – ${last.slice(0, 10) === day ? last.slice(11, 23) : `${last.slice(0, 10)} ${last.slice(11, 23)}`}`;
  const title = [session.sessionId === undefined ? 'No session' : `Session ${session.sessionId}`];
  if (session.agentName !== undefined) title.push(`agent ${session.agentName}`);
  title.push(span, `${session.events} event${session.events === 1 ? '' : 's'}`);
  const lines = [style.bold(title.join(' · '))];
  for (const trace of session.traces) {
    lines.push(style.dim(`  ${trace.traceId === undefined ? 'no trace' : `trace ${trace.traceId}`}`));
    for (const event of trace.events) lines.push(`    ${eventLine(event, style, { layout: 'grouped', day })}`);
  }
  return `${lines.join('\n')}\n`;
}
