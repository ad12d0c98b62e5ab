/**
 * When a long-running command (`serve`, `tail`) should stop: the first
 * SIGINT or SIGTERM, or the caller's abort signal (tests, embedding).
 */
import type { CliIo } from './cli-io.js';

/** A pending stop; see {@link untilStopped}. */
export interface StopRequest {
  /** Resolves on the first SIGINT, SIGTERM or abort of `io.signal`. */
  requested: Promise<void>;
  /** Aborted together with `requested`, for APIs that take a signal. */
  signal: AbortSignal;
  /** Removes every listener this added (the CLI may run in-process, many times). */
  dispose(): void;
}

/**
 * Listens for the stop. After the first request, a second signal exits at
 * once (code 130) instead of waiting for the command to wind down, when
 * `forceExitNotice` is given; otherwise a second signal meets Node's default
 * handling (the process ends).
 *
 * @example
 * const stop = untilStopped(io, 'second signal, exiting without waiting for the receiver to close');
 * await stop.requested; await receiver.close(); stop.dispose();
 */
export function untilStopped(io: CliIo, forceExitNotice?: string): StopRequest {
  const controller = new AbortController();
  const forceExit = (): void => {
    io.stderr.write(`otel-agent-audit: ${forceExitNotice}\n`);
    process.exit(130);
  };
  let stop = (): void => {};
  const requested = new Promise<void>((resolve) => {
    stop = () => {
      process.off('SIGINT', stop).off('SIGTERM', stop);
      io.signal?.removeEventListener('abort', stop);
      if (forceExitNotice !== undefined) process.once('SIGINT', forceExit).once('SIGTERM', forceExit);
      controller.abort();
      resolve();
    };
  });
  process.on('SIGINT', stop).on('SIGTERM', stop);
  if (io.signal?.aborted) stop();
  else io.signal?.addEventListener('abort', stop, { once: true });
  return {
    requested,
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', stop).off('SIGTERM', stop).off('SIGINT', forceExit).off('SIGTERM', forceExit);
      io.signal?.removeEventListener('abort', stop);
    },
  };
}
