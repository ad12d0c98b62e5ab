import { onTestFinished } from 'vitest';

/** Process warnings with `code`, each as `pick` keeps it, from now until the test ends (they are emitted on the next tick). */
export function processWarnings<T>(code: string, pick: (warning: Error) => T): T[] {
  const kept: T[] = [];
  const onWarning = (warning: Error): void => {
    if ((warning as NodeJS.ErrnoException).code === code) kept.push(pick(warning));
  };
  process.on('warning', onWarning);
  onTestFinished(() => void process.off('warning', onWarning));
  return kept;
}

/** Process warnings with the spool's code (`OTEL_AGENT_AUDIT_SPOOL`), from now until the test ends. */
export function spoolWarnings(): Error[] {
  return processWarnings('OTEL_AGENT_AUDIT_SPOOL', (warning) => warning);
}
