/**
 * Where a command writes and what stops it, passed in rather than taken from
 * `process`, so the whole CLI runs in-process under test.
 */

/** A stream a command writes text to: `process.stdout`, or anything with `write`. */
export interface TextSink {
  write(text: string): unknown;
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
  /** Stops a running `serve` when aborted, as SIGINT does. Default: signals only. */
  signal?: AbortSignal;
}

/**
 * The real process's streams.
 *
 * @example
 * runCli(process.argv.slice(2), processIo());
 */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr };
}
