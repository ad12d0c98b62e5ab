// `otel-agent-audit export`: writes the events of a trail that pass the
// filters to a file or stdout, as JSONL (the lines as read) or CSV.
import { constants } from 'node:fs';
import { access, open, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { CliIo } from './cli-io.js';
import { commandPath, runAction, type CommandContext } from './command-context.js';
import { csvHeader, eventCsvRecord } from './event-csv.js';
import { EXIT_FAILURE, EXIT_OK } from './exit-codes.js';
import { filterOf, trailReadingCommand, type FilterFlags } from './filter-options.js';
import { readTrailEvents, trailName } from './read-trail-events.js';
import type { TrailEvent } from './trail-event.js';
import { isFiltering, matchesFilter } from './trail-filter.js';
import { writeTrailNotices } from './trail-notices.js';
import { TrailParser } from './trail-parser.js';
import { UsageError } from './usage-error.js';

/** The formats `--format` takes. */
export const EXPORT_FORMATS = ['jsonl', 'csv'] as const;

interface ExportFlags extends FilterFlags {
  output?: string;
  format: (typeof EXPORT_FORMATS)[number];
}

const DESCRIPTION = `Writes the events of an audit trail that pass the filters, in file order, to
--output or stdout: as JSONL (each line as read, so the result is a trail
again) or as CSV with fixed columns:
  id,timestamp,type,session,trace,span,agent,name,status,policy,summary
(name: the model, tool, error type or custom event name; RFC 4180 quoting).`;

const EXAMPLES = `
Examples:
  $ otel-agent-audit export audit-trail.jsonl --format csv --output audit.csv
  $ otel-agent-audit export audit-trail.jsonl --session 3f2a9c --output session.jsonl
  $ otel-agent-audit export audit-trail.jsonl --type tool_call --policy block,flag --format csv
  $ otel-agent-audit export - --since 1d < audit-trail.jsonl > today.jsonl`;

/**
 * The `export` command.
 *
 * @example
 * createProgram(context, [exportCommand]);
 */
export function exportCommand(context: CommandContext): Command {
  const command = trailReadingCommand('export', 'write the filtered events of a trail as JSONL or CSV', DESCRIPTION, context.io.now ?? Date.now);
  command
    .option('-o, --output <path>', 'write to this file, replacing it (default: stdout)')
    .addOption(new Option('--format <format>', 'jsonl or csv').choices(EXPORT_FORMATS).default('jsonl'))
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', EXAMPLES);
  return runAction(command, context, (file: string, flags: ExportFlags) => runExport(file, flags, context.io, commandPath(command)));
}

/** Where the records go: a file (written as they come) or stdout. */
interface ExportTarget {
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

async function runExport(file: string, flags: ExportFlags, io: CliIo, path: string): Promise<number> {
  if (flags.output !== undefined && file !== '-' && resolve(flags.output) === resolve(file)) {
    throw new UsageError(`--output ${flags.output} is the trail being read: writing it would destroy it`);
  }
  // Before the output is opened (and replaced): a missing trail leaves it as it was.
  if (file !== '-') await readable(file);
  const filter = filterOf(flags);
  const target = await openTarget(flags.output, io);
  if (target === undefined) return EXIT_FAILURE;
  const parser = new TrailParser();
  const record = flags.format === 'csv' ? eventCsvRecord : (event: TrailEvent) => `${event.line}\n`;
  let read = 0;
  let matched = 0;
  try {
    if (flags.format === 'csv') await target.write(csvHeader());
    for await (const batch of readTrailEvents(file, io, parser)) {
      read += batch.length;
      const passed = batch.filter((event) => matchesFilter(event, filter));
      matched += passed.length;
      if (passed.length > 0) await target.write(passed.map(record).join(''));
    }
  } finally {
    await target.close();
  }
  writeTrailNotices(io.stderr, path, trailName(file), parser.malformed, { read, matched, filtering: isFiltering(filter) });
  if (flags.output !== undefined) io.stderr.write(`${path}: wrote ${matched} event${matched === 1 ? '' : 's'} to ${flags.output}\n`);
  return EXIT_OK;
}

async function readable(file: string): Promise<void> {
  try {
    await access(file, constants.R_OK);
  } catch (error) {
    throw new Error(`cannot read trail ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** The target, or `undefined` (after saying why on stderr) when the file cannot be opened. */
async function openTarget(output: string | undefined, io: CliIo): Promise<ExportTarget | undefined> {
  if (output === undefined) {
    return { write: async (text) => void io.stdout.write(text), close: async () => undefined };
  }
  let handle: FileHandle;
  try {
    handle = await open(output, 'w');
  } catch (error) {
    io.stderr.write(`otel-agent-audit export: cannot write ${output}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
    return undefined;
  }
  return { write: async (text) => void (await handle.write(text)), close: () => handle.close() };
}
