/**
 * Reads a whole trail (a file, or `-` for stdin) as batches of audit
 * events, one batch per chunk read, so a large trail is streamed, not
 * loaded whole.
 */
import { createReadStream } from 'node:fs';
import type { CliIo } from './cli-io.js';
import { LineSplitter, type NumberedLine } from '../chain/line-splitter.js';
import type { TrailEvent } from './trail-event.js';
import type { TrailParser } from './trail-parser.js';

/** How the trail is named in messages: its path, or `stdin`. */
export function trailName(source: string): string {
  return source === '-' ? 'stdin' : source;
}

/**
 * The events of `source`, batch by batch; malformed lines are counted in
 * `parser.malformed`. A last line without a newline is read too.
 *
 * @throws Error `cannot read trail <source>: <code>` when it cannot be read (missing, a folder, permissions).
 * @example
 * const parser = new TrailParser();
 * for await (const batch of readTrailEvents('audit.jsonl', io, parser)) shown.push(...batch);
 */
export async function* readTrailEvents(source: string, io: CliIo, parser: TrailParser): AsyncGenerator<TrailEvent[]> {
  const input = source === '-' ? (io.stdin ?? process.stdin) : createReadStream(source, { highWaterMark: 1024 * 1024 });
  const lines = new LineSplitter();
  try {
    for await (const chunk of input) yield parseAll(lines.push(chunk as Buffer | string), parser);
  } catch (error) {
    throw new Error(`cannot read trail ${trailName(source)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const last = lines.end();
  if (last !== undefined) yield parseAll([last], parser);
}

function parseAll(lines: readonly NumberedLine[], parser: TrailParser): TrailEvent[] {
  const events: TrailEvent[] = [];
  for (const line of lines) {
    const event = parser.parse(line);
    if (event !== undefined) events.push(event);
  }
  return events;
}
