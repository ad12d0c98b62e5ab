/**
 * The `tool_call` event of one executed tool, for converters of conventions
 * other than GenAI, with the same payload fields as the GenAI converter's.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { SpanEventBuilder } from './span-converter.js';
import { durationMillis } from '../model/span-reader.js';

/** One tool execution, as read from a span of any convention. */
export interface ToolCall {
  name: string;
  callId?: string;
  type?: string;
  /** Parsed JSON where the span held JSON text; otherwise the value as written. */
  arguments?: unknown;
  result?: unknown;
}

/**
 * Emits `tool_call` at the span's start; `status` is `error` when the span failed.
 *
 * @example
 * emitToolCall(span, out, { name: 'lookup_order', arguments: { orderId: 42 }, result: { status: 'shipped' } });
 */
export function emitToolCall(span: ReadableSpan, out: SpanEventBuilder, call: ToolCall): void {
  out.emit('tool_call', 'tool_call', span.startTime, {
    tool_name: call.name,
    tool_call_id: call.callId,
    tool_type: call.type,
    arguments: call.arguments,
    result: call.result,
    status: span.status.code === SpanStatusCode.ERROR ? 'error' : 'ok',
    duration_ms: durationMillis(span.startTime, span.endTime),
  });
}
