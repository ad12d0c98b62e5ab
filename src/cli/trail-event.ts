/**
 * One audit event as read from a trail line, whichever program wrote the
 * line: the jsonl-file backend (`{id, type, timestamp, trace_id, span_id,
 * session_id, agent_name, payload}`), the receiver's trail
 * (`{"record":"event", …, policy_result}`, `{"record":"agentic_event", …}`,
 * with `{"record":"agent"}` lines naming the agents), a stored or
 * Secureagentics wire event (identity inside `payload`), or an `AuditEvent`
 * serialised as it is (camelCase).
 */
import type { AuditEventType } from '../model/audit-event.js';

/** An audit event from a trail, in one shape for filtering and printing. */
export interface TrailEvent {
  readonly id: string;
  readonly type: AuditEventType;
  /** As written (ISO 8601). */
  readonly timestamp: string;
  /** `timestamp` in epoch milliseconds. */
  readonly timeMillis: number;
  readonly traceId?: string;
  readonly spanId?: string;
  readonly sessionId?: string;
  readonly agentName?: string;
  readonly agentId?: string;
  readonly payload: Readonly<Record<string, unknown>>;
  /** The receiver's verdict on the stored event: `allow`, `flag` or `block` (`policy_result.decision`, AgenticAudit's `decision`). */
  readonly policyResult?: string;
  /** The policies the receiver found violated (`policy_result.violations[].policy`). */
  readonly violations: readonly string[];
  /** The line as read, without its newline: what `--json` and `export --format jsonl` write. */
  readonly line: string;
  /** 1-based, in the file (or stdin) it came from. */
  readonly lineNumber: number;
}

/** The five event types, as `--type` takes them. */
export const EVENT_TYPES: readonly AuditEventType[] = ['prompt', 'completion', 'tool_call', 'error', 'custom'];

const TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

/** AgenticAudit `action`s that are not a tool or custom name (backends/agentic-audit `actionOf`). */
const AGENTIC_ACTION_TYPES: Readonly<Record<string, AuditEventType>> = { 'llm.prompt': 'prompt', 'llm.completion': 'completion', error: 'error' };

/** What one parsed line holds. */
export type TrailRecord = { kind: 'event'; event: TrailEvent } | { kind: 'agent'; id: string; name: string } | { kind: 'not-an-event' };

/**
 * Reads one parsed line. `agentNames` (from earlier `record: agent` lines)
 * names the receiver's `agt_` ids.
 *
 * @example
 * toTrailRecord(JSON.parse(line), line, 3, new Map()); // { kind: 'event', event: { type: 'prompt', … } }
 */
export function toTrailRecord(value: unknown, line: string, lineNumber: number, agentNames: ReadonlyMap<string, string>): TrailRecord {
  if (!isObject(value)) return NOT_AN_EVENT;
  const { record } = value;
  if (record === 'agent') {
    return isString(value['id']) && isString(value['name']) ? { kind: 'agent', id: value['id'], name: value['name'] } : NOT_AN_EVENT;
  }
  const source = { line, lineNumber, agentNames };
  const event = record === 'agentic_event' ? fromAgenticEvent(value, source) : record === undefined || record === 'event' ? fromEvent(value, source) : undefined;
  return event === undefined ? NOT_AN_EVENT : { kind: 'event', event };
}

const NOT_AN_EVENT: TrailRecord = { kind: 'not-an-event' };

interface LineSource {
  line: string;
  lineNumber: number;
  agentNames: ReadonlyMap<string, string>;
}

/** The jsonl-file line, the receiver's stored event, a wire event, an AuditEvent. */
function fromEvent(value: Record<string, unknown>, source: LineSource): TrailEvent | undefined {
  const { type, payload, timestamp } = value;
  if (!isString(type) || !TYPES.has(type) || !isObject(payload) || !isString(timestamp)) return undefined;
  const policy = isObject(value['policy_result']) ? value['policy_result'] : undefined;
  // Top-level fields first (jsonl-file, AuditEvent); the wire and stored forms carry identity in the payload.
  const field = (snake: string, camel: string): string | undefined => firstString(value[snake], value[camel], payload[snake]);
  const agentId = firstString(value['agent_id'], value['agentId']);
  return withIdentity(
    {
      id: firstString(value['id'], payload['event_id']) ?? `line-${source.lineNumber}`,
      type: type as AuditEventType,
      timestamp,
      traceId: field('trace_id', 'traceId'),
      spanId: field('span_id', 'spanId'),
      sessionId: field('session_id', 'sessionId'),
      agentName: firstString(value['agent_name'], value['agentName'], payload['agent_name'], agentId && source.agentNames.get(agentId)),
      agentId: agentId ?? firstString(payload['agent_id']),
      payload,
      policyResult: firstString(policy?.['decision']),
      violations: violationsOf(policy?.['violations']),
    },
    source,
  );
}

/** The receiver's AgenticAudit event: our payload in `data`, our identity in `context`. */
function fromAgenticEvent(value: Record<string, unknown>, source: LineSource): TrailEvent | undefined {
  const { action, data, created_at: createdAt } = value;
  if (!isString(action) || !isObject(data) || !isString(createdAt)) return undefined;
  const context = isObject(value['context']) ? value['context'] : {};
  const agentId = firstString(value['agent_id']);
  return withIdentity(
    {
      id: firstString(context['event_id'], value['id']) ?? `line-${source.lineNumber}`,
      type: agenticType(firstString(context['event_type']), action, data),
      timestamp: firstString(context['timestamp']) ?? createdAt,
      traceId: firstString(context['trace_id']),
      spanId: firstString(context['span_id']),
      sessionId: firstString(context['session_id']),
      agentName: firstString(context['agent_name'], agentId),
      agentId,
      payload: data,
      policyResult: firstString(value['decision']),
      violations: [],
    },
    source,
  );
}

function agenticType(eventType: string | undefined, action: string, data: Record<string, unknown>): AuditEventType {
  if (eventType !== undefined && TYPES.has(eventType)) return eventType as AuditEventType;
  return AGENTIC_ACTION_TYPES[action] ?? (isString(data['tool_name']) ? 'tool_call' : 'custom');
}

type Identity = Omit<TrailEvent, 'timeMillis' | 'line' | 'lineNumber'>;

/** Adds the line and the parsed time; no event without a readable time. */
function withIdentity(identity: Identity, source: LineSource): TrailEvent | undefined {
  const timeMillis = Date.parse(identity.timestamp);
  if (Number.isNaN(timeMillis)) return undefined;
  const event: Record<string, unknown> = { ...identity, timeMillis, line: source.line, lineNumber: source.lineNumber };
  // Absent, not `undefined`: the events compare and print cleanly.
  for (const key of Object.keys(event)) if (event[key] === undefined) delete event[key];
  return event as unknown as TrailEvent;
}

function violationsOf(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map((v: unknown) => (isObject(v) ? v['policy'] : undefined)).filter(isString);
}

function firstString(...values: unknown[]): string | undefined {
  for (const value of values) if (typeof value === 'string' && value !== '') return value;
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}
