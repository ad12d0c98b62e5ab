/**
 * The converter interface, and the builder converters use to emit events
 * that all share the span's identity (trace, span, session, agent).
 */
import type { HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { TRACER_NAME } from '../model/version.js';
import { auditEventId, type AuditEvent, type AuditEventType } from '../model/audit-event.js';
import { readAgentId, readAgentName, readSessionId } from '../model/span-identity.js';
import { hrTimeToIso } from '../model/span-reader.js';
import type { LogContentSource } from './log-content-source.js';

/** Turns the spans of one convention (OTel GenAI, OpenInference, …) into audit events. */
export interface SpanConverter {
  readonly name: string;
  /**
   * Its spans are plumbing (framework-structure.ts): besides emitting
   * nothing, their errors and span-limit notes are not reported either, as
   * for spans no converter matches (only our own recordError/recordEvent count).
   */
  readonly structural?: boolean;
  /** Cheap test: does this span follow the convention and describe agent activity? */
  matches(span: ReadableSpan): boolean;
  /** Emits the span's events. May assume `matches(span)`; must not throw on odd attributes. */
  convert(span: ReadableSpan, events: SpanEventBuilder): void;
}

/** An event with the nanosecond time it happened, for ordering finer than its ISO timestamp. */
export interface TimedAuditEvent {
  readonly event: AuditEvent;
  readonly sortTime: number;
}

export class SpanEventBuilder {
  readonly out: TimedAuditEvent[] = [];
  private readonly traceId: string;
  private readonly spanId: string;
  private readonly parentSpanId: string | undefined;
  private readonly sessionId: string | undefined;
  private readonly agentName: string | undefined;
  private readonly agentId: string | undefined;
  private readonly resource: Readonly<Record<string, unknown>> | undefined;

  /**
   * @param logContent where the span's GenAI log-record content waits, if
   *   the caller keeps any (the exporter's store); conversion reads nothing else.
   */
  constructor(
    readonly span: ReadableSpan,
    readonly logContent?: LogContentSource,
  ) {
    const { traceId, spanId } = span.spanContext();
    const attributes = span.attributes;
    this.traceId = traceId;
    this.spanId = spanId;
    this.parentSpanId = span.parentSpanContext?.spanId;
    // Whichever convention wrote the span: ours and GenAI first (span-identity.ts).
    this.sessionId = readSessionId(attributes, span.instrumentationScope?.name === TRACER_NAME);
    this.agentName = readAgentName(attributes);
    this.agentId = readAgentId(attributes);
    // A shared reference, not a copy: one provider's spans all share one resource (hot path).
    // Read only once settled: before that the SDK logs an error and builds a new object per read.
    const resource = span.resource;
    this.resource = resource === undefined || resource.asyncAttributesPending ? undefined : resource.attributes;
  }

  /**
   * Adds one event. `role` names the event's place in the span (`prompt`,
   * `error.0`, …) and makes the id: the same span always yields the same ids.
   * Payload fields left undefined are simply absent once serialised.
   */
  emit(type: AuditEventType, role: string, time: HrTime, payload: Record<string, unknown>): void {
    // One literal with every field, so all events share one object shape (hot path).
    const event: AuditEvent = {
      id: auditEventId(this.traceId, this.spanId, role),
      type,
      traceId: this.traceId,
      spanId: this.spanId,
      parentSpanId: this.parentSpanId,
      timestamp: hrTimeToIso(time),
      sessionId: this.sessionId,
      agentName: this.agentName,
      agentId: this.agentId,
      payload,
      resource: this.resource,
    };
    this.out.push({ event, sortTime: time[0] * 1e9 + time[1] });
  }
}
