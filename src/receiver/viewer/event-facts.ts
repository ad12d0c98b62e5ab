// What the trail viewer needs to know of one stored event to place it in a
// session and count it: read once from the stored JSON, at indexing time.
import type { StoredAuditEvent } from '../stored-event.js';

/** Sessions are keyed by `payload.session_id`; events without one are grouped per agent under this prefix. */
export const NO_SESSION_PREFIX = 'no-session.';

// The redactor's marker (src/redact/redactor.ts: `[REDACTED:<rule>]` or
// `[REDACTED:<rule>:<hash>]`). The receiver may import only the model
// (.dependency-cruiser.cjs), so the prefix is repeated here, not imported.
const REDACTION_MARKER = '[REDACTED:';

/** One stored event as the viewer counts it. */
export interface EventFacts {
  sessionId: string;
  agentId: string;
  agentName: string | undefined;
  type: string;
  timestamp: string;
  /** `payload.event_id`, else the receiver's `evt_` id: a gated tool call and its outcome share it, so it is counted once. */
  callKey: string;
  /** A tool call the receiver's policy or the tool gate blocked. */
  blocked: boolean;
  /** A tool call the receiver's policy flagged (and nothing blocked). */
  flagged: boolean;
  /** Events given up on the way, as one `audit.loss` event says (0 for any other event). */
  lost: number;
  isLoss: boolean;
  /** `[REDACTED:` markers in the event's strings. */
  redactions: number;
}

/**
 * The session an event belongs to: its `payload.session_id`, or, for events
 * recorded outside a session (a stream's checkpoints), one group per agent.
 *
 * @example
 * sessionIdOf({ agent_id: 'agt_1', payload: {} }); // 'no-session.agt_1'
 */
export function sessionIdOf(event: Pick<StoredAuditEvent, 'agent_id' | 'payload'>): string {
  const id = event.payload['session_id'];
  return typeof id === 'string' && id !== '' ? id : `${NO_SESSION_PREFIX}${event.agent_id}`;
}

/**
 * Reads the facts of one stored event from its JSON (which the receiver
 * wrote, so it parses). Never throws on odd payloads: a field of the wrong
 * type is treated as absent.
 */
export function eventFacts(json: string): EventFacts {
  const event = JSON.parse(json) as StoredAuditEvent;
  const payload = event.payload;
  const isToolCall = event.type === 'tool_call';
  const gate = payload['decision'];
  const verdict = typeof gate === 'object' && gate !== null ? (gate as Record<string, unknown>)['verdict'] : undefined;
  const decision = event.policy_result?.decision;
  const blocked = isToolCall && (decision === 'block' || verdict === 'block');
  const isLoss = event.type === 'custom' && payload['name'] === 'audit.loss';
  const lost = isLoss && typeof payload['lost'] === 'number' && Number.isFinite(payload['lost']) ? payload['lost'] : 0;
  const eventId = payload['event_id'];
  const agentName = payload['agent_name'];
  return {
    sessionId: sessionIdOf(event),
    agentId: event.agent_id,
    agentName: typeof agentName === 'string' && agentName !== '' ? agentName : undefined,
    type: event.type,
    timestamp: event.timestamp,
    callKey: typeof eventId === 'string' && eventId !== '' ? eventId : event.id,
    blocked,
    flagged: isToolCall && !blocked && decision === 'flag',
    lost,
    isLoss,
    redactions: countMarkers(json),
  };
}

/** Counts redaction markers in the serialised event: JSON escaping never touches `[REDACTED:`. */
function countMarkers(json: string): number {
  let count = 0;
  for (let at = json.indexOf(REDACTION_MARKER); at !== -1; at = json.indexOf(REDACTION_MARKER, at + REDACTION_MARKER.length)) {
    count++;
  }
  return count;
}
