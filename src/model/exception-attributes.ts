/**
 * The attributes of an `exception` span event for any thrown or recorded
 * value, written by our helpers instead of the SDK's `recordException`,
 * which takes an error's `code` for its type (`ERR_X` where `TypeError` is
 * meant).
 */
import type { Attributes } from '@opentelemetry/api';
import { AUDIT_ERROR_CODE, EXCEPTION_MESSAGE, EXCEPTION_STACKTRACE, EXCEPTION_TYPE } from './attributes.js';
import { describeThrown, errorType, isError, readErrorMessage } from './error-value.js';

/** The event's attributes, and what could not be read (for the caller to mark). */
export interface ExceptionRecord {
  readonly attributes: Attributes;
  /** Set when the value, or its stack, could not be read: what reading it threw. */
  readonly unreadable?: string;
}

/**
 * `exception.type` (the name), `exception.message`, `exception.stacktrace`
 * and {@link AUDIT_ERROR_CODE}. Never throws.
 *
 * @example
 * exceptionAttributes(Object.assign(new TypeError('bad'), { code: 'ERR_X' })).attributes;
 * // { 'exception.type': 'TypeError', 'exception.message': 'bad', 'exception.stacktrace': '…', 'audit.error.code': 'ERR_X' }
 */
export function exceptionAttributes(error: unknown): ExceptionRecord {
  const message = readErrorMessage(error);
  const attributes: Attributes = {
    [EXCEPTION_TYPE]: errorType(error),
    [EXCEPTION_MESSAGE]: typeof message === 'string' ? message : `the recorded error could not be read (${message.unreadable})`,
  };
  let unreadable = typeof message === 'string' ? undefined : message.unreadable;
  try {
    const stack = isError(error) ? error.stack : undefined;
    if (typeof stack === 'string' && stack) attributes[EXCEPTION_STACKTRACE] = stack;
    const code = error !== null && typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
    if (typeof code === 'string' ? code !== '' : typeof code === 'number' && Number.isFinite(code)) attributes[AUDIT_ERROR_CODE] = String(code);
  } catch (thrown) {
    unreadable ??= `reading its stack or code threw ${describeThrown(thrown)}`;
  }
  return unreadable === undefined ? { attributes } : { attributes, unreadable };
}
