/**
 * Waits for `work`, or stops waiting when `signal` aborts: the caller gets
 * `onAbort()` at once while the work itself goes on for whoever else waits on
 * it (a shared agent registration, a request undici still holds queued).
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal, onAbort: () => T): Promise<T> {
  if (signal.aborted) return Promise.resolve(onAbort());
  let listener: (() => void) | undefined;
  const aborted = new Promise<T>((resolve) => {
    listener = () => resolve(onAbort());
    signal.addEventListener('abort', listener, { once: true });
  });
  // The listener goes with the wait: signals shared by many waits must not collect them.
  return Promise.race([work, aborted]).finally(() => signal.removeEventListener('abort', listener!));
}
