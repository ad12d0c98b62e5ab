/**
 * The converter interface, and the builder converters use to emit events
 * that all share the span's identity (trace, span, session, agent).
 */
import type { HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { GEN_AI_AGENT_ID, GEN_AI_AGENT_NAME, GEN_AI_CONVERSATION_ID } from '../attributes.js';
import type { AuditEvent, AuditEventType } from './audit-event.js';
import { hrTimeToIso, readString } from './span-reader.js';

/** Turns the spans of one convention (OTel GenAI, OpenInference, …) into audit events. */
export interface SpanConverter {
  readonly name: string;
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
  private readonly base: Omit<AuditEvent, 'id' | 'type' | 'timestamp' | 'payload'>;
  private readonly idPrefix: string;

  constructor(readonly span: ReadableSpan) {
    const { traceId, spanId } = span.spanContext();
    const attributes = span.attributes;
    const parentSpanId = span.parentSpanContext?.spanId;
    const sessionId = readString(attributes, GEN_AI_CONVERSATION_ID);
    const agentName = readString(attributes, GEN_AI_AGENT_NAME);
    const agentId = readString(attributes, GEN_AI_AGENT_ID);
    this.base = {
      traceId,
      spanId,
      ...(parentSpanId && { parentSpanId }),
      ...(sessionId && { sessionId }),
      ...(agentName && { agentName }),
      ...(agentId && { agentId }),
    };
    this.idPrefix = `${traceId}-${spanId}-`;
  }

  /**
   * Adds one event. `role` names the event's place in the span (`prompt`,
   * `error.0`, …) and makes the id: the same span always yields the same ids.
   */
  emit(type: AuditEventType, role: string, time: HrTime, payload: Record<string, unknown>): void {
    this.out.push({
      event: { ...this.base, id: this.idPrefix + role, type, timestamp: hrTimeToIso(time), payload: dropUndefined(payload) },
      sortTime: time[0] * 1e9 + time[1],
    });
  }
}

function dropUndefined(payload: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(payload)) if (payload[key] === undefined) delete payload[key];
  return payload;
}
