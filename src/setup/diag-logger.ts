import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { readConfig } from '../config/env.js';

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
  // A level name, checked by the option table (an invalid one was warned about and replaced by WARN).
  const logLevel = (DiagLogLevel as unknown as Record<string, DiagLogLevel>)[readConfig().logLevel] ?? DiagLogLevel.WARN;
  diag.setLogger(new DiagConsoleLogger(), { logLevel, suppressOverrideMessage: true });
}
