/**
 * Where a command writes and what stops it, passed in rather than taken from
 * `process`, so the whole CLI runs in-process under test.
 */
import type { Readable } from 'node:stream';

/** A stream a command writes text to: `process.stdout`, or anything with `write`. */
export interface TextSink {
  write(text: string): unknown;
  /** True for a terminal: only then is output coloured (see `terminal-style.ts`). */
  readonly isTTY?: boolean;
  /** The terminal's width, for wrapping help text. Default: 80. */
  readonly columns?: number;
}

/**
 * A command's surroundings.
 *
 * @example
 * const code = await runCli(['serve', '--port', '0'], { stdout: process.stdout, stderr: process.stderr });
 */
export interface CliIo {
  /** Results, help asked for, and one line per stored event. */
  stdout: TextSink;
  /** Errors and usage after a mistake. */
  stderr: TextSink;
  /** Stops a running `serve` or `tail` when aborted, as SIGINT does. Default: signals only. */
  signal?: AbortSignal;
  /** What a trail named `-` is read from. Default: `process.stdin`. */
  stdin?: Readable;
  /** The environment (`NO_COLOR`, `FORCE_COLOR`). Default: none, so nothing is read from `process.env` unless given. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The clock relative times (`--since 10m`) count back from, in epoch milliseconds. Default: `Date.now`. */
  now?: () => number;
}

/**
 * The real process's streams and environment.
 *
 * @example
 * runCli(process.argv.slice(2), processIo());
 */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}
