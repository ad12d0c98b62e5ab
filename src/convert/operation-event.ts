/**
 * The `custom` event for agent structure that is neither a model call nor a
 * tool (agents, chains, workflows, retrieval, embeddings, aggregate spans),
 * with the same payload fields whatever the convention.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { SpanEventBuilder } from './span-converter.js';
import { durationMillis } from '../model/span-reader.js';

/**
 * Emits one `custom` event named `name` (for example `openinference.agent`)
 * at the span's start. `extra` fields follow the common ones.
 *
 * @example
 * emitOperation(span, out, 'traceloop.workflow', undefined, { entity_name: 'support' });
 */
export function emitOperation(
  span: ReadableSpan,
  out: SpanEventBuilder,
  name: string,
  model?: string,
  extra?: Record<string, unknown>,
): void {
  out.emit('custom', 'operation', span.startTime, {
    name,
    span_name: span.name,
    model,
    duration_ms: durationMillis(span.startTime, span.endTime),
    ...extra,
  });
}
