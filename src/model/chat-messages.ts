/**
 * The one message normaliser: chat messages in the shapes agents hold them
 * and other instrumentations record them (OpenAI chat and responses,
 * Anthropic, Vercel AI SDK, plain `{role, content}`, GenAI's own
 * `{role, parts}`) → GenAI messages `{role, parts}`, the one shape audit
 * events carry. The recording helpers and the converters both read messages
 * here, so a shape is normalised the same way wherever it enters.
 *
 * Only the bound differs. The recording helpers pass the span's content
 * limit: every text is cut and every structured value (tool arguments and
 * responses, unknown parts) is bounded to it. The converters pass none:
 * what other instrumentations wrote is not cut by us.
 *
 * Works on values of any shape: what is not a message is skipped, never
 * thrown on; a message that throws when read is skipped on its own.
 */
import { errorType } from './error-value.js';
import { normalizeFinishReason } from './finish-reason.js';
import { toBoundedValue } from './safe-json.js';
import { parseJson } from './span-reader.js';
import { truncateText } from './truncate-text.js';
import { describeKind, isList } from './value-kind.js';

/** A GenAI message part: `text`, `reasoning`, `tool_call`, `tool_call_response`, `blob`, `uri`, … */
export type GenAiPart = { type: string } & Record<string, unknown>;
/** A GenAI message; `finish_reason` on output messages. */
export interface GenAiMessage {
  role: string;
  parts: GenAiPart[];
  finish_reason?: string;
}

/** How messages are read: the bound, and who hears about what was skipped. */
export interface MessageReadOptions {
  /** Longest text kept; structured values are bounded to it too. Default: no bound (converters). */
  readonly maxTextLength?: number;
  /**
   * Told of each entry of a message list that was left out: why (its kind,
   * or the type of what reading it threw; never its content), and what was thrown.
   */
  readonly onSkipped?: (index: number, reason: string, thrown?: unknown) => void;
}

type Loose = Record<string, unknown>;

const UNBOUNDED: MessageReadOptions = {};

const isObject = (value: unknown): value is Loose => value !== null && typeof value === 'object' && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * A list of provider messages as GenAI messages; undefined when `value` is
 * not a list. Strings become messages of `defaultRole`; entries that are not
 * messages, or that throw when read, are left out (and told to `onSkipped`).
 *
 * @example
 * toGenAiMessages([{ role: 'user', content: 'Where is my order?' }], 'user', { maxTextLength: 16_384 });
 * // → [{ role: 'user', parts: [{ type: 'text', content: 'Where is my order?' }] }]
 */
export function toGenAiMessages(value: unknown, defaultRole = 'user', options: MessageReadOptions = UNBOUNDED): GenAiMessage[] | undefined {
  const length = listLength(value);
  if (length === undefined) return undefined;
  const messages: GenAiMessage[] = [];
  for (let i = 0; i < length; i++) {
    try {
      const entry: unknown = (value as readonly unknown[])[i];
      const message = toGenAiMessage(entry, defaultRole, options);
      if (message) messages.push(message);
      else options.onSkipped?.(i, `it is ${describeKind(entry)}, not a message`);
    } catch (error) {
      options.onSkipped?.(i, `reading it threw ${errorType(error)}`, error);
    }
  }
  return messages;
}

/**
 * OpenAI `choices` (chat `message` or completion `text`, with `finish_reason`) as assistant messages.
 * @example
 * choicesToMessages([{ message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }]);
 * // → [{ role: 'assistant', parts: [{ type: 'text', content: 'Hi' }], finish_reason: 'stop' }]
 */
export function choicesToMessages(choices: readonly unknown[], options: MessageReadOptions = UNBOUNDED): GenAiMessage[] {
  const messages: GenAiMessage[] = [];
  for (const choice of choices) {
    if (!isObject(choice)) continue;
    const message = toGenAiMessage(choice.message ?? choice.text, 'assistant', options);
    if (!message) continue;
    if (typeof choice.finish_reason === 'string') message.finish_reason = normalizeFinishReason(choice.finish_reason);
    messages.push(message);
  }
  return messages;
}

/**
 * One provider message as a GenAI message, or undefined when it is not one.
 * Throws what reading the value throws (a getter, a proxy): lists of
 * messages catch it per entry.
 *
 * @example
 * toGenAiMessage({ role: 'tool', tool_call_id: 'call_1', content: 'sunny' });
 * // → { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: 'sunny' }] }
 */
export function toGenAiMessage(value: unknown, defaultRole = 'user', options: MessageReadOptions = UNBOUNDED): GenAiMessage | undefined {
  if (typeof value === 'string') return { role: defaultRole, parts: [textPart(value, options)] };
  if (!isObject(value)) return undefined;
  const role = str(value.role) ?? defaultRole;
  const parts: GenAiPart[] = [];
  const given = value.parts;
  if (Array.isArray(given)) {
    for (const part of given) pushPart(parts, part, options);
  } else if (role === 'tool' && value.tool_call_id !== undefined) {
    // OpenAI: a tool message answers the call named by tool_call_id.
    parts.push({ type: 'tool_call_response', id: value.tool_call_id, response: bounded(value.content, options) });
  } else {
    pushContent(parts, value.content, options);
  }
  // OpenAI chat: the calls an assistant requested sit beside its content.
  const toolCalls = value.tool_calls;
  if (Array.isArray(toolCalls)) {
    for (const call of toolCalls) if (isObject(call)) parts.push(openAiToolCall(call, options));
  }
  const functionCall = value.function_call;
  if (isObject(functionCall)) parts.push(toolCallPart(undefined, functionCall.name, functionCall.arguments, options));
  const finishReason = str(value.finish_reason);
  return finishReason === undefined ? { role, parts } : { role, parts, finish_reason: normalizeFinishReason(finishReason) };
}

