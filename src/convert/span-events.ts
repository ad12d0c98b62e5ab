/**
 * `error` and `custom` audit events from a span's exception events, status and
 * `recordEvent` events: common to every convention.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { counted } from '../model/event-count.js';
import {
  AUDIT_ERROR_CODE,
  AUDIT_EVENT_PAYLOAD,
  AUDIT_RECORDED,
  ERROR_TYPE,
  EXCEPTION_EVENT,
  EXCEPTION_MESSAGE,
  EXCEPTION_STACKTRACE,
  EXCEPTION_TYPE,
  GEN_AI_OPERATION_NAME,
} from '../model/attributes.js';
import type { SpanEventBuilder } from './span-converter.js';
import { readJson, readString } from '../model/span-reader.js';

/**
 * Emits one `error` per exception event and, when the span failed without
 * one, one `error` for its status. With `recordedOnly`, only the exceptions
 * and events our own `recordError` / `recordEvent` wrote (for spans that are
 * not otherwise agent activity).
 */
export function emitErrorsAndCustomEvents(span: ReadableSpan, out: SpanEventBuilder, recordedOnly: boolean): void {
  let exceptions = 0;
  let customs = 0;
  let recordedSeen = false;
  for (const event of span.events) {
    const attributes = event.attributes ?? {};
    const recorded = attributes[AUDIT_RECORDED] === true;
    recordedSeen ||= recorded;
    if (event.name === EXCEPTION_EVENT) {
      if (recordedOnly && !recorded) continue;
      out.emit('error', `error.${exceptions++}`, event.time, {
        error_type: readString(attributes, EXCEPTION_TYPE) ?? 'Error',
        error_code: readString(attributes, AUDIT_ERROR_CODE),
        message: readString(attributes, EXCEPTION_MESSAGE),
        stacktrace: readString(attributes, EXCEPTION_STACKTRACE),
        handled: recorded,
        ...spanContextFields(span),
      });
    } else if (recorded) {
      out.emit('custom', `custom.${customs++}`, event.time, { name: event.name, data: readJson(attributes, AUDIT_EVENT_PAYLOAD) });
    }
  }
  // The SDK drops what exceeds its span limits with only a debug log: an
  // incomplete record must say so in the trail itself.
  // A span that is not agent activity only matters if it held our records.
  const droppedAttributes = recordedOnly ? 0 : span.droppedAttributesCount;
  const droppedEvents = recordedOnly && !recordedSeen ? 0 : span.droppedEventsCount;
  if (droppedEvents > 0 || droppedAttributes > 0) {
    out.emit('error', 'span_limits', span.endTime, {
      error_type: 'otel-agent-audit.span_limits',
      message:
        `the OpenTelemetry SDK dropped ${counted(droppedEvents, 'event')} and ${counted(droppedAttributes, 'attribute')} of this span ` +
        '(span limits), so its audit record is incomplete. Raise the tracer provider\'s spanLimits, or ' +
        'OTEL_SPAN_EVENT_COUNT_LIMIT / OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT.',
      dropped_events: droppedEvents,
      dropped_attributes: droppedAttributes,
      handled: false,
      ...spanContextFields(span),
    });
  }
  if (!recordedOnly && exceptions === 0 && span.status.code === SpanStatusCode.ERROR) {
    out.emit('error', 'error', span.endTime, {
      error_type: readString(span.attributes, ERROR_TYPE) ?? 'Error',
      message: span.status.message,
      handled: false,
      ...spanContextFields(span),
    });
  }
}

function spanContextFields(span: ReadableSpan): Record<string, unknown> {
  return { span_name: span.name, operation: readString(span.attributes, GEN_AI_OPERATION_NAME) };
}
