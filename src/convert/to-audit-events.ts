/**
 * Spans → audit events: the conversion stage. Pure (no I/O, no timers, no
 * process state: everything it reads comes in as arguments) and total:
 * whatever a span holds, it never throws.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { AUDIT_CARRIER_SPAN, AUDIT_ERROR_RAISED_HERE, AUDIT_MODEL_CALL_RECORDED_BY, AUDIT_MODEL_CALL_REPORTED_UNFINISHED, AUDIT_RECORDED_BY_SCOPE, AUDIT_SESSION_ROOT, AUDIT_TOOL_CALL_RECORDED_BY } from '../model/attributes.js';
import type { AuditEvent } from '../model/audit-event.js';
import { isFrameworkRun, isLateRunRoot } from '../model/agent-run-span.js';
import { frameworkStructureConverter } from './framework-structure.js';
import { genAiConverter } from './genai-converter.js';
import type { LogContentSource } from './log-content-source.js';
import { langSmithConverter } from './langsmith-converter.js';
import { openInferenceConverter } from './openinference-converter.js';
import { emitSession, emitSessionStart } from './session-events.js';
import { SpanEventBuilder, type SpanConverter, type TimedAuditEvent } from './span-converter.js';
import { emitErrorsAndCustomEvents } from './span-events.js';
import { traceloopConverter } from './traceloop-converter.js';
import { vercelConverter } from './vercel-converter.js';
import { withoutContent } from './without-content.js';

/**
 * The converters tried in order; the first that matches a span converts it.
 * The order is span-conventions.md's "How to tell which convention a span
 * follows": frameworks' plumbing spans first (they make no events), then
 * vendor keys, because OpenInference, LangSmith, Traceloop and Vercel also
 * write `gen_ai.*`; GenAI (our own helpers' spans included) last.
 */
export const DEFAULT_CONVERTERS: readonly SpanConverter[] = [
  frameworkStructureConverter,
  openInferenceConverter,
  langSmithConverter,
  traceloopConverter,
  vercelConverter,
  genAiConverter,
];

/** What a conversion depends on besides the spans; the same spans and options give the same events. */
export interface ConversionOptions {
  /** The converters tried in order. Default {@link DEFAULT_CONVERTERS}. */
  converters?: readonly SpanConverter[];
  /**
   * Message content that GenAI log records carried, per span (the store an
   * audit exporter fills through `auditLogRecordProcessor`). Only read, never
   * changed. Default: none.
   */
  logContent?: LogContentSource;
  /** False: events keep only metadata, flagged `content_omitted` (see `withoutContent`). Default true. */
  captureContent?: boolean;
}

/**
 * Converts finished spans into audit events, ordered by the time each event
 * happened. Spans no converter matches (HTTP, DB, …) yield nothing, except
 * errors and events recorded on them with `recordError` / `recordEvent`.
 *
 * @example
 * const memory = new InMemorySpanExporter(); // …spans recorded into it…
 * for (const event of toAuditEvents(memory.getFinishedSpans())) console.log(event.type, event.payload);
 */
export function toAuditEvents(spans: readonly ReadableSpan[], options: ConversionOptions = {}): AuditEvent[] {
  const converters = options.converters ?? DEFAULT_CONVERTERS;
  const timed: TimedAuditEvent[] = [];
  for (const span of spans) convertSpan(span, converters, options.logContent, timed);
  // Stable sort: events of the same instant keep their span's order.
  timed.sort((a, b) => a.sortTime - b.sortTime);
  return options.captureContent === false ? timed.map((t) => withoutContent(t.event)) : timed.map((t) => t.event);
}

/**
 * The `session.start` event of a `withSession` root span that has just
 * started, so a session shows in the trail while it runs (and if it never
 * ends). Never throws; empty for any other span.
 */
export function toSessionStartEvents(span: ReadableSpan, options: Pick<ConversionOptions, 'captureContent'> = {}): AuditEvent[] {
  try {
    if (span.attributes[AUDIT_SESSION_ROOT] !== true) return [];
    const builder = new SpanEventBuilder(span);
    emitSessionStart(span, builder);
    return options.captureContent === false ? builder.out.map((t) => withoutContent(t.event)) : builder.out.map((t) => t.event);
  } catch {
    return []; // then session.start is sent with the rest when the session ends
  }
}

function convertSpan(span: ReadableSpan, converters: readonly SpanConverter[], logContent: LogContentSource | undefined, out: TimedAuditEvent[]): void {
  let builder: SpanEventBuilder | undefined;
  try {
    builder = new SpanEventBuilder(span, logContent);
    // A model call recorded by an enclosing span (model-call-tracker.ts), or an MCP tool call an
    // auditMcpClient span records (mcp-tool-calls.ts), or a bridge's span of a run our own bridge
    // records (agents-bridge-spans.ts), keeps only what recordEvent/recordError wrote.
    const ownEvents =
      span.attributes[AUDIT_CARRIER_SPAN] !== true &&
      span.attributes[AUDIT_MODEL_CALL_RECORDED_BY] === undefined &&
      span.attributes[AUDIT_TOOL_CALL_RECORDED_BY] === undefined &&
      span.attributes[AUDIT_RECORDED_BY_SCOPE] === undefined;
    // A session's root (ours, or a framework's run made the session) stands
    // for the session, in every convention: not also for a custom operation.
    const sessionRoot = ownEvents && (span.attributes[AUDIT_SESSION_ROOT] === true || isLateRunRoot(span.attributes));
    const converter = ownEvents && !sessionRoot ? converters.find((c) => c.matches(span)) : undefined;
    if (sessionRoot) emitSession(span, builder);
    else if (converter) converter.convert(span, builder);
    // Plumbing and a framework's run report an error only when they failed by
    // themselves (reported-errors.ts); our own session roots report theirs.
    const raisedHere = span.attributes[AUDIT_ERROR_RAISED_HERE] === true;
    const recordedOnly = sessionRoot
      ? isFrameworkRun(span) && !raisedHere
      : converter === undefined || (converter.structural === true && !raisedHere);
    emitErrorsAndCustomEvents(span, builder, recordedOnly);
    // A call given up as unfinished that ended after all: its prompt and errors
    // went out then; only its outcome is new.
    const events = span.attributes[AUDIT_MODEL_CALL_REPORTED_UNFINISHED] === true ? builder.out.filter((t) => t.event.type === 'completion') : builder.out;
    out.push(...events);
  } catch (error) {
    // A converter bug must not lose the span silently: the trail says so.
    out.push(...conversionFailure(span, error));
  }
}

function conversionFailure(span: ReadableSpan, error: unknown): TimedAuditEvent[] {
  try {
    const builder = new SpanEventBuilder(span);
    builder.emit('error', 'conversion', span.endTime, {
      error_type: 'otel-agent-audit.conversion',
      message: `could not convert span '${String(span.name)}': ${error instanceof Error ? error.message : String(error)}`,
      span_name: String(span.name),
    });
    return builder.out;
  } catch {
    return [];
  }
}
