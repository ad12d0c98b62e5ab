/**
 * The messages our recording helpers serialised into a span, kept beside it,
 * so converting our own spans does not parse that JSON back.
 *
 * A chat call's messages are written as JSON text attributes
 * (`gen_ai.input.messages`, `gen_ai.output.messages`), and parsing them was a
 * third of the exporter's conversion work. The helper remembers the
 * structure it serialised; the converter takes it when the attribute still
 * holds exactly that text. Only structures the helper built itself, holding
 * nothing but strings, are remembered (`plainMessagesJson`): nothing the
 * agent can still change, and their text is exactly `JSON.stringify` of them.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { GenAiMessage } from './chat-messages.js';

// A symbol-keyed property on the span object itself, not a WeakMap: a
// WeakMap entry per model call made garbage collection cost more than the
// parse it saves (measured: +3 µs per withLLMCall).
const RECORDED = Symbol('otel-agent-audit.recordedMessages');

/** The two message attributes a model call's helper writes, each with the structure it serialised. */
class RecordedMessages {
  input: object | undefined = undefined;
  inputJson: string | undefined = undefined;
  output: object | undefined = undefined;
  outputJson: string | undefined = undefined;
}
type Holder = { [RECORDED]?: RecordedMessages };

/** Which of the two message attributes. */
export type MessagesDirection = 'input' | 'output';

/**
 * Notes on `span` that its `input` or `output` messages attribute was written
 * as `json`, the text of `messages` (`plainMessagesJson`'s input). Never
 * throws: a span that takes no property (frozen, a proxy) is simply not noted.
 */
export function rememberRecordedMessages(span: object, direction: MessagesDirection, messages: object, json: string): void {
  try {
    const recorded = ((span as Holder)[RECORDED] ??= new RecordedMessages());
    if (direction === 'input') {
      recorded.input = messages;
      recorded.inputJson = json;
    } else {
      recorded.output = messages;
      recorded.outputJson = json;
    }
  } catch {
    // Converting that span parses the attribute instead.
  }
}

/**
 * The messages behind `span`'s `input` or `output` messages attribute (named
 * `key`) when it still holds exactly the text the helper wrote (not
 * rewritten, not truncated by span limits); otherwise undefined, and the
 * caller parses the attribute.
 */
export function recordedMessages(span: ReadableSpan, direction: MessagesDirection, key: string): object | undefined {
  const recorded = (span as Holder)[RECORDED];
  if (recorded === undefined) return undefined;
  const [messages, json] = direction === 'input' ? [recorded.input, recorded.inputJson] : [recorded.output, recorded.outputJson];
  return json !== undefined && span.attributes[key] === json ? messages : undefined;
}

// Characters JSON must escape, and lone surrogates (which JSON.stringify escapes).
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/**
 * `JSON.stringify(messages)` for messages made only of strings — each
 * `{role, parts}` (optionally `finish_reason` first) whose parts are all
 * `{type, content}` strings — two to three times faster. Undefined for anything else (tool calls, media,
 * extra fields): the caller then serialises it the general way.
 */
export function plainMessagesJson(messages: readonly GenAiMessage[]): string | undefined {
  let json = '[';
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    if (message === null || typeof message !== 'object') return undefined;
    const { role, parts, finish_reason: reason } = message;
    if (typeof role !== 'string' || !Array.isArray(parts)) return undefined;
    if (reason === undefined ? !hasKeys(message, MESSAGE_KEYS) : typeof reason !== 'string' || !hasKeys(message, OUTPUT_MESSAGE_KEYS)) return undefined;
    json += i === 0 ? '{' : ',{';
    if (reason !== undefined) json += `"finish_reason":${quote(reason)},`;
    json += `"role":${quote(role)},"parts":[`;
    for (let j = 0; j < parts.length; j++) {
      const part = parts[j];
      if (part === null || typeof part !== 'object') return undefined;
      const { type, content } = part;
      if (typeof type !== 'string' || typeof content !== 'string' || !hasKeys(part, PART_KEYS)) return undefined;
      json += `${j === 0 ? '' : ','}{"type":${quote(type)},"content":${quote(content)}}`;
    }
    json += ']}';
  }
  return `${json}]`;
}

const MESSAGE_KEYS = ['role', 'parts'];
const OUTPUT_MESSAGE_KEYS = ['finish_reason', 'role', 'parts'];
const PART_KEYS = ['type', 'content'];

/** Whether `object`'s enumerable keys are exactly `keys`, in that order (the order JSON.stringify writes). */
function hasKeys(object: object, keys: readonly string[]): boolean {
  let seen = 0;
  for (const key in object) {
    if (key !== keys[seen] || !Object.prototype.hasOwnProperty.call(object, key)) return false;
    seen++;
  }
  return seen === keys.length;
}
