/**
 * Process warnings as a user sees them without any logger set up (Node
 * prints them to stderr): collected here by their `code`. Node emits a
 * warning on the next tick, so `said()` waits for the event loop to turn
 * before answering.
 */
import { afterEach } from 'vitest';

export interface CapturedWarnings {
  /** The messages emitted so far with the code, once pending warnings have been emitted. */
  said(): Promise<string[]>;
}

const listeners = new Set<(warning: Error) => void>();
afterEach(() => {
  for (const listener of listeners) process.off('warning', listener);
  listeners.clear();
});

/** Starts collecting process warnings with `code` (the package's delivery code by default) until the test ends. */
export function captureProcessWarnings(code = 'OTEL_AGENT_AUDIT_DELIVERY'): CapturedWarnings {
  const messages: string[] = [];
  const listener = (warning: Error): void => {
    if ((warning as Error & { code?: string }).code === code) messages.push(warning.message);
  };
  process.on('warning', listener);
  listeners.add(listener);
  return {
    said: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return [...messages];
    },
  };
}
