/**
 * Messages as other instrumentations record them (OpenAI chat, Anthropic,
 * Vercel AI SDK, plain `{role, content}`) → GenAI messages `{role, parts}`,
 * the one shape audit events carry. Works on parsed JSON of any shape:
 * what is not a message is skipped, never thrown on.
 */
import { normalizeFinishReason } from './finish-reason.js';
import { parseJson } from './span-reader.js';

/** A GenAI message part: `text`, `reasoning`, `tool_call`, `tool_call_response`, `blob`, `uri`, … */
export type GenAiPart = { type: string } & Record<string, unknown>;
/** A GenAI message; `finish_reason` on output messages. */
export interface GenAiMessage {
  role: string;
  parts: GenAiPart[];
  finish_reason?: string;
}

type Loose = Record<string, unknown>;

const isObject = (value: unknown): value is Loose => value !== null && typeof value === 'object' && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * A list of provider messages as GenAI messages; undefined when `value` is
 * not a list. Strings become user text; entries that are not messages are dropped.
 *
 * @example
 * toGenAiMessages([{ role: 'user', content: 'Where is my order?' }]);
 * // → [{ role: 'user', parts: [{ type: 'text', content: 'Where is my order?' }] }]
 */
export function toGenAiMessages(value: unknown, defaultRole = 'user'): GenAiMessage[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const messages: GenAiMessage[] = [];
  for (const entry of value) {
    const message = toGenAiMessage(entry, defaultRole);
    if (message) messages.push(message);
  }
  return messages;
}

/** OpenAI `choices` (chat `message` or completion `text`, with `finish_reason`) as assistant messages. */
export function choicesToMessages(choices: readonly unknown[]): GenAiMessage[] {
  const messages: GenAiMessage[] = [];
  for (const choice of choices) {
    if (!isObject(choice)) continue;
    const message = toGenAiMessage(choice.message ?? choice.text, 'assistant');
    if (!message) continue;
    if (typeof choice.finish_reason === 'string') message.finish_reason = normalizeFinishReason(choice.finish_reason);
    messages.push(message);
  }
  return messages;
}

/** One provider message as a GenAI message, or undefined when it is not one. */
export function toGenAiMessage(value: unknown, defaultRole = 'user'): GenAiMessage | undefined {
  if (typeof value === 'string') return { role: defaultRole, parts: [textPart(value)] };
  if (!isObject(value)) return undefined;
  const role = str(value.role) ?? defaultRole;
  const parts: GenAiPart[] = [];
  if (Array.isArray(value.parts)) {
    for (const part of value.parts) pushPart(parts, part);
  } else if (role === 'tool' && value.tool_call_id !== undefined) {
    // OpenAI: a tool message answers the call named by tool_call_id.
    parts.push({ type: 'tool_call_response', id: value.tool_call_id, response: value.content });
  } else {
    pushContent(parts, value.content);
  }
  // OpenAI chat: the calls an assistant requested sit beside its content.
  if (Array.isArray(value.tool_calls)) {
    for (const call of value.tool_calls) if (isObject(call)) parts.push(openAiToolCall(call));
  }
  if (isObject(value.function_call)) parts.push(toolCallPart(undefined, value.function_call.name, value.function_call.arguments));
  const finishReason = str(value.finish_reason);
  return finishReason === undefined ? { role, parts } : { role, parts, finish_reason: normalizeFinishReason(finishReason) };
}

/** Parts of a `content` field: text, a list of provider parts, or one part. */
export function contentToParts(content: unknown): GenAiPart[] {
  const parts: GenAiPart[] = [];
  pushContent(parts, content);
  return parts;
}

function pushContent(parts: GenAiPart[], content: unknown): void {
  if (content === undefined || content === null) return;
  if (Array.isArray(content)) {
    for (const part of content) pushPart(parts, part);
  } else {
    pushPart(parts, content);
  }
}

/**
 * A requested tool call as a GenAI `tool_call` part. Arguments written as
 * JSON text are parsed; text that is not JSON is kept as text.
 */
export function toolCallPart(id: unknown, name: unknown, args: unknown): GenAiPart {
  return { type: 'tool_call', id: id ?? undefined, name: name ?? undefined, arguments: typeof args === 'string' ? parseJson(args) : args };
}

function openAiToolCall(call: Loose): GenAiPart {
  const fn = isObject(call.function) ? call.function : call;
  return toolCallPart(call.id, fn.name, fn.arguments);
}

function textPart(text: string): GenAiPart {
  return { type: 'text', content: text };
}

function pushPart(parts: GenAiPart[], part: unknown): void {
  if (typeof part === 'string') {
    if (part !== '') parts.push(textPart(part));
    return;
  }
  if (typeof part === 'number' || typeof part === 'boolean') {
    parts.push(textPart(String(part)));
    return;
  }
  if (isObject(part)) parts.push(toPart(part));
}

function toPart(p: Loose): GenAiPart {
  switch (p.type) {
    case 'text':
    case 'input_text':
    case 'output_text':
      return textPart(str(p.text) ?? str(p.content) ?? '');
    case 'reasoning':
    case 'thinking':
      return { type: 'reasoning', content: str(p.text) ?? str(p.thinking) ?? str(p.content) ?? '' };
    case 'tool-call': // Vercel AI SDK (v5+: input; v4: args)
      return toolCallPart(p.toolCallId, p.toolName, p.input ?? p.args);
    case 'tool_use': // Anthropic
      return toolCallPart(p.id, p.name, p.input);
    case 'function_call': // OpenAI responses
      return toolCallPart(p.call_id ?? p.id, p.name, p.arguments);
    case 'tool-result': // Vercel AI SDK (v5+: output {type, value}; v4: result)
      return { type: 'tool_call_response', id: p.toolCallId, response: vercelToolOutput(p) };
    case 'tool_result': // Anthropic
      return { type: 'tool_call_response', id: p.tool_use_id, response: p.content };
    case 'image_url': // OpenAI chat
      return { type: 'uri', modality: 'image', uri: isObject(p.image_url) ? p.image_url.url : p.image_url };
    case 'image': // Vercel AI SDK v4
      return { type: 'uri', modality: 'image', uri: p.image };
    case 'file': // Vercel AI SDK; GenAI's own file part has file_id and is kept as is
      return p.file_id === undefined ? { type: 'blob', mime_type: p.mediaType ?? p.mimeType, content: p.data } : { ...p, type: 'file' };
    default:
      return { ...p, type: str(p.type) ?? 'unknown' };
  }
}

function vercelToolOutput(p: Loose): unknown {
  const output = p.output;
  if (isObject(output) && 'value' in output) return output.value;
  return output ?? p.result;
}
