import { flatString } from '../convert/flat-string.js';
import { newId } from './ids.js';
import type { PolicyResult } from './policies.js';
import type { AuditEventType, ValidEvent } from './validation.js';

/**
 * An event as the receiver stores and returns it: the submitted event plus
 * its `evt_` id, the agent id and the policy result (audit-apis.md §1,
 * "Stored event").
 */
export interface StoredAuditEvent {
  /** `evt_` + 26 characters, minted by the receiver. */
  id: string;
  /** The `agt_` id from the request path. */
  agent_id: string;
  type: AuditEventType;
  /** The payload exactly as submitted. */
  payload: Record<string, unknown>;
  trace_id?: string;
  /** As submitted, or the receiver's time of arrival when absent. */
  timestamp: string;
  policy_result: PolicyResult;
}

/** A stored event with what the store needs to index it, serialised once. */
export interface StoredEntry {
  event: StoredAuditEvent;
  /** The event as JSON, reused for the response body, the JSONL line and the index. */
  json: string;
  timestampMicros: number;
}

/**
 * Builds and serialises the stored form of a validated event, keys in the
 * documented order. With `payloadText`, the payload as the request wrote it
 * (`batch-payload-text.ts`), the payload is not serialised again.
 *
 * @throws RangeError when the payload is nested too deeply to serialise.
 */
export function toStoredEntry(agentId: string, valid: ValidEvent, policyResult: PolicyResult, payloadText?: string): StoredEntry {
  const id = newId('evt');
  // Two literals, so the key order (trace_id before timestamp) is the documented one either way.
  const event: StoredAuditEvent =
    valid.trace_id === undefined
      ? { id, agent_id: agentId, type: valid.type, payload: valid.payload, timestamp: valid.timestamp, policy_result: policyResult }
      : { id, agent_id: agentId, type: valid.type, payload: valid.payload, trace_id: valid.trace_id, timestamp: valid.timestamp, policy_result: policyResult };
  if (payloadText === undefined) return { event, json: JSON.stringify(event), timestampMicros: valid.timestampMicros };
  const json =
    `{"id":"${id}","agent_id":${JSON.stringify(agentId)},"type":"${valid.type}","payload":${payloadText}` +
    (valid.trace_id === undefined ? '' : `,"trace_id":${JSON.stringify(valid.trace_id)}`) +
    `,"timestamp":${JSON.stringify(valid.timestamp)},"policy_result":${JSON.stringify(policyResult)}}`;
  // Flat: the payload text is a slice that would keep the whole request alive.
  return { event, json: flatString(json), timestampMicros: valid.timestampMicros };
}
