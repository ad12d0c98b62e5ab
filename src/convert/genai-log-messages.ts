/**
 * GenAI log records → GenAI messages (`{role, parts}`), the shape our spans'
 * `gen_ai.input.messages` / `gen_ai.output.messages` hold.
 *
 * Two generations of the semantic conventions write content as log records
 * (span-conventions.md §1, "Content in log records"):
 * - v1.28–1.36: one record per message, named by `event.name` (attribute) or
 *   the record's `eventName`: `gen_ai.system.message`, `gen_ai.user.message`,
 *   `gen_ai.assistant.message`, `gen_ai.tool.message` (body `{content, …}`),
 *   and `gen_ai.choice` (body `{index, finish_reason, message}`);
 * - v1.37+: `gen_ai.client.inference.operation.details`, with the messages
 *   already in GenAI shape in its `gen_ai.input.messages`,
 *   `gen_ai.output.messages` and `gen_ai.system_instructions` attributes.
 */
import { boundContent } from '../model/bounded-content.js';
import { toGenAiMessage } from '../model/chat-messages.js';
import { parseJson } from '../model/span-reader.js';

/** What one log record adds to its span's content. Pure data; no field is required. */
export interface LoggedContent {
  /** Prompt messages, in the order recorded. */
  input?: unknown[];
  /** Completion messages; `index` orders `gen_ai.choice` records. */
  output?: { index: number; message: unknown }[];
  systemInstructions?: unknown;
}

/** A log record as this module reads it: the fields of the SDK's `ReadableLogRecord` it needs. */
export interface GenAiLogRecordLike {
  readonly eventName?: string;
  readonly attributes?: Readonly<Record<string, unknown>>;
  readonly body?: unknown;
}

const EVENT_NAME_ATTRIBUTE = 'event.name';
const INFERENCE_DETAILS = 'gen_ai.client.inference.operation.details';
const ROLE_BY_EVENT: Readonly<Record<string, string>> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};
const CHOICE = 'gen_ai.choice';

/** The record's event name: `eventName` (Logs API field) or the `event.name` attribute (as instrumentation-openai 0.21 writes it). */
export function genAiEventName(record: GenAiLogRecordLike): string | undefined {
  if (typeof record.eventName === 'string' && record.eventName !== '') return record.eventName;
  const attribute = record.attributes?.[EVENT_NAME_ATTRIBUTE];
  return typeof attribute === 'string' ? attribute : undefined;
}

/** True for the record kinds that carry GenAI message content. */
export function isGenAiContentEvent(name: string | undefined): name is string {
  return name !== undefined && (name in ROLE_BY_EVENT || name === CHOICE || name === INFERENCE_DETAILS);
}

/**
 * The content of one GenAI log record, every text cut to `maxTextLength`
 * characters (default: uncut); undefined for any other record. Never throws on odd input.
 */
export function loggedContentOf(record: GenAiLogRecordLike, maxTextLength = Number.POSITIVE_INFINITY): LoggedContent | undefined {
  const content = readContent(record);
  if (content === undefined || maxTextLength === Number.POSITIVE_INFINITY) return content;
  // Bounded here, before the store holds it, as the recording helpers bound theirs.
  const bounded: LoggedContent = {};
  if (content.input !== undefined) bounded.input = content.input.map((message) => boundContent(message, maxTextLength));
  if (content.output !== undefined) {
    bounded.output = content.output.map(({ index, message }) => ({ index, message: boundContent(message, maxTextLength) }));
  }
  if (content.systemInstructions !== undefined) bounded.systemInstructions = boundContent(content.systemInstructions, maxTextLength);
  return bounded;
}

function readContent(record: GenAiLogRecordLike): LoggedContent | undefined {
  const name = genAiEventName(record);
  if (!isGenAiContentEvent(name)) return undefined;
  if (name === INFERENCE_DETAILS) return operationDetails(record.attributes ?? {});
  const body = asObject(record.body) ?? {};
  if (name === CHOICE) {
    const message = messageFromBody('assistant', asObject(body.message) ?? {});
    if (message === undefined) return undefined;
    if (typeof body.finish_reason === 'string') message.finish_reason = body.finish_reason;
    return { output: [{ index: typeof body.index === 'number' ? body.index : 0, message }] };
  }
  const message = messageFromBody(ROLE_BY_EVENT[name] ?? 'user', body);
  return message === undefined ? undefined : { input: [message] };
}

function operationDetails(attributes: Readonly<Record<string, unknown>>): LoggedContent | undefined {
  const input = asArray(attributes['gen_ai.input.messages']);
  const output = asArray(attributes['gen_ai.output.messages']);
  const systemInstructions = jsonValue(attributes['gen_ai.system_instructions']);
  if (input === undefined && output === undefined && systemInstructions === undefined) return undefined;
  const content: LoggedContent = {};
  if (input !== undefined) content.input = input.map(withCallIds);
  if (output !== undefined) content.output = output.map((message, index) => ({ index, message: withCallIds(message) }));
  if (systemInstructions !== undefined) content.systemInstructions = systemInstructions;
  return content;
}

/**
 * The one exception to "passed on as written": on the Responses API the
 * official instrumentation writes a tool call's *item* id (`fc_…`) as the
 * part's `id` and the id the tool's result answers (`call_…`) as `call_id`;
 * a `tool_call_response` then has only `call_id`. The call id is what links
 * a requested call to the executed tool and its result, so it becomes `id`;
 * the item id is kept as `item_id`. Messages without `call_id` are returned
 * as they are.
 */
function withCallIds(message: unknown): unknown {
  const record = asObject(message);
  const parts = record === undefined ? undefined : asArray(record.parts);
  if (record === undefined || parts === undefined || !parts.some((part) => typeof asObject(part)?.call_id === 'string')) return message;
  return {
    ...record,
    parts: parts.map((part) => {
      const p = asObject(part);
      if (p === undefined || typeof p.call_id !== 'string') return part;
      const { call_id: callId, id: itemId, ...rest } = p;
      return itemId === undefined || itemId === callId ? { ...rest, id: callId } : { ...rest, id: callId, item_id: itemId };
    }),
  };
}

/**
 * One v1.28–1.36 message body (`{content, tool_calls, id}`) as `{role, parts}`.
 * Undefined when nothing is left: with content capture off, a body holds no
 * text and (for tool calls) only ids and names.
 */
function messageFromBody(role: string, body: Record<string, unknown>): Record<string, unknown> | undefined {
  // The body of a semconv v1.28–1.36 event is an OpenAI-style message without
  // its role (the event's name says it); a tool message names its call `id`
  // (and, with content capture off, holds nothing else: no part then).
  const answersCall = role === 'tool' && body.content !== undefined;
  const message = toGenAiMessage(answersCall ? { ...body, role, tool_call_id: body.id } : { ...body, role }, role);
  return message === undefined || message.parts.length === 0 ? undefined : { role: message.role, parts: message.parts };
}

function jsonValue(value: unknown): unknown {
  return typeof value === 'string' ? parseJson(value) : value;
}

function asArray(value: unknown): unknown[] | undefined {
  const parsed = jsonValue(value);
  return Array.isArray(parsed) ? parsed : undefined;
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

