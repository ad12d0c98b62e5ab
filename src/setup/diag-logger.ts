import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { readEnv } from '../config/env.js';

// Where @opentelemetry/api 1.x keeps its globals; its `diag` entry exists once
// any diag logger is set. Read only, to avoid replacing the app's logger.
const API_GLOBALS = Symbol.for('opentelemetry.js.api.1');

/**
 * Makes sure audit losses and configuration errors reach someone: when the
 * app has set no diag logger, log to the console at `OTEL_LOG_LEVEL` (default
 * WARN), as NodeSDK does. An app's own logger is never replaced.
 */
export function ensureDiagLogger(): void {
  const globals = (globalThis as Record<symbol, { diag?: unknown } | undefined>)[API_GLOBALS];
  if (globals?.diag) return;
  const level = readEnv().logLevel;
  // Level names only: the enum also maps numbers back to names ('30' → 'ERROR'), which are not levels.
  const named = level !== undefined ? (DiagLogLevel as unknown as Record<string, unknown>)[level] : undefined;
  const logLevel = typeof named === 'number' ? (named as DiagLogLevel) : DiagLogLevel.WARN;
  diag.setLogger(new DiagConsoleLogger(), { logLevel, suppressOverrideMessage: true });
}
