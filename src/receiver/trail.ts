// The JSONL audit trail: one record per line, tagged by `record`.
//   {"record":"agent","id":"agt_…","name":…,"framework":…,"created_at":…}
//   {"record":"event","id":"evt_…","agent_id":…,"type":…,"payload":…,…}
//   {"record":"agentic_event","id":"evt_…","agent_id":…,"action":…,"data":…,…}  (AgenticAudit's POST /v1/events)
// Agents are written before their events, so a trail replays in order.
// Every line ends in a newline; only a write cut short leaves a last line without one.
import { open, type FileHandle } from 'node:fs/promises';
import type { StoredAgenticAuditEvent } from './agentic-audit-event.js';
import type { TrailEnd } from './jsonl-appender.js';
import { exceedsJsonDepth } from './json-depth.js';
import type { StoredAuditEvent } from './stored-event.js';
import { parseTimestampMicros } from './timestamp.js';
import { readTrailLines } from './trail-lines.js';
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

/** Deepest nesting a trail line may have: far above what the receiver writes (its `maxJsonDepth` is at most this). */
export const MAX_TRAIL_JSON_DEPTH = 1000;

/** Longest trail line read: far above the largest request body the receiver accepts. */
const MAX_TRAIL_LINE_BYTES = 256 * 1024 * 1024;

/** Lines of a trail that were not loaded, by why. */
export interface SkippedLines {
  /** Not valid JSON (cut by hand, or a torn write in the middle of an older file). */
  notJson: number;
  /** Nested deeper than {@link MAX_TRAIL_JSON_DEPTH}: the receiver never writes such a line. */
  tooDeep: number;
  /** Longer than the receiver ever writes. */
  tooLong: number;
  /** JSON, but not a valid record, or refused (an event of an unknown agent, an agent twice). */
  invalid: number;
  /** The last line, without a newline and not a valid record: a write that did not finish. It is cut off. */
  torn: number;
}

/** What reading a trail found. */
export interface TrailLoad {
  records: number;
  skipped: SkippedLines;
  /** How the file ends, for the appender (`JsonlAppender.open`). */
  end: TrailEnd;
}

/**
 * Reads a trail back line by line, in file order. Lines that are not a valid
 * record (torn by a crash, edited by hand, nested too deeply) are skipped and
 * counted by kind: no file content makes this throw. A missing file is an
 * empty trail.
 *
 * @throws Error only when the file exists but cannot be read (permissions, I/O).
 */
export async function readTrail(file: string, onRecord: (record: TrailRecord) => boolean): Promise<TrailLoad> {
  const skipped: SkippedLines = { notJson: 0, tooDeep: 0, tooLong: 0, invalid: 0, torn: 0 };
  const load: TrailLoad = { records: 0, skipped, end: { keepBytes: 0, needsNewline: false } };
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return load;
    throw error;
  }
  try {
    for await (const line of readTrailLines(handle, MAX_TRAIL_LINE_BYTES)) {
      if (line.text !== undefined && line.text.trim() === '') {
        if (line.terminated) load.end.keepBytes = line.end;
        continue;
      }
      const outcome = loadLine(line.text, onRecord);
      if (outcome === 'loaded') load.records++;
      if (line.terminated) {
        load.end.keepBytes = line.end;
        if (outcome !== 'loaded') skipped[outcome]++;
      } else if (outcome === 'loaded') {
        // A whole record without its newline: kept, and the newline added.
        load.end = { keepBytes: line.end, needsNewline: true };
      } else {
        skipped.torn++;
      }
    }
  } finally {
    await handle.close();
  }
  return load;
}

/** The total of {@link SkippedLines}. */
export function skippedTotal(skipped: SkippedLines): number {
  return skipped.notJson + skipped.tooDeep + skipped.tooLong + skipped.invalid + skipped.torn;
}

type LineOutcome = 'loaded' | Exclude<keyof SkippedLines, 'torn'>;

function loadLine(text: string | undefined, onRecord: (record: TrailRecord) => boolean): LineOutcome {
  if (text === undefined) return 'tooLong';
  // Before parsing, for the same reason as a request body (json-depth.ts).
  if (exceedsJsonDepth(text, MAX_TRAIL_JSON_DEPTH)) return 'tooDeep';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'notJson';
  }
  try {
    const record = parseTrailRecord(value);
    // onRecord may refuse a well-formed record, e.g. an event of an unknown agent.
    return record !== undefined && onRecord(record) ? 'loaded' : 'invalid';
  } catch {
    // Whatever a line holds, it must not stop the receiver from starting.
    return 'invalid';
  }
}

/** The record a parsed trail line holds, or `undefined` when it is not a valid record. */
function parseTrailRecord(value: unknown): TrailRecord | undefined {
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
