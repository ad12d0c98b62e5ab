/**
 * A LangChain `ToolMessage` as LangChain serialises it
 * (`{lc: 1, type: 'constructor', id: [..., 'ToolMessage'], kwargs: {…}}`):
 * what both LangChain instrumentations write as a tool's output, and the
 * only place they keep the tool's name, its call id and its result.
 */
import { isJsonObject, parseJson } from '../model/span-reader.js';
import { nonEmptyText } from '../model/foreign-value.js';

/** What a serialised ToolMessage says about one tool execution. */
export interface ToolMessage {
  readonly name: string | undefined;
  readonly callId: string | undefined;
  /** The tool's result: parsed when the content is JSON text. */
  readonly content: unknown;
  /** `success` or `error`, as LangChain set it. */
  readonly status: string | undefined;
}

/**
 * The ToolMessage `value` (parsed JSON) is, or holds under `output`
 * (OpenInference wraps it so); undefined for anything else.
 *
 * @example
 * readToolMessage({ output: { lc: 1, type: 'constructor', id: ['langchain_core', 'messages', 'ToolMessage'],
 *   kwargs: { content: '{"temp":12}', tool_call_id: 'call_1', name: 'get_weather', status: 'success' } } });
 * // → { name: 'get_weather', callId: 'call_1', content: { temp: 12 }, status: 'success' }
 */
export function readToolMessage(value: unknown): ToolMessage | undefined {
  const message = isJsonObject(value) && isJsonObject(value['output']) ? value['output'] : value;
  if (!isJsonObject(message) || message['type'] !== 'constructor' || !Array.isArray(message['id'])) return undefined;
  if (message['id'].at(-1) !== 'ToolMessage' || !isJsonObject(message['kwargs'])) return undefined;
  const kwargs = message['kwargs'];
  return { name: nonEmptyText(kwargs['name']), callId: nonEmptyText(kwargs['tool_call_id']), content: typeof kwargs['content'] === 'string' ? parseJson(kwargs['content']) : kwargs['content'], status: nonEmptyText(kwargs['status']) };
}

