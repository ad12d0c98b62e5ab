/**
 * How a bad environment value reaches the user: a process warning, once per
 * variable per process. Not `diag`: the environment is first read while
 * deciding the diag logger's own level (`OTEL_LOG_LEVEL`), before any logger
 * exists, and a user who set up none must still learn that a value was ignored.
 */
import { scrubSecrets } from '../redact/log-scrubber.js';
import type { ConfigReport } from './resolve-env.js';

/**
 * The `code` of every configuration warning, stable across versions, so it
 * can be filtered: `process.on('warning', (w) => w.code === CONFIG_WARNING_CODE && …)`.
 */
export const CONFIG_WARNING_CODE = 'OTEL_AGENT_AUDIT_CONFIG';

/** Emits one warning message; `process.emitWarning` with {@link CONFIG_WARNING_CODE} unless told otherwise. */
export type WarningSink = (message: string) => void;

const emitProcessWarning: WarningSink = (message) => process.emitWarning(scrubSecrets(message), { code: CONFIG_WARNING_CODE });

/**
 * A {@link ConfigReport} that warns about each variable once: later problems
 * with a variable already warned about are dropped, so resolving the
 * environment again (or per backend) never repeats a warning.
 *
 * @param sink where messages go. Default: `process.emitWarning(message, { code: 'OTEL_AGENT_AUDIT_CONFIG' })`.
 * @example
 * const warn = createConfigWarner();
 * resolveEnv(process.env, warn);
 */
export function createConfigWarner(sink: WarningSink = emitProcessWarning): ConfigReport {
  const warned = new Set<string>();
  return (problem) => {
    if (warned.has(problem.envKey)) return;
    warned.add(problem.envKey);
    sink(problem.message);
  };
}
