/**
 * The `session.start` and `session.end` events of a session's root span:
 * a `withSession` span, or the run of an agent framework that the audit span
 * processor made the session (`audit.session.root`), whatever convention
 * wrote it.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { AUDIT_SESSION_START_EXPORTED } from '../model/attributes.js';
import { durationMillis } from '../model/span-reader.js';
import type { SpanEventBuilder } from './span-converter.js';

/**
 * The `session.start` event of a session root span, which may still be running.
 *
 * @example
 * emitSessionStart(span, builder); // { name: 'session.start', span_name: 'invoke_agent support-bot' }
 */
export function emitSessionStart(span: ReadableSpan, out: SpanEventBuilder): void {
  out.emit('custom', 'session.start', span.startTime, { name: 'session.start', span_name: span.name });
}

/**
 * `session.start` (unless the processor sent it when the session began) and
 * `session.end` with the outcome.
 *
 * @example
 * emitSession(span, builder); // …, { name: 'session.end', outcome: 'success', duration_ms: 812 }
 */
export function emitSession(span: ReadableSpan, out: SpanEventBuilder): void {
  const failed = span.status.code === SpanStatusCode.ERROR;
  if (span.attributes[AUDIT_SESSION_START_EXPORTED] !== true) emitSessionStart(span, out);
  out.emit('custom', 'session.end', span.endTime, {
    name: 'session.end',
    outcome: failed ? 'error' : 'success',
    status_message: failed ? span.status.message : undefined,
    duration_ms: durationMillis(span.startTime, span.endTime),
  });
}
