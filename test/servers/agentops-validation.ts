/**
 * Request validation for the strict AgentOps test server (audit-apis.md §2,
 * seed 004). Pure functions: each returns the accepted value or a message for
 * a 400. Written from the contract, not from src/backends, so one shared
 * misreading cannot let both sides pass.
 */
import { isIsoDateTime } from './secureagentics-validation.js';

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };
type Obj = Record<string, unknown>;

/** `create_events` / `update_events` take at most 100 events per request. */
export const MAX_EVENTS_PER_REQUEST = 100;
/** End states the service knows (its SDK's `Success` / `Fail` / `Indeterminate`). */
export const END_STATES = ['Success', 'Fail', 'Indeterminate'] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface SessionInput {
  id: string;
  init_timestamp: string;
  tags?: string[];
  host_env?: Obj;
}

export interface SessionEndInput {
  id: string;
  end_timestamp: string;
  end_state: (typeof END_STATES)[number];
  end_state_reason?: string;
  tags?: string[];
}

export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);
const isTime = (value: unknown): value is string => typeof value === 'string' && isIsoDateTime(value);
const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
const isCount = (value: unknown): boolean => Number.isSafeInteger(value) && (value as number) >= 0;
const isTags = (value: unknown): value is string[] => Array.isArray(value) && value.every((t) => typeof t === 'string');
const fail = <T>(message: string): Checked<T> => ({ ok: false, message });

/** `create_session`: `{session: {id (UUID), init_timestamp, tags?, host_env?}}`. */
export function checkCreateSession(body: unknown): Checked<SessionInput> {
  const session = isObject(body) ? body.session : undefined;
  if (!isObject(session)) return fail('body must be {"session": {...}}');
  if (!isUuid(session.id)) return fail('session.id must be a UUID');
  if (!isTime(session.init_timestamp)) return fail('session.init_timestamp must be an ISO 8601 date-time with offset');
  if (session.tags !== undefined && !isTags(session.tags)) return fail('session.tags must be an array of strings');
  if (session.host_env !== undefined && !isObject(session.host_env)) return fail('session.host_env must be an object');
  return { ok: true, value: session as unknown as SessionInput };
}

/** `update_session`: `{session: {id, end_timestamp, end_state, end_state_reason?, tags?}}`. */
export function checkUpdateSession(body: unknown): Checked<SessionEndInput> {
  const session = isObject(body) ? body.session : undefined;
  if (!isObject(session)) return fail('body must be {"session": {...}}');
  if (!isUuid(session.id)) return fail('session.id must be a UUID');
  if (!isTime(session.end_timestamp)) return fail('session.end_timestamp must be an ISO 8601 date-time with offset');
  if (!(END_STATES as readonly unknown[]).includes(session.end_state)) return fail(`session.end_state must be one of ${END_STATES.join(', ')}`);
  if (session.end_state_reason !== undefined && typeof session.end_state_reason !== 'string') return fail('session.end_state_reason must be a string');
  if (session.tags !== undefined && !isTags(session.tags)) return fail('session.tags must be an array of strings');
  return { ok: true, value: session as unknown as SessionEndInput };
}

/** `reauthorize_jwt`: `{session_id}`. */
export function checkReauthorize(body: unknown): Checked<string> {
  if (!isObject(body) || !isUuid(body.session_id)) return fail('session_id must be a UUID');
  return { ok: true, value: body.session_id };
}

/** `create_agent`: `{id, name}`, both non-empty strings. */
export function checkAgent(body: unknown): Checked<{ id: string; name: string }> {
  if (!isObject(body)) return fail('body must be an object');
  if (!isText(body.id)) return fail('id must be a non-empty string');
  if (!isText(body.name)) return fail('name must be a non-empty string');
  return { ok: true, value: { id: body.id, name: body.name } };
}

/** `{events: [...]}` with 1..100 objects. */
export function checkEventList(body: unknown): Checked<Obj[]> {
  if (!isObject(body) || !Array.isArray(body.events)) return fail('body must be {"events": [...]}');
  const { events } = body;
  if (events.length === 0 || events.length > MAX_EVENTS_PER_REQUEST) {
    return fail(`events must hold 1..${MAX_EVENTS_PER_REQUEST} items, got ${events.length}`);
  }
  const index = events.findIndex((e) => !isObject(e));
  return index >= 0 ? fail(`events[${index}] must be an object`) : { ok: true, value: events as Obj[] };
}

/** One event of `create_events`: `type`, `init_timestamp`, optional UUID `id`, and the fields of its type. */
export function checkNewEvent(event: Obj, where: string): string | undefined {
  if (!isText(event.type)) return `${where}.type must be a non-empty string`;
  if (!isTime(event.init_timestamp)) return `${where}.init_timestamp must be an ISO 8601 date-time with offset`;
  if (event.id !== undefined && !isUuid(event.id)) return `${where}.id must be a UUID`;
  if (event.type === 'tool' && !isText(event.name)) return `${where}.name is required for a tool event`;
  if (event.type === 'error' && !isText(event.error_type)) return `${where}.error_type is required for an error event`;
  return checkFields(event, where);
}

/** One item of `update_events`: a UUID `event_id` and fields of the same types as on creation. */
export function checkEventUpdate(update: Obj, where: string): string | undefined {
  if (!isUuid(update.event_id)) return `${where}.event_id must be a UUID`;
  if ('type' in update || 'id' in update) return `${where}: type and id cannot be changed`;
  if (update.init_timestamp !== undefined && !isTime(update.init_timestamp)) return `${where}.init_timestamp must be an ISO 8601 date-time`;
  return checkFields(update, where);
}

/** Types of the optional fields (seed 004's `llm`, `tool` and error fields). */
function checkFields(event: Obj, where: string): string | undefined {
  if (event.end_timestamp !== undefined && !isTime(event.end_timestamp)) return `${where}.end_timestamp must be an ISO 8601 date-time`;
  if (event.agent_id !== undefined && !isText(event.agent_id)) return `${where}.agent_id must be a non-empty string`;
  if (event.model !== undefined && typeof event.model !== 'string') return `${where}.model must be a string`;
  for (const tokens of ['prompt_tokens', 'completion_tokens']) {
    if (event[tokens] !== undefined && !isCount(event[tokens])) return `${where}.${tokens} must be a non-negative integer`;
  }
  if (event.prompt !== undefined && typeof event.prompt !== 'string' && !isChat(event.prompt)) {
    return `${where}.prompt must be a string or an array of {role, content}`;
  }
  if (event.completion !== undefined && typeof event.completion !== 'string' && !isMessage(event.completion)) {
    return `${where}.completion must be a string or a {role, content} message`;
  }
  if (event.details !== undefined && typeof event.details !== 'string') return `${where}.details must be a string`;
  return undefined;
}

function isMessage(value: unknown): boolean {
  return isObject(value) && isText(value.role) && typeof value.content === 'string';
}

function isChat(value: unknown): boolean {
  return Array.isArray(value) && value.every(isMessage);
}
