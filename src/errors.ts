/**
 * Errors this package throws. The audit path itself never throws into the
 * agent; these are raised for invalid options at setup time, and as
 * {@link AuditBlockedError} when a tool call the user asked to gate is refused.
 */

const AUDIT_ERROR_BRAND = Symbol.for('otel-agent-audit.error');

/** Stable machine-readable codes carried by {@link AuditError}. */
export type AuditErrorCode = 'INVALID_OPTION' | 'TOOL_BLOCKED';

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

/**
 * Thrown by `withToolCall` instead of running the tool, when the deciding
 * backend blocked the call, or gave no verdict in time under `failMode: 'closed'`.
 * `verdict` tells the two apart; `reason` is the backend's words (or why there
 * was no verdict). The tool function was not called.
 *
 * @example
 * try { await withToolCall('delete_user', { id }, () => db.deleteUser(id)); }
 * catch (err) { if (isAuditBlockedError(err)) return `Not allowed: ${err.reason}`; throw err; }
 */
export class AuditBlockedError extends AuditError {
  readonly toolName: string;
  readonly reason: string;
  /** Name of the backend that decided (or failed to). */
  readonly backend: string;
  /** `block`: the backend said no. `unavailable`: no verdict in time, and the gate fails closed. */
  readonly verdict: 'block' | 'unavailable';

  constructor(toolName: string, backend: string, verdict: 'block' | 'unavailable', reason: string) {
    super(
      'TOOL_BLOCKED',
      verdict === 'block'
        ? `otel-agent-audit: tool '${toolName}' was blocked by ${backend}: ${reason}`
        : `otel-agent-audit: tool '${toolName}' was not run: no verdict from ${backend} (${reason}) and the tool gate fails closed.`,
    );
    this.name = 'AuditBlockedError';
    this.toolName = toolName;
    this.backend = backend;
    this.verdict = verdict;
    this.reason = reason;
  }
}

/**
 * True for an {@link AuditBlockedError}, from this or another loaded copy of the package.
 *
 * @example
 * if (isAuditBlockedError(err)) console.warn(err.toolName, err.reason);
 */
export function isAuditBlockedError(value: unknown): value is AuditBlockedError {
  return isAuditError(value) && value.code === 'TOOL_BLOCKED';
}

/** Thrown by option validation at setup: names the option and what it accepts. */
export function invalidOption(option: string, expected: string, actual: unknown): AuditError {
  return new AuditError(
    'INVALID_OPTION',
    `otel-agent-audit: option '${option}' must be ${expected}; got ${describe(actual)}.`,
  );
}

function describe(value: unknown): string {
  if (typeof value === 'string') {
    // A URL's user:password is a credential whatever else is wrong with the value.
    const shown = value.replace(/\/\/[^/@\s]*@/g, '//…@');
    return JSON.stringify(shown.length > 40 ? shown.slice(0, 40) + '…' : shown);
  }
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}
