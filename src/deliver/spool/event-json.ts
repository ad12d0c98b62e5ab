/**
 * An audit event as the JSON of its spool record, faster than a plain
 * `JSON.stringify(event)` on the spool's hot path: the fields are known, so
 * they are written in order, and the resource, one object shared by every
 * event of a provider, is serialized once and reused (kept per object,
 * weakly). The result parses to the same value as `JSON.stringify` gives.
 */
import type { AuditEvent } from '../../model/audit-event.js';

const resources = new WeakMap<object, string>();

/**
 * The JSON text of `event`.
 *
 * @throws what `JSON.stringify` throws for a payload it cannot serialize (a cycle, a BigInt).
 * @example
 * JSON.parse(eventJson(event)); // deep-equals JSON.parse(JSON.stringify(event))
 */
export function eventJson(event: AuditEvent): string {
  let out = `{"id":${JSON.stringify(event.id)},"type":${JSON.stringify(event.type)},"traceId":${JSON.stringify(event.traceId)},"spanId":${JSON.stringify(event.spanId)}`;
  if (event.parentSpanId !== undefined) out += `,"parentSpanId":${JSON.stringify(event.parentSpanId)}`;
  out += `,"timestamp":${JSON.stringify(event.timestamp)}`;
  if (event.sessionId !== undefined) out += `,"sessionId":${JSON.stringify(event.sessionId)}`;
  if (event.agentName !== undefined) out += `,"agentName":${JSON.stringify(event.agentName)}`;
  if (event.agentId !== undefined) out += `,"agentId":${JSON.stringify(event.agentId)}`;
  out += `,"payload":${JSON.stringify(event.payload) ?? '{}'}`;
  if (event.resource !== undefined && event.resource !== null) out += `,"resource":${resourceJson(event.resource)}`;
  return `${out}}`;
}

function resourceJson(resource: object): string {
  let json = resources.get(resource);
  if (json === undefined) {
    json = JSON.stringify(resource) ?? '{}';
    resources.set(resource, json);
  }
  return json;
}

/**
 * The event a spool record's payload holds; undefined for one that does not
 * parse or lacks an event's id, type or trace id (damage, counted by the reader).
 *
 * @example
 * eventFromJson(Buffer.from(eventJson(event))); // deep-equals the event
 */
export function eventFromJson(payload: Buffer): AuditEvent | undefined {
  try {
    const value = JSON.parse(payload.toString('utf8')) as Partial<AuditEvent> | null;
    if (typeof value?.id !== 'string' || typeof value.type !== 'string' || typeof value.traceId !== 'string') return undefined;
    return value as AuditEvent;
  } catch {
    return undefined;
  }
}
