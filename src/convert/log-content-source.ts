/**
 * What conversion reads of GenAI log-record content: the messages a span's
 * log records carried, looked up by trace and span id. Reading changes
 * nothing, so the same spans and the same source give the same events.
 */

/** The content of one span, in GenAI `{role, parts}` messages. */
export interface SpanLogContent {
  input?: unknown[];
  output?: unknown[];
  systemInstructions?: unknown;
}

/** Where conversion finds log-record content (an audit exporter's store). */
export interface LogContentSource {
  /** The content held for the span, or undefined; never changes the source. */
  peek(traceId: string, spanId: string): SpanLogContent | undefined;
}
