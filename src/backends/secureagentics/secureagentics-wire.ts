/** The Secureagentics wire format: our events in, its answers out. */
import type { AuditEvent } from '../../model/audit-event.js';
import { chainTextOf } from '../../chain/chain-text.js';
import type { DeliveryOutcome } from '../../model/delivery-outcome.js';
import type { ToolDecision } from '../../model/tool-decision.js';
import { eventCount } from '../../model/event-count.js';
import { parseJsonBody } from '../response-outcome.js';

/**
 * Our event → the Secureagentics event: identity fields go into the free-form payload.
 *
 * @example
 * JSON.stringify({ events: batch.map(toWireEvent) }); // the body of POST /v1/agents/{id}/events/batch
 */
export function toWireEvent(event: AuditEvent): Record<string, unknown> {
  const payload: Record<string, unknown> = { event_id: event.id, span_id: event.spanId };
  if (event.parentSpanId) payload.parent_span_id = event.parentSpanId;
  if (event.sessionId) payload.session_id = event.sessionId;
  if (event.agentName) payload.agent_name = event.agentName;
  if (event.agentId) payload.agent_id = event.agentId;
  return { type: event.type, payload: Object.assign(payload, event.payload), trace_id: event.traceId, timestamp: event.timestamp };
}

/**
 * The JSON text of `toWireEvent(event)`: for a chained event, the canonical
 * text it was hashed over, which is the same wire event with its keys
 * sorted (chain/chain-text.ts), so it is not serialised a second time.
 *
 * @throws what `JSON.stringify` throws for a payload it cannot serialise (a cycle, a BigInt).
 * @example
 * `{"events":[${batch.map(wireEventJson).join(',')}]}`; // the body of POST /v1/agents/{id}/events/batch
 */
export function wireEventJson(event: AuditEvent): string {
  return chainTextOf(event) ?? JSON.stringify(toWireEvent(event));
}

/** `"total": N` as the last member of the answer: read without parsing the echoed events. */
const TRAILING_TOTAL = /"total"\s*:\s*(\d+)\s*\}\s*$/;

/**
 * A 2xx batch answer: `total` says how many were processed. An unreadable body still means accepted.
 *
 * @example
 * batchOutcome('{"results":[…],"total":99}', 100); // { kind: 'delivered', rejected: 1, reason: … }
 */
export function batchOutcome(body: string, sent: number): DeliveryOutcome {
  const trailing = TRAILING_TOTAL.exec(body.slice(-64));
  const total = trailing ? Number(trailing[1]) : (parseJsonBody(body) as { total?: unknown } | undefined)?.total;
  if (typeof total === 'number' && total < sent) {
    return { kind: 'delivered', rejected: sent - total, reason: `secureagentics: the service processed ${total} of ${eventCount(sent)} in a batch` };
  }
  return { kind: 'delivered' };
}

/**
 * Reads a block from `policy_result`, whose shape the service does not
 * document (audit-apis.md §1 decision): `decision: "block"`, `action: "block"`,
 * `allowed: false` or `blocked: true`.
 *
 * @example
 * policyBlocks({ decision: 'block', reason: 'deny list' }); // true
 */
export function policyBlocks(policyResult: unknown): boolean {
  if (policyResult === null || typeof policyResult !== 'object') return false;
  const p = policyResult as Record<string, unknown>;
  return p['decision'] === 'block' || p['action'] === 'block' || p['allowed'] === false || p['blocked'] === true;
}

/**
 * The verdict in the answer to one event posted alone (`POST /v1/agents/{id}/events`):
 * its `policy_result` read by `isBlocked`. No such object, or an `isBlocked`
 * that throws, is no verdict.
 *
 * @example
 * policyVerdict('{"policy_result":{"decision":"allow"}}', 'POST /v1/agents/agt_1/events', policyBlocks); // { kind: 'allow', raw: … }
 */
export function policyVerdict(body: string, call: string, isBlocked: (policyResult: unknown) => boolean): ToolDecision {
  const stored = parseJsonBody(body) as { policy_result?: unknown } | undefined;
  if (!stored || typeof stored.policy_result !== 'object' || stored.policy_result === null) {
    return { kind: 'unavailable', reason: `secureagentics: ${call} answered without a policy_result object` };
  }
  const raw = stored.policy_result;
  let blocked: boolean;
  try {
    blocked = isBlocked(raw) === true;
  } catch (error) {
    return { kind: 'unavailable', reason: `secureagentics: the isBlocked option threw: ${error instanceof Error ? error.message : String(error)}` };
  }
  const reason = policyReason(raw);
  return blocked ? { kind: 'block', reason: reason ?? 'blocked by policy', raw } : { kind: 'allow', ...(reason && { reason }), raw };
}

/** The reason a `policy_result` gives: `reason`, `message`, or its violations' reasons. */
function policyReason(policyResult: unknown): string | undefined {
  if (policyResult === null || typeof policyResult !== 'object') return undefined;
  const p = policyResult as Record<string, unknown>;
  for (const key of ['reason', 'message'] as const) if (typeof p[key] === 'string' && p[key]) return p[key] as string;
  if (Array.isArray(p['violations'])) {
    const reasons = p['violations']
      .map((v: unknown) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)['reason'] : undefined))
      .filter((r): r is string => typeof r === 'string');
    if (reasons.length > 0) return reasons.join('; ');
  }
  return undefined;
}
