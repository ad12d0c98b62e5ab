// The JSONL audit trail: one record per line, tagged by `record`.
//   {"record":"agent","id":"agt_…","name":…,"framework":…,"created_at":…}
//   {"record":"event","id":"evt_…","agent_id":…,"type":…,"payload":…,…}
//   {"record":"agentic_event","id":"evt_…","agent_id":…,"action":…,"data":…,…}  (AgenticAudit's POST /v1/events)
// Agents are written before their events, so a trail replays in order.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { StoredAgenticAuditEvent } from './agentic-audit-event.js';
import type { StoredAuditEvent } from './stored-event.js';
import { parseTimestampMicros } from './timestamp.js';
import { EVENT_TYPES, type AgentRegistration } from './validation.js';

/** A registered agent as stored and returned by `POST /v1/agents`. */
export interface AgentRecord extends AgentRegistration {
  /** `agt_` + 26 characters, minted by the receiver. */
  id: string;
  created_at: string;
}

/** A trail line read back: an agent, or an event with its serialised form. */
export type TrailRecord =
  | { record: 'agent'; agent: AgentRecord }
  | { record: 'event'; event: StoredAuditEvent; json: string; timestampMicros: number }
  | { record: 'agentic_event'; event: StoredAgenticAuditEvent; json: string };

const EVENT_TYPE_SET: ReadonlySet<string> = new Set(EVENT_TYPES);
const DECISIONS: ReadonlySet<unknown> = new Set(['allow', 'flag', 'block']);
const EVENT_PREFIX = '{"record":"event",';
const AGENTIC_EVENT_PREFIX = '{"record":"agentic_event",';

/** The trail line for an agent. */
export function agentLine(agent: AgentRecord): string {
  return JSON.stringify({ record: 'agent', ...agent }) + '\n';
}

/** The trail line for an already-serialised stored event, without re-serialising it. */
export function eventLine(eventJson: string): string {
  return EVENT_PREFIX + eventJson.slice(1) + '\n';
}

/** The trail line for an already-serialised stored AgenticAudit event. */
export function agenticEventLine(eventJson: string): string {
  return AGENTIC_EVENT_PREFIX + eventJson.slice(1) + '\n';
}

/**
 * Reads a trail back line by line, in file order. Lines that are not a valid
 * record (truncated by a crash, edited by hand) are skipped and counted.
 * A missing file is an empty trail.
 */
export async function readTrail(
  file: string,
  onRecord: (record: TrailRecord) => boolean,
): Promise<{ records: number; skipped: number }> {
  let records = 0;
  let skipped = 0;
  const input = createReadStream(file, { encoding: 'utf8' });
  const opened = new Promise<boolean>((resolve, reject) => {
    input.once('open', () => resolve(true));
    input.once('error', (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? resolve(false) : reject(error)));
  });
  if (!(await opened)) return { records, skipped };

  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    const record = parseTrailLine(line);
    // onRecord may refuse a well-formed record, e.g. an event of an unknown agent.
    if (record !== undefined && onRecord(record)) records++;
    else skipped++;
  }
  return { records, skipped };
}

/** Parses one trail line, or returns `undefined` when it is not a valid record. */
function parseTrailLine(line: string): TrailRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(value)) return undefined;
  const { record, ...rest } = value;
  if (record === 'agent') return toAgent(rest);
  if (record === 'event') return toEvent(rest);
  if (record === 'agentic_event') return toAgenticEvent(rest);
  return undefined;
}

function toAgent(value: Record<string, unknown>): TrailRecord | undefined {
  const { id, name, framework, description, created_at: createdAt } = value;
  if (!isString(id) || !isString(name) || !isString(framework) || !isString(createdAt)) return undefined;
  if (description !== undefined && !isString(description)) return undefined;
  const agent: AgentRecord = { id, name, framework, created_at: createdAt };
  if (description !== undefined) agent.description = description;
  return { record: 'agent', agent };
}

function toEvent(value: Record<string, unknown>): TrailRecord | undefined {
  const { id, agent_id: agentId, type, payload, trace_id: traceId, timestamp, policy_result: policy } = value;
  if (!isString(id) || !isString(agentId) || !isString(type) || !EVENT_TYPE_SET.has(type)) return undefined;
  if (!isObject(payload) || (traceId !== undefined && !isString(traceId)) || !isString(timestamp)) return undefined;
  if (!isObject(policy) || !DECISIONS.has(policy['decision']) || !Array.isArray(policy['violations'])) {
    return undefined;
  }
  const timestampMicros = parseTimestampMicros(timestamp);
  if (timestampMicros === undefined) return undefined;
  const event = value as unknown as StoredAuditEvent;
  return { record: 'event', event, json: JSON.stringify(event), timestampMicros };
}

function toAgenticEvent(value: Record<string, unknown>): TrailRecord | undefined {
  const { id, agent_id: agentId, action, data, created_at: createdAt, risk_level: riskLevel, decision } = value;
  if (!isString(id) || !isString(agentId) || !isString(action) || !isObject(data) || !isString(createdAt)) return undefined;
  if (!isString(riskLevel) || (decision !== 'allow' && decision !== 'block')) return undefined;
  const event = value as unknown as StoredAgenticAuditEvent;
  return { record: 'agentic_event', event, json: JSON.stringify(event) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}
