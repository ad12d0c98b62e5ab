/**
 * Our event's identity (ids and time) as snake-case fields, for the APIs that
 * have no fields of their own for it and take it in a free-form object
 * (AgenticAudit's `context`, AgentSudo's `metadata`).
 */
import type { AuditEvent } from '../model/audit-event.js';

/**
 * `event_id`, `event_type`, `trace_id`, `span_id`, `timestamp`, and `parent_span_id` / `session_id` / `agent_name` / `agent_id` when set.
 *
 * @example
 * ({ ...event.payload, ...eventIdentity(event) }); // AgentSudo's `metadata`
 */
export function eventIdentity(event: AuditEvent): Record<string, unknown> {
  const ids: Record<string, unknown> = {
    event_id: event.id,
    event_type: event.type,
    trace_id: event.traceId,
    span_id: event.spanId,
    timestamp: event.timestamp,
  };
  if (event.parentSpanId) ids.parent_span_id = event.parentSpanId;
  if (event.sessionId) ids.session_id = event.sessionId;
  if (event.agentName) ids.agent_name = event.agentName;
  if (event.agentId) ids.agent_id = event.agentId;
  return ids;
}
