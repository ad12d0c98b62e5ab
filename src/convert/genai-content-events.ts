/**
 * GenAI semantic conventions v1.26–1.27 put message content in span events:
 * `gen_ai.content.prompt` (attribute `gen_ai.prompt`) and
 * `gen_ai.content.completion` (attribute `gen_ai.completion`), each JSON of
 * OpenAI-style `{role, content}` messages. A span with either event is a model
 * call even without `gen_ai.operation.name`, which v1.26 did not have yet.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { toGenAiMessages } from '../model/chat-messages.js';
import { readJson } from '../model/span-reader.js';

const PROMPT_EVENT = 'gen_ai.content.prompt';
const COMPLETION_EVENT = 'gen_ai.content.completion';

/**
 * Whether the span carries a v1.26–1.27 content event.
 *
 * @example
 * hasContentEvents(span); // → true for a span with a `gen_ai.content.prompt` event
 */
export function hasContentEvents(span: ReadableSpan): boolean {
  for (const event of span.events) {
    if (event.name === PROMPT_EVENT || event.name === COMPLETION_EVENT) return true;
  }
  return false;
}

/**
 * The prompt (`'prompt'`) or completion (`'completion'`) messages of the
 * span's content event, as GenAI messages; content that is not a message
 * list is returned as it was written. Undefined when there is no such event.
 */
export function readContentEvent(span: ReadableSpan, which: 'prompt' | 'completion'): unknown {
  const name = which === 'prompt' ? PROMPT_EVENT : COMPLETION_EVENT;
  for (const event of span.events) {
    if (event.name !== name || event.attributes === undefined) continue;
    const content = readJson(event.attributes, which === 'prompt' ? 'gen_ai.prompt' : 'gen_ai.completion');
    if (content === undefined) continue;
    return toGenAiMessages(content, which === 'prompt' ? 'user' : 'assistant') ?? content;
  }
  return undefined;
}
