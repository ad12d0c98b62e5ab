/**
 * One audit event → AgentOps wire fields (audit-apis.md §2, seed 004): the
 * `llm` halves, `tool`, `error` and `custom` events, and a session's end.
 */
import type { AuditEvent } from '../../model/audit-event.js';
import { messagesToText } from '../../model/message-text.js';
import { uuidFor } from './derived-uuid.js';

/** An event of `POST /v2/create_events`. */
export interface AgentOpsEvent {
  id: string;
  type: string;
  init_timestamp: string;
  end_timestamp?: string;
  agent_id?: string;
  [field: string]: unknown;
}

/** One item of `POST /v2/update_events`. */
export interface AgentOpsEventUpdate {
  event_id: string;
  [field: string]: unknown;
}

/** The `session` fields of `POST /v2/update_session`, bar the id. */
export interface AgentOpsSessionEnd {
  end_timestamp: string;
  end_state: 'Success' | 'Fail';
  end_state_reason?: string;
}

type Payload = Readonly<Record<string, unknown>>;

/**
 * The `llm` fields a `prompt` event knows: start, request model, chat messages, input tokens.
 *
 * @example
 * promptFields(event.payload, event.timestamp); // { init_timestamp, model: 'gpt-4o', prompt: [{ role: 'user', content: '…' }] }
 */
export function promptFields(p: Payload, timestamp: string): { init_timestamp: string } & Record<string, unknown> {
  return definedOnly({
    init_timestamp: timestamp,
    model: text(p.model),
    prompt: chatMessages(p.system_instructions, p.messages) ?? text(p.prompt),
    prompt_tokens: tokens(p.token_count),
  }) as { init_timestamp: string };
}

/**
 * The `llm` fields a `completion` event knows: end, response model, the answer, output tokens.
 *
 * @example
 * completionFields(event); // { end_timestamp, model: 'gpt-4o-2024-08-06', completion: { role: 'assistant', content: '…' } }
 */
export function completionFields(event: AuditEvent): Record<string, unknown> {
  const p = event.payload;
  const response = text(p.response);
  const firstOutput = Array.isArray(p.messages) ? (p.messages[0] as { role?: unknown } | undefined) : undefined;
  const usage = p.usage as { input_tokens?: unknown } | undefined;
  return definedOnly({
    end_timestamp: event.timestamp,
    model: text(p.model),
    completion: response === undefined ? undefined : { role: text(firstOutput?.role) ?? 'assistant', content: response },
    completion_tokens: tokens(p.token_count),
    prompt_tokens: tokens(usage?.input_tokens),
  });
}

/**
 * `tool_call` → `tool`: name, input (arguments), output (result), start and end.
 *
 * @example
 * toolEvent(event); // { id, type: 'tool', name: 'lookup_order', init_timestamp, end_timestamp, input, output }
 */
export function toolEvent(event: AuditEvent): AgentOpsEvent {
  const p = event.payload;
  return agentOpsEvent(event, 'tool', { name: text(p.tool_name) ?? 'tool', end_timestamp: endOf(event), input: p.arguments, output: p.result });
}

/**
 * audit-apis.md §2 decision: `{type: "error", error_type, details, init_timestamp}`.
 *
 * @example
 * errorEvent(event); // { id, type: 'error', error_type: 'TypeError', details: 'x is undefined', init_timestamp }
 */
export function errorEvent(event: AuditEvent): AgentOpsEvent {
  return agentOpsEvent(event, 'error', { error_type: text(event.payload.error_type) ?? 'Error', details: text(event.payload.message) ?? '' });
}

/**
 * audit-apis.md §2 decision: other events go as their own type, `custom`, with their name and data.
 *
 * @example
 * customEvent(event); // { id, type: 'custom', name: 'handoff', init_timestamp, data: { to: 'billing' } }
 */
export function customEvent(event: AuditEvent): AgentOpsEvent {
  return agentOpsEvent(event, event.type, { name: text(event.payload.name), end_timestamp: endOf(event), data: event.payload.data });
}

/** An event of ours as one AgentOps event: its id derived from ours (the same on every retry), stamped at its time. */
function agentOpsEvent(event: AuditEvent, type: string, fields: Record<string, unknown>): AgentOpsEvent {
  return definedOnly({ id: uuidFor('event', event.id), type, init_timestamp: event.timestamp, ...fields }) as AgentOpsEvent;
}

/**
 * `session.end` → the end of `update_session`: `Success`, or `Fail` with the status message as reason.
 *
 * @example
 * sessionEnd(event); // { end_timestamp, end_state: 'Success' }
 */
export function sessionEnd(event: AuditEvent): AgentOpsSessionEnd {
  const failed = event.payload.outcome === 'error';
  const reason = text(event.payload.status_message);
  return failed
    ? { end_timestamp: event.timestamp, end_state: 'Fail', ...(reason !== undefined && { end_state_reason: reason }) }
    : { end_timestamp: event.timestamp, end_state: 'Success' };
}

/** AgentOps' chat form, `[{role, content}]`, from GenAI `{role, parts}` messages and system instructions. */
function chatMessages(systemInstructions: unknown, messages: unknown): Array<{ role: string; content: string }> | undefined {
  const chat: Array<{ role: string; content: string }> = [];
  const system = typeof systemInstructions === 'string'
    ? systemInstructions
    : messagesToText(Array.isArray(systemInstructions) ? [{ parts: systemInstructions }] : undefined, false);
  if (system) chat.push({ role: 'system', content: system });
  if (Array.isArray(messages)) {
    for (const message of messages) {
      const role = text((message as { role?: unknown } | null)?.role);
      if (role !== undefined) chat.push({ role, content: messagesToText([message], false) ?? '' });
    }
  }
  return chat.length > 0 ? chat : undefined;
}

/**
 * The call's start, for a completion (stamped at the end): its time minus `duration_ms`.
 *
 * @example
 * startOf(completion); // '2026-11-22T10:00:00.000Z' for a completion at 10:00:01.5 lasting 1500 ms
 */
export function startOf(event: AuditEvent): string {
  return shifted(event, -1) ?? event.timestamp;
}

/** The span's end, for an event stamped at its start: its time plus `duration_ms`. */
function endOf(event: AuditEvent): string | undefined {
  return shifted(event, 1);
}

function shifted(event: AuditEvent, sign: 1 | -1): string | undefined {
  const duration = millis(event.payload.duration_ms);
  const time = Date.parse(event.timestamp);
  return duration === undefined || Number.isNaN(time) ? undefined : new Date(time + sign * duration).toISOString();
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function millis(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Token counts are whole numbers to AgentOps: an odd value is left out rather than failing the batch. */
function tokens(value: unknown): number | undefined {
  return Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : undefined;
}

function definedOnly(fields: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(fields)) if (fields[key] === undefined) delete fields[key];
  return fields;
}
