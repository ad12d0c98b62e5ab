/**
 * The one core every recording helper runs on: start an active span, run the
 * user's function (sync or async), record a throw or rejection as an exception
 * with status ERROR, always end the span, and hand back the original value or
 * error unchanged.
 */
import { SpanStatusCode, type Context, type Span, type SpanOptions, type Tracer } from '@opentelemetry/api';
import { ERROR_TYPE, EXCEPTION_EVENT, EXCEPTION_MESSAGE } from '../model/attributes.js';
import { auditNow } from '../model/clock.js';
import { errorMessage, errorType } from '../model/error-value.js';
import { exceptionAttributes } from '../model/exception-attributes.js';
import { describeKind } from '../model/value-kind.js';
import { missingSessionAttributes, sessionFromContext } from '../model/session-context.js';
import { auditTracer } from './tracer.js';
import { scrubbedLogger } from '../redact/scrubbed-logger.js';

const log = scrubbedLogger('otel-agent-audit:record');

/**
 * What a helper returns for a function returning `T`: the value itself, or
 * for a promise (or any thenable, such as the OpenAI SDK's `APIPromise`) a
 * plain `Promise` of its result — the span must end when it settles, so
 * extra methods of the original object are not kept.
 */
export type Recorded<T> = T extends PromiseLike<infer U> ? Promise<U> : T;

/** Called with the function's value before the span ends, to record results. */
export type OnSuccess<T> = (span: Span, value: Awaited<T>) => void;

/**
 * Starts `name` as the active span under `parent`, runs `fn` in it, and ends
 * it when `fn` returns, throws, or (for a promise or thenable) settles. A
 * throw or rejection is recorded (exception event, status ERROR,
 * `error.type`) and handed back unchanged; `onSuccess` records from the
 * value first, and cannot fail the call.
 *
 * @example
 * runInSpan('execute_tool search', { attributes }, context.active(), (span) => search(q), recordResult);
 */
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
 * Starts `name` under `parent` at `options.startTime` (a time the caller
 * measured: a call seen only after it happened), not active, with the
 * session identity stamped as on every span of ours. The caller ends it.
 * `tracer`: the helpers' own by default.
 *
 * @example
 * const span = startSpanAt('chat claude-sonnet-4-5', { kind: SpanKind.CLIENT, startTime }, parent);
 */
export function startSpanAt(name: string, options: SpanOptions, parent: Context, tracer: Tracer = auditTracer()): Span {
  stampSession(options, parent);
  return tracer.startSpan(name, options, parent);
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
    // Not span.recordException: it records an error's `code` as its type.
    // Its message is the status message, 'unknown error' for a value that cannot be read.
    span.addEvent(EXCEPTION_EVENT, { ...exceptionAttributes(error).attributes, [EXCEPTION_MESSAGE]: errorMessage(error) }, auditNow());
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

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  try {
    return typeof (value as { then?: unknown }).then === 'function';
  } catch {
    return false; // a throwing `then` getter: not something we can wait on
  }
}

/**
 * Calls the agent's function `fn` with `arg`. Something that is not a
 * function is a programming error, not input to record around: it throws a
 * `TypeError` naming `helper` (recorded on the span like any throw, since
 * this runs inside it), where calling it would have thrown anyway. Nothing
 * before this point throws, whatever the other arguments were.
 *
 * @throws {TypeError} when `fn` is not a function.
 * @example
 * runInSpan(name, options, parent, (span) => callUserFunction(fn, span, 'withToolCall'));
 */
export function callUserFunction<A, T>(fn: (arg: A) => T, arg: A, helper: string): T {
  if (typeof fn !== 'function') throw new TypeError(`${helper}: the function to run is ${describeKind(fn)}, not a function`);
  return fn(arg);
}
