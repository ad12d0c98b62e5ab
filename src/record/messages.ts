/**
 * Normalises chat messages from the shapes agents hold them in (OpenAI chat,
 * OpenAI responses, Anthropic, plain `{role, content}`, or GenAI's own
 * `{role, parts}`) into GenAI semantic-convention messages.
 */
import type { GenAiMessage, GenAiPart } from '../model/chat-messages.js';
import { truncateText } from '../model/truncate-text.js';
import { toSafeJson } from '../model/safe-json.js';


type Loose = Record<string, unknown>;

/** Normalises a list of messages; entries that are not objects become user text. */
export function toGenAiMessages(messages: readonly unknown[]): GenAiMessage[] {
  return messages.map(toGenAiMessage);
}

function toGenAiMessage(message: unknown): GenAiMessage {
  if (typeof message === 'string') return { role: 'user', parts: [textPart(message)] };
  if (message === null || typeof message !== 'object') return { role: 'user', parts: [textPart(String(message))] };
  const m = message as Loose;
  const role = typeof m.role === 'string' ? m.role : 'user';
  if (Array.isArray(m.parts)) return { role, parts: m.parts.map(toPart) };

  const parts: GenAiPart[] = [];
  if (role === 'tool' && typeof m.tool_call_id === 'string') {
    parts.push({ type: 'tool_call_response', id: m.tool_call_id, response: contentValue(m.content) });
  } else {
    parts.push(...contentParts(m.content));
  }
  // OpenAI chat: an assistant message's requested tool calls sit beside its content.
  if (Array.isArray(m.tool_calls)) {
    for (const call of m.tool_calls) parts.push(openAiToolCall(call));
  }
  return { role, parts };
}

/** Parts of a `content` field: a string, or an array of provider parts. */
export function contentParts(content: unknown): GenAiPart[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return [textPart(content)];
  if (Array.isArray(content)) return content.map(toPart);
  return [toPart(content)];
}

function toPart(part: unknown): GenAiPart {
  if (typeof part === 'string') return textPart(part);
  if (part === null || typeof part !== 'object') return textPart(String(part));
  const p = part as Loose;
  switch (p.type) {
    case 'text':
    case 'input_text':
    case 'output_text':
      return textPart(typeof p.text === 'string' ? p.text : typeof p.content === 'string' ? p.content : '');
    case 'reasoning':
    case 'thinking':
      return { type: 'reasoning', content: truncateText(String(p.thinking ?? p.content ?? '')) };
    case 'tool_use': // Anthropic
      return { type: 'tool_call', id: p.id, name: p.name, arguments: boundedValue(p.input) };
    case 'tool_result': // Anthropic
      return { type: 'tool_call_response', id: p.tool_use_id, response: contentValue(p.content) };
    case 'function_call': // OpenAI responses
      return { type: 'tool_call', id: p.call_id ?? p.id, name: p.name, arguments: parseArguments(p.arguments) };
    case 'tool_call':
      return { ...p, type: 'tool_call', arguments: boundedValue(p.arguments) };
    case 'image_url': {
      const url = (p.image_url as Loose | undefined)?.url;
      return { type: 'uri', modality: 'image', uri: truncateText(String(url ?? '')) };
    }
    default:
      if (typeof p.type === 'string' && typeof p.content === 'string') return { ...p, type: p.type, content: truncateText(p.content) };
      return { type: typeof p.type === 'string' ? p.type : 'unknown', content: toSafeJson(p) };
  }
}

/** OpenAI chat `{id, type:'function', function:{name, arguments}}` → GenAI `tool_call`. */
export function openAiToolCall(call: unknown): GenAiPart {
  const c = (call ?? {}) as Loose;
  const fn = (c.function ?? {}) as Loose;
  return { type: 'tool_call', id: c.id, name: fn.name ?? c.name, arguments: parseArguments(fn.arguments ?? c.arguments) };
}

function textPart(text: string): GenAiPart {
  return { type: 'text', content: truncateText(text) };
}

/** Tool arguments arrive as JSON text (OpenAI) or objects (Anthropic); keep objects. */
function parseArguments(value: unknown): unknown {
  if (typeof value !== 'string') return boundedValue(value);
  try {
    return boundedValue(JSON.parse(value));
  } catch {
    return truncateText(value);
  }
}

function contentValue(content: unknown): unknown {
  if (typeof content === 'string') return truncateText(content);
  return boundedValue(content);
}

/** Keeps small structured values as they are; a large one becomes truncated JSON text. */
function boundedValue(value: unknown): unknown {
  if (value === undefined || value === null || typeof value !== 'object') {
    return typeof value === 'string' ? truncateText(value) : value;
  }
  const json = toSafeJson(value);
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}
