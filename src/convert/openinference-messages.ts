/**
 * OpenInference messages → GenAI messages. OpenInference flattens each
 * message into indexed keys (`llm.input_messages.{i}.message.role`,
 * `….message.contents.{k}.message_content.text`,
 * `….message.tool_calls.{j}.tool_call.function.name`); the raw request and
 * response are also kept whole in `input.value` / `output.value`.
 */
import type { Attributes } from '@opentelemetry/api';
import { choicesToMessages, toGenAiMessages, toolCallPart, type GenAiMessage, type GenAiPart } from '../model/chat-messages.js';
import { regroupIndexed, type IndexedGroup } from './indexed-attributes.js';
import { parseJson } from '../model/span-reader.js';
import { nonEmptyText } from '../model/foreign-value.js';

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The messages under `prefix` (`llm.input_messages` / `llm.output_messages`); undefined when there are none. */
export function readIndexedMessages(attributes: Attributes, prefix: string, defaultRole: string): GenAiMessage[] | undefined {
  const groups = regroupIndexed(attributes, prefix);
  return groups.length === 0 ? undefined : groups.map((group) => toMessage(group, defaultRole));
}

function toMessage(group: IndexedGroup, defaultRole: string): GenAiMessage {
  const written = nonEmptyText(group['message.role']) ?? defaultRole;
  const content = group['message.content'];
  const parts: GenAiPart[] = [];
  // A message answering a tool call is the tool's result, whatever role it
  // came in: OpenInference flattens Anthropic's `tool_result` block of a user
  // turn onto the message itself (role user, tool_call_id, content).
  const answered = group['message.tool_call_id'];
  const answers = typeof answered === 'number' ? String(answered) : nonEmptyText(answered);
  if (answers !== undefined) {
    parts.push({ type: 'tool_call_response', id: answers, response: content });
  } else if (typeof content === 'string' && content !== '') {
    parts.push({ type: 'text', content });
  }
  // Anthropic's tool_use block is written twice, under tool_calls and under contents: it is one call.
  const calls = regroupIndexed(group, 'message.tool_calls').map((call) => toolCallPart(call['tool_call.id'], call['tool_call.function.name'], call['tool_call.function.arguments']));
  const callIds = new Set(calls.map((call) => call.id).filter((id) => id !== undefined));
  for (const item of regroupIndexed(group, 'message.contents')) {
    const part = contentPart(item);
    if (part.type !== 'tool_call' || part.id === undefined || !callIds.has(part.id)) parts.push(part);
  }
  parts.push(...calls);
  if (group['message.function_call_name'] !== undefined) {
    parts.push(toolCallPart(undefined, group['message.function_call_name'], group['message.function_call_arguments_json']));
  }
  return { role: answers !== undefined ? 'tool' : written, parts };
}

/** Content part types that are text: OpenInference writes the Responses API's `input_text` / `output_text` as they came. */
const TEXT_TYPES: ReadonlySet<string> = new Set(['text', 'input_text', 'output_text']);

function contentPart(item: IndexedGroup): GenAiPart {
  const type = nonEmptyText(item['message_content.type']) ?? 'text';
  if (TEXT_TYPES.has(type)) return { type: 'text', content: nonEmptyText(item['message_content.text']) ?? '' };
  if (type === 'image') return { type: 'uri', modality: 'image', uri: item['message_content.image.image.url'] };
  if (type === 'tool_use') return toolCallPart(item['tool_call.id'], item['tool_call.function.name'], item['tool_call.function.arguments']);
  return { type, content: item['message_content.text'] };
}

/** What a raw `input.value` / `output.value` holds: parsed messages, the parsed object, or text. */
export interface RawValue {
  messages?: GenAiMessage[];
  /** The parsed JSON object (an OpenAI request or response body), when it was one. */
  object?: Record<string, unknown>;
  text?: string;
}

/** `input.value`: an OpenAI-style request body (`messages`, `prompt`, `input`) or plain text. */
export function readRawInput(value: unknown): RawValue {
  if (typeof value !== 'string' || value === '') return {};
  const parsed = parseJson(value);
  if (!isObject(parsed)) return { text: value };
  const messages = toGenAiMessages(parsed.messages) ?? toGenAiMessages(parsed.input);
  if (messages) return { messages, object: parsed };
  const prompt = typeof parsed.prompt === 'string' ? parsed.prompt : typeof parsed.input === 'string' ? parsed.input : undefined;
  if (prompt !== undefined) return { messages: [{ role: 'user', parts: [{ type: 'text', content: prompt }] }], object: parsed };
  return { object: parsed, text: value };
}

/**
 * `output.value`: an OpenAI-style response body (`choices`) or plain text;
 * the OpenAI Agents bridge writes a one-element array of response bodies.
 */
export function readRawOutput(value: unknown): RawValue {
  if (typeof value !== 'string' || value === '') return {};
  const json = parseJson(value);
  const parsed = Array.isArray(json) && json.length === 1 ? json[0] : json;
  if (!isObject(parsed)) return { text: value };
  if (!Array.isArray(parsed.choices)) return { object: parsed, text: value };
  return { messages: choicesToMessages(parsed.choices), object: parsed };
}
