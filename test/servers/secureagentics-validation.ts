/**
 * Request validation for the strict Secureagentics test server
 * (audit-apis.md §1, seeds 000/001). Pure functions: each returns the
 * accepted value or a message for a 400. Written independently of
 * src/receiver on purpose, so one shared bug cannot let both sides pass.
 */

export const EVENT_TYPES = ['prompt', 'completion', 'tool_call', 'error', 'custom'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The API reference caps a batch at 100 events (seed 001, "Send events in batch"). */
export const MAX_BATCH_SIZE = 100;

export interface EventInput {
  type: EventType;
  payload: Record<string, unknown>;
  trace_id?: string;
  timestamp?: string;
}

export interface AgentInput {
  name: string;
  framework: string;
  description?: string;
}

export interface ListQuery {
  limit: number;
  offset: number;
  type?: EventType;
  fromMillis?: number;
  toMillis?: number;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

const EVENT_FIELDS = new Set(['type', 'payload', 'trace_id', 'timestamp']);
const AGENT_FIELDS = new Set(['name', 'framework', 'description']);

/**
 * RFC 3339 date-time, the ISO 8601 profile that both JS `toISOString()` and
 * Python's `isoformat()` on an aware datetime produce. An offset is required:
 * a zone-less time is ambiguous, so the server cannot place it in a from/to window.
 */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/** True for a real calendar instant such as `2026-05-04T10:30:00.123Z`; false for `2026-13-45` or `2026-02-30T00:00:00Z`. */
export function isIsoDateTime(text: string): boolean {
  const match = DATE_TIME.exec(text);
  if (match === null) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  // Date.parse rolls 2026-02-30 over to March 2, so check the fields themselves.
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  const offsetHour = match[7] === undefined ? 0 : Number(match[7]);
  const offsetMinute = match[8] === undefined ? 0 : Number(match[8]);
  return offsetHour <= 23 && offsetMinute <= 59;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownField(value: Record<string, unknown>, allowed: Set<string>): string | undefined {
  return Object.keys(value).find((key) => !allowed.has(key));
}

/** Validates one event; `where` prefixes messages, e.g. `events[3]`. */
export function checkEvent(value: unknown, where = 'event'): Checked<EventInput> {
  if (!isPlainObject(value)) return { ok: false, message: `${where} must be a JSON object` };
  const extra = unknownField(value, EVENT_FIELDS);
  if (extra !== undefined) return { ok: false, message: `${where}: unknown field '${extra}'` };
  const { type, payload, trace_id, timestamp } = value;
  if (typeof type !== 'string' || !(EVENT_TYPES as readonly string[]).includes(type)) {
    return { ok: false, message: `${where}.type must be one of ${EVENT_TYPES.join(', ')}` };
  }
  if (!isPlainObject(payload)) return { ok: false, message: `${where}.payload must be an object` };
  if (trace_id !== undefined && typeof trace_id !== 'string') {
    return { ok: false, message: `${where}.trace_id must be a string` };
  }
  if (timestamp !== undefined && (typeof timestamp !== 'string' || !isIsoDateTime(timestamp))) {
    return { ok: false, message: `${where}.timestamp must be an ISO 8601 date-time with offset` };
  }
  const event: EventInput = { type: type as EventType, payload };
  if (trace_id !== undefined) event.trace_id = trace_id;
  if (timestamp !== undefined) event.timestamp = timestamp;
  return { ok: true, value: event };
}

/**
 * Validates a batch body. Only `{events: [...]}` is accepted: the guide's
 * example posts a bare array, the API reference an object, and the reference
 * wins (audit-apis.md §1 decision). All-or-nothing: one bad event rejects the batch.
 */
export function checkBatch(value: unknown): Checked<EventInput[]> {
  if (Array.isArray(value)) {
    return { ok: false, message: 'batch body must be an object {"events": [...]}, not a bare array' };
  }
  if (!isPlainObject(value)) return { ok: false, message: 'batch body must be an object {"events": [...]}' };
  const extra = unknownField(value, new Set(['events']));
  if (extra !== undefined) return { ok: false, message: `batch: unknown field '${extra}'` };
  const { events } = value;
  if (!Array.isArray(events)) return { ok: false, message: 'events must be an array' };
  if (events.length === 0 || events.length > MAX_BATCH_SIZE) {
    return { ok: false, message: `events must hold 1..${MAX_BATCH_SIZE} items, got ${events.length}` };
  }
  const accepted: EventInput[] = [];
  for (const [index, event] of events.entries()) {
    const checked = checkEvent(event, `events[${index}]`);
    if (!checked.ok) return checked;
    accepted.push(checked.value);
  }
  return { ok: true, value: accepted };
}

/** Validates `POST /v1/agents`: non-empty `name`, string `framework`, optional string `description`. */
export function checkAgent(value: unknown): Checked<AgentInput> {
  if (!isPlainObject(value)) return { ok: false, message: 'agent must be a JSON object' };
  const extra = unknownField(value, AGENT_FIELDS);
  if (extra !== undefined) return { ok: false, message: `agent: unknown field '${extra}'` };
  const { name, framework, description } = value;
  if (typeof name !== 'string' || name.trim() === '') return { ok: false, message: 'name must be a non-empty string' };
  if (typeof framework !== 'string') return { ok: false, message: 'framework must be a string' };
  if (description !== undefined && typeof description !== 'string') {
    return { ok: false, message: 'description must be a string' };
  }
  const agent: AgentInput = { name, framework };
  if (description !== undefined) agent.description = description;
  return { ok: true, value: agent };
}

function parseCount(text: string | null, fallback: number, min: number, max: number): number | undefined {
  if (text === null) return fallback;
  if (!/^\d+$/.test(text)) return undefined;
  const count = Number(text);
  return count >= min && count <= max ? count : undefined;
}

/** Validates the query of `GET /v1/agents/{id}/events`. Unknown parameters are ignored, as most APIs do. */
export function checkListQuery(query: URLSearchParams): Checked<ListQuery> {
  const limit = parseCount(query.get('limit'), 50, 1, 500);
  if (limit === undefined) return { ok: false, message: 'limit must be an integer in 1..500' };
  const offset = parseCount(query.get('offset'), 0, 0, Number.MAX_SAFE_INTEGER);
  if (offset === undefined) return { ok: false, message: 'offset must be a non-negative integer' };
  const result: ListQuery = { limit, offset };
  const type = query.get('type');
  if (type !== null) {
    if (!(EVENT_TYPES as readonly string[]).includes(type)) {
      return { ok: false, message: `type must be one of ${EVENT_TYPES.join(', ')}` };
    }
    result.type = type as EventType;
  }
  for (const bound of ['from', 'to'] as const) {
    const text = query.get(bound);
    if (text === null) continue;
    if (!isIsoDateTime(text)) return { ok: false, message: `${bound} must be an ISO 8601 date-time with offset` };
    result[bound === 'from' ? 'fromMillis' : 'toMillis'] = Date.parse(text);
  }
  return { ok: true, value: result };
}
