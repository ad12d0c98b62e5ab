/**
 * One redaction pass over an audit event, before it is chained, spooled or
 * sent. Identity and time fields stay as they are (ids must stay stable
 * across retries, and none can hold a secret: they are hex, roles and ISO
 * times); everything the agent or its spans wrote is redacted.
 */
import type { AuditEvent } from '../model/audit-event.js';
import { addCounts, type RedactionCounts, type Redactor } from './redactor.js';

/** The payload field that carries an event's redaction counts (`{ <rule>: <count> }`), never the matched text. */
export const REDACTIONS_FIELD = 'audit.redactions';

/**
 * `event` with secrets and personal data redacted from `sessionId`,
 * `agentName`, `agentId`, the whole `payload` (deep) and `resource` (each
 * distinct resource object redacted once, cached by the redactor: see
 * {@link Redactor.sharedValue}). Never touches `id`, `type`, `traceId`,
 * `spanId`, `parentSpanId` or `timestamp`.
 *
 * Returns `event` itself when nothing changed. Otherwise a new event whose
 * payload carries `payload['audit.redactions']`: this event's counts as
 * sent (the resource's included, since it travels with the event), added to
 * any counts the payload already carried. When `counts` is given, the same
 * counts are added to it, so a caller can keep totals for its stats.
 * Never throws.
 *
 * @example
 * const totals: RedactionCounts = {};
 * const safe = redactEvent(event, new Redactor({ rules: BUILTIN_RULES }), totals);
 * // safe.payload['audit.redactions'] → { openai_key: 1 }; totals → { openai_key: 1 }
 */
export function redactEvent(event: AuditEvent, redactor: Redactor, counts?: RedactionCounts): AuditEvent {
  const own: RedactionCounts = {};
  const sessionId = optionalText(event.sessionId, redactor, own);
  const agentName = optionalText(event.agentName, redactor, own);
  const agentId = optionalText(event.agentId, redactor, own);
  const payload = redactor.value(event.payload, own);
  const resource = event.resource === undefined ? undefined : redactor.sharedValue(event.resource, own);
  if (
    sessionId === event.sessionId &&
    agentName === event.agentName &&
    agentId === event.agentId &&
    payload === event.payload &&
    resource === event.resource
  ) {
    return event;
  }
  if (counts !== undefined) addCounts(counts, own);
  const out: { -readonly [K in keyof AuditEvent]: AuditEvent[K] } = { ...event, payload: withCounts(payload, own) };
  if (sessionId !== event.sessionId) out.sessionId = sessionId;
  if (agentName !== event.agentName) out.agentName = agentName;
  if (agentId !== event.agentId) out.agentId = agentId;
  if (resource !== event.resource) out.resource = resource as AuditEvent['resource'];
  return out;
}

function optionalText(value: string | undefined, redactor: Redactor, counts: RedactionCounts): string | undefined {
  return typeof value === 'string' ? redactor.text(value, counts) : value;
}

/** The redacted payload plus its counts, merged with counts an earlier pass left there. */
function withCounts(payload: unknown, own: RedactionCounts): Readonly<Record<string, unknown>> {
  // A payload the redactor could not read at all (a revoked proxy) is a placeholder string now: keep it under a key.
  const base: Record<string, unknown> =
    typeof payload === 'object' && payload !== null && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : { value: payload };
  const merged: RedactionCounts = {};
  const earlier = base[REDACTIONS_FIELD];
  if (typeof earlier === 'object' && earlier !== null && !Array.isArray(earlier)) addCounts(merged, earlier as RedactionCounts);
  addCounts(merged, own);
  return { ...base, [REDACTIONS_FIELD]: merged };
}
