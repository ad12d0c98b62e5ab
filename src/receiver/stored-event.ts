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
  /** The event as JSON, reused for the response body. */
  json: string;
  /** {@link json} without its opening `{`, so the JSONL line can prepend its tag without copying. */
  jsonFields: string;
  timestampMicros: number;
}

const ALLOW_JSON = '{"decision":"allow","violations":[]}';

/**
 * Builds and serialises the stored form of a validated event, keys in the
 * documented order. The JSON is assembled around one `JSON.stringify` of the
 * payload: this runs for every ingested event, and stringifying the whole
 * wrapper object costs about half as much again.
 *
 * @throws RangeError when the payload is nested too deeply to serialise.
 */
export function toStoredEntry(agentId: string, valid: ValidEvent, policyResult: PolicyResult): StoredEntry {
  const event: StoredAuditEvent = {
    id: newId('evt'),
    agent_id: agentId,
    type: valid.type,
    payload: valid.payload,
    timestamp: valid.timestamp,
    policy_result: policyResult,
  };
  if (valid.trace_id !== undefined) event.trace_id = valid.trace_id;

  const policyJson =
    policyResult.decision === 'allow' && policyResult.violations.length === 0 ? ALLOW_JSON : JSON.stringify(policyResult);
  const jsonFields =
    `"id":"${event.id}","agent_id":${JSON.stringify(agentId)},"type":"${valid.type}",` +
    `"payload":${JSON.stringify(valid.payload)}` +
    (valid.trace_id === undefined ? '' : `,"trace_id":${JSON.stringify(valid.trace_id)}`) +
    `,"timestamp":${JSON.stringify(valid.timestamp)},"policy_result":${policyJson}}`;
  return { event, json: '{' + jsonFields, jsonFields, timestampMicros: valid.timestampMicros };
}
