/** The audit event model every backend maps from. */

/** The five audit event kinds (Secureagentics' model, which is ours). */
export type AuditEventType = 'prompt' | 'completion' | 'tool_call' | 'error' | 'custom';

/** One audit event derived from a finished span. */
export interface AuditEvent {
  /** Derived from trace id, span id and the event's role in the span: a retry re-sends the same id. */
  readonly id: string;
  readonly type: AuditEventType;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  /** ISO 8601, millisecond precision, UTC. */
  readonly timestamp: string;
  readonly sessionId?: string;
  readonly agentName?: string;
  readonly agentId?: string;
  /** Event data, with field names the audit services index (`model`, `prompt`, `response`, `token_count`, …). */
  readonly payload: Readonly<Record<string, unknown>>;
  /**
   * The span's resource attributes (`service.name`, `deployment.environment`, …).
   * Shared by every event of the span's provider, never copied: do not mutate.
   */
  readonly resource?: Readonly<Record<string, unknown>>;
}

/**
 * The id of the event playing `role` in a span (`prompt`, `tool_call`, `error.0`, …):
 * the same span always gives the same ids, so a retry re-sends them.
 */
export function auditEventId(traceId: string, spanId: string, role: string): string {
  return `${traceId}-${spanId}-${role}`;
}
