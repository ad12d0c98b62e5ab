/**
 * The one core every recording helper runs on: start an active span, run the
 * user's function (sync or async), record a throw or rejection as an exception
 * with status ERROR, always end the span, and hand back the original value or
 * error unchanged.
 */
import { diag, SpanStatusCode, type Context, type Span, type SpanOptions } from '@opentelemetry/api';
import { ERROR_TYPE } from '../model/attributes.js';
import { auditNow } from '../model/clock.js';
import { missingSessionAttributes, sessionFromContext } from '../model/session-context.js';
import { auditTracer } from './tracer.js';

const log = diag.createComponentLogger({ namespace: 'otel-agent-audit:record' });

/**
 * What a helper returns for a function returning `T`: the value itself, or
 * for a promise (or any thenable, such as the OpenAI SDK's `APIPromise`) a
 * plain `Promise` of its result — the span must end when it settles, so
 * extra methods of the original object are not kept.
 */
export type Recorded<T> = T extends PromiseLike<infer U> ? Promise<U> : T;

/** Called with the function's value before the span ends, to record results. */
export type OnSuccess<T> = (span: Span, value: Awaited<T>) => void;

export function runInSpan<T>(
  name: string,
  options: SpanOptions,
  parent: Context,
  fn: (span: Span) => T,
  onSuccess?: OnSuccess<T>,
): Recorded<T> {
  // Every time on our spans comes from one clock (see clock.ts).
  options.startTime = auditNow(); // callers pass a fresh options object
  stampSession(options, parent);
  return auditTracer().startActiveSpan(name, options, parent, (span) => {
    let result: T;
    try {
      result = fn(span);
    } catch (error) {
      endWithError(span, error);
      throw error;
    }
    if (isPromiseLike(result)) {
      return result.then(
        (value) => {
          endWithValue(span, value as Awaited<T>, onSuccess);
          return value;
        },
        (error: unknown) => {
          endWithError(span, error);
          throw error;
        },
      ) as Recorded<T>;
    }
    endWithValue(span, result as Awaited<T>, onSuccess);
    return result as Recorded<T>;
  });
}

/**
 * The session identity, on our own spans whatever processors are installed
 * (the audit span processor does the same for other libraries' spans).
 */
function stampSession(options: SpanOptions, parent: Context): void {
  const session = sessionFromContext(parent);
  if (!session) return;
  const missing = missingSessionAttributes(session, options.attributes ?? {});
  if (missing) options.attributes = Object.assign(options.attributes ?? {}, missing);
}

function endWithValue<T>(span: Span, value: Awaited<T>, onSuccess: OnSuccess<T> | undefined): void {
  if (onSuccess) {
    // Reading the result is best effort: a shape we did not expect must never
    // turn the agent's successful call into a failure.
    try {
      onSuccess(span, value);
    } catch (error) {
      log.debug('could not record the result of a call', error);
    }
  }
  span.end(auditNow());
}

/** Records `error` on `span` as an exception with status ERROR and ends it. */
function endWithError(span: Span, error: unknown): void {
  markError(span, error);
  span.end(auditNow());
}

/** Records `error` as an exception event and sets status ERROR and `error.type`. */
function markError(span: Span, error: unknown): void {
  try {
    span.recordException(toException(error), auditNow());
  } catch (recordingError) {
    log.debug('could not record an exception on a span', recordingError);
  }
  // Apart from the exception event: a thrown value the SDK cannot read must
  // still leave the span failed, or the audit trail would call the call a success.
  try {
    span.setAttribute(ERROR_TYPE, errorType(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(error) });
  } catch (recordingError) {
    log.debug('could not record an error on a span', recordingError);
  }
}

/** The OTel `Exception` shape for any thrown value (strings, objects, `Error`s). */
function toException(error: unknown): Error | string {
  if (typeof error === 'string') return error;
  if (isError(error)) return error;
  return { name: errorType(error), message: errorMessage(error) } as Error;
}

/** Never throws: a thrown value may be a proxy or have throwing getters. */
export function errorType(error: unknown): string {
  try {
    if (error instanceof Error) return error.name || error.constructor.name || 'Error';
    if (error !== null && typeof error === 'object') {
      const name = (error as { name?: unknown }).name;
      if (typeof name === 'string' && name) return name;
    }
  } catch {
    return '_OTHER';
  }
  return typeof error === 'string' ? 'Error' : '_OTHER';
}

/** Never throws, for the same reason as {@link errorType}. */
export function errorMessage(error: unknown): string {
  try {
    if (error instanceof Error) return error.message;
    if (typeof error === 'string') return error;
    if (error !== null && typeof error === 'object') {
      const message = (error as { message?: unknown }).message;
      if (typeof message === 'string') return message;
    }
    return String(error);
  } catch {
    return 'unknown error';
  }
}

/** `instanceof Error`, false where asking throws (a revoked proxy, a throwing `getPrototypeOf` trap). */
export function isError(value: unknown): value is Error {
  try {
    return value instanceof Error;
  } catch {
    return false;
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  try {
    return typeof (value as { then?: unknown }).then === 'function';
  } catch {
    return false; // a throwing `then` getter: not something we can wait on
  }
}