/**
 * Parts of a `content` field: text, a list of provider parts, or one part.
 * Empty text and values that are not parts (null) are left out.
 *
 * @example
 * contentToParts([{ type: 'text', text: 'Hi' }]); // → [{ type: 'text', content: 'Hi' }]
 */
export function contentToParts(content: unknown, options: MessageReadOptions = UNBOUNDED): GenAiPart[] {
  const parts: GenAiPart[] = [];
  pushContent(parts, content, options);
  return parts;
}

function pushContent(parts: GenAiPart[], content: unknown, options: MessageReadOptions): void {
  if (content === undefined || content === null) return;
  if (Array.isArray(content)) {
    for (const part of content) pushPart(parts, part, options);
  } else {
    pushPart(parts, content, options);
  }
}

/**
 * A requested tool call as a GenAI `tool_call` part. Arguments written as
 * JSON text are parsed; text that is not JSON is kept as text.
 *
 * @example
 * toolCallPart('call_1', 'weather', '{"city":"Paris"}');
 * // → { type: 'tool_call', id: 'call_1', name: 'weather', arguments: { city: 'Paris' } }
 */
export function toolCallPart(id: unknown, name: unknown, args: unknown, options: MessageReadOptions = UNBOUNDED): GenAiPart {
  const parsed = typeof args === 'string' ? parseJson(args) : args;
  return { type: 'tool_call', id: id ?? undefined, name: name ?? undefined, arguments: bounded(parsed, options) };
}

/**
 * An OpenAI chat tool call `{id, type: 'function', function: {name, arguments}}`
 * (or the flat `{id, name, arguments}`) as a GenAI `tool_call` part.
 *
 * @example
 * openAiToolCall({ id: 'call_1', function: { name: 'weather', arguments: '{}' } });
 * // → { type: 'tool_call', id: 'call_1', name: 'weather', arguments: {} }
 */
export function openAiToolCall(call: Readonly<Loose>, options: MessageReadOptions = UNBOUNDED): GenAiPart {
  const fn = isObject(call.function) ? call.function : call;
  return toolCallPart(call.id, fn.name, fn.arguments, options);
}

function textPart(text: string, options: MessageReadOptions): GenAiPart {
  return { type: 'text', content: cut(text, options) };
}

function pushPart(parts: GenAiPart[], part: unknown, options: MessageReadOptions): void {
  if (typeof part === 'string') {
    if (part !== '') parts.push(textPart(part, options));
    return;
  }
  if (typeof part === 'number' || typeof part === 'boolean') {
    parts.push(textPart(String(part), options));
    return;
  }
  if (isObject(part)) parts.push(toPart(part, options));
}

function toPart(p: Loose, o: MessageReadOptions): GenAiPart {
  switch (p.type) {
    case 'text':
    case 'input_text':
    case 'output_text':
      return textPart(str(p.text) ?? str(p.content) ?? '', o);
    case 'reasoning':
    case 'thinking':
      return { type: 'reasoning', content: cut(str(p.text) ?? str(p.thinking) ?? str(p.content) ?? '', o) };
    case 'tool-call': // Vercel AI SDK (v5+: input; v4: args)
      return toolCallPart(p.toolCallId, p.toolName, p.input ?? p.args, o);
    case 'tool_use': // Anthropic
      return toolCallPart(p.id, p.name, p.input, o);
    case 'function_call': // OpenAI responses
      return toolCallPart(p.call_id ?? p.id, p.name, p.arguments, o);
    case 'tool-result': // Vercel AI SDK (v5+: output {type, value}; v4: result)
      return { type: 'tool_call_response', id: p.toolCallId, response: bounded(vercelToolOutput(p), o) };
    case 'tool_result': // Anthropic
      return { type: 'tool_call_response', id: p.tool_use_id, response: bounded(p.content, o) };
    case 'image_url': // OpenAI chat
      return { type: 'uri', modality: 'image', uri: bounded(isObject(p.image_url) ? p.image_url.url : p.image_url, o) };
    case 'image': // Vercel AI SDK v4
      return { type: 'uri', modality: 'image', uri: bounded(p.image, o) };
    case 'file': // Vercel AI SDK; GenAI's own file part has file_id and is kept as is
      return p.file_id === undefined ? { type: 'blob', mime_type: p.mediaType ?? p.mimeType, content: bounded(p.data, o) } : keptPart(p, 'file', o);
    default: // GenAI's own parts (tool_call, tool_call_response, …) and kinds we do not know: kept, bounded as a whole
      return keptPart(p, str(p.type) ?? 'unknown', o);
  }
}

function keptPart(p: Loose, type: string, o: MessageReadOptions): GenAiPart {
  const copy = bounded(p, o);
  return isObject(copy) ? { ...copy, type } : { type, content: copy };
}

function vercelToolOutput(p: Loose): unknown {
  const output = p.output;
  if (isObject(output) && 'value' in output) return output.value;
  return output ?? p.result;
}

function cut(text: string, o: MessageReadOptions): string {
  return o.maxTextLength === undefined ? text : truncateText(text, o.maxTextLength);
}

/** Without a bound the value is kept as given (converters read parsed JSON); with one it is a bounded copy. */
function bounded(value: unknown, o: MessageReadOptions): unknown {
  return o.maxTextLength === undefined ? value : toBoundedValue(value, o.maxTextLength);
}

/** The length of a list; undefined for anything else, and where asking throws (a proxy whose `length` throws). */
function listLength(value: unknown): number | undefined {
  try {
    return isList(value) ? value.length : undefined;
  } catch {
    return undefined;
  }
}
