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
  /** `JSON.stringify(event)`, reused for the response body, the JSONL line and the index. */
  json: string;
  timestampMicros: number;
}

/**
 * Builds and serialises the stored form of a validated event, keys in the
 * documented order.
 *
 * One `JSON.stringify` of the whole event, not a concatenation around the
 * payload's: concatenation is a little faster here but leaves a tree of
 * string pieces that the store then retains for every event, and the extra
 * garbage-collection work costs far more than it saves.
 *
 * @throws RangeError when the payload is nested too deeply to serialise.
 */
export function toStoredEntry(agentId: string, valid: ValidEvent, policyResult: PolicyResult): StoredEntry {
  const event: StoredAuditEvent =
    valid.trace_id === undefined
      ? {
          id: newId('evt'),
          agent_id: agentId,
          type: valid.type,
          payload: valid.payload,
          timestamp: valid.timestamp,
          policy_result: policyResult,
        }
      : {
          id: newId('evt'),
          agent_id: agentId,
          type: valid.type,
          payload: valid.payload,
          trace_id: valid.trace_id,
          timestamp: valid.timestamp,
          policy_result: policyResult,
        };
  return { event, json: JSON.stringify(event), timestampMicros: valid.timestampMicros };
}
