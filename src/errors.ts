/**
 * Errors this package throws. The audit path itself never throws into the
 * agent; these are raised only for invalid options at setup time.
 */

const AUDIT_ERROR_BRAND = Symbol.for('otel-agent-audit.error');

/** Stable machine-readable codes carried by {@link AuditError}. */
export type AuditErrorCode = 'INVALID_OPTION';

/**
 * Base class of the package's errors. `code` is stable across versions; the
 * brand keeps {@link isAuditError} working when two copies of the package are
 * loaded (ESM and CommonJS builds side by side), where `instanceof` fails.
 *
 * @example
 * try { setupAudit({ maxQueueSize: 0 }); } catch (err) { if (isAuditError(err)) console.error(err.code, err.message); }
 */
export class AuditError extends Error {
  readonly code: AuditErrorCode;
  readonly [AUDIT_ERROR_BRAND] = true;

  constructor(code: AuditErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuditError';
    this.code = code;
  }
}

/**
 * True for any {@link AuditError}, from this or another loaded copy of the package.
 *
 * @example
 * if (isAuditError(err) && err.code === 'INVALID_OPTION') process.exitCode = 2;
 */
export function isAuditError(value: unknown): value is AuditError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[AUDIT_ERROR_BRAND] === true;
}

/** Thrown by option validation at setup: names the option and what it accepts. */
export function invalidOption(option: string, expected: string, actual: unknown): AuditError {
  return new AuditError(
    'INVALID_OPTION',
    `otel-agent-audit: option '${option}' must be ${expected}; got ${describe(actual)}.`,
  );
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}
