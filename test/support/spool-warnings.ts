import { onTestFinished } from 'vitest';

/** Process warnings with the spool's code (`OTEL_AGENT_AUDIT_SPOOL`), from now until the test ends. */
export function spoolWarnings(): Error[] {
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => {
    if ((warning as NodeJS.ErrnoException).code === 'OTEL_AGENT_AUDIT_SPOOL') warnings.push(warning);
  };
  process.on('warning', onWarning);
  onTestFinished(() => void process.off('warning', onWarning));
  return warnings;
}
