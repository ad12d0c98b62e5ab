/**
 * Scripted answers of the fake Anthropic server, rendered in the shapes of
 * the real Messages API: a `message` object, the server-sent events of a
 * streamed message, or an error body `{type: 'error', error: {type, message}}`.
 */
import type { MessagesRequest } from './anthropic-validation.js';
import type { ModelReply } from './openai-replies.js';

/** Token counts a scripted reply reports in `usage`. */
export interface AnthropicUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens?: number;
  cacheCreationInputTokens?: number;
}

/** What the next model call answers. */
export type AnthropicReply =
  | { kind: 'tool_use'; name: string; input: Record<string, unknown>; id?: string; usage?: AnthropicUsage }
  | { kind: 'text'; text: string; usage?: AnthropicUsage }
  | { kind: 'error'; status: number; type?: string; message?: string };

/**
 * The model asks for one tool (`stop_reason: tool_use`); the id defaults to `toolu_fake_<n>`.
 *
 * @example
 * fake.enqueue(toolUseReply('get_weather', { city: 'Oslo' }, { id: 'toolu_weather_1' }));
 */
export function toolUseReply(name: string, input: Record<string, unknown>, options: { id?: string; usage?: AnthropicUsage } = {}): AnthropicReply {
  return { kind: 'tool_use', name, input, ...options };
}

/**
 * The model answers with text (`stop_reason: end_turn`).
 *
 * @example
 * fake.enqueue(anthropicTextReply('It is 12 °C in Oslo.'));
 */
export function anthropicTextReply(text: string, options: { usage?: AnthropicUsage } = {}): AnthropicReply {
  return { kind: 'text', text, ...options };
}

/**
 * The service fails: default 500 `api_error`; 529 is `overloaded_error`.
 *
 * @example
 * fake.enqueue(anthropicErrorReply(529));
 */
export function anthropicErrorReply(status = 500, message?: string): AnthropicReply {
  return message === undefined ? { kind: 'error', status } : { kind: 'error', status, message };
}

/**
 * The same script for the Anthropic server: a tool call becomes a `tool_use`
 * (its call id kept as the block id), usage `promptTokens` / `completionTokens`
 * become `input_tokens` / `output_tokens`.
 *
 * @example
 * fake.enqueue(...fromModelReplies(frameworkReplies()));
 */
export function fromModelReplies(replies: readonly ModelReply[]): AnthropicReply[] {
  return replies.map((reply): AnthropicReply => {
    const usage = 'usage' in reply && reply.usage !== undefined
      ? { usage: { inputTokens: reply.usage.promptTokens, outputTokens: reply.usage.completionTokens } }
      : {};
    if (reply.kind === 'tool_call') return { kind: 'tool_use', name: reply.name, input: reply.arguments, ...(reply.callId ? { id: reply.callId } : {}), ...usage };
    if (reply.kind === 'text') return { kind: 'text', text: reply.text, ...usage };
    return { kind: 'error', status: reply.status, ...(reply.message ? { message: reply.message } : {}) };
  });
}

/** Usage a reply reports when the script sets none. */
export const DEFAULT_ANTHROPIC_USAGE: Readonly<Record<'tool_use' | 'text', AnthropicUsage>> = Object.freeze({
  tool_use: { inputTokens: 412, outputTokens: 56 },
  text: { inputTokens: 498, outputTokens: 23 },
});

/** The model version a request for `model` is answered by: aliases resolve to a dated snapshot. */
export function anthropicResponseModelFor(model: string): string {
  return /-\d{8}$/.test(model) ? model : `${model}-20251001`;
}

/** Error `type` for an HTTP status, as the service names them. */
export function anthropicErrorType(status: number): string {
  const types: Record<number, string> = {
    400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error',
    413: 'request_too_large', 429: 'rate_limit_error', 529: 'overloaded_error',
  };
  return types[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

/** `{type: 'error', error: {type, message}, request_id}` */
export function anthropicErrorBody(status: number, message: string, type = anthropicErrorType(status), requestId?: string): unknown {
  return { type: 'error', error: { type, message }, ...(requestId ? { request_id: requestId } : {}) };
}

/** The `message` object the server sends for `reply` (not an error) to `request`; `n` numbers ids. */
export function renderMessage(reply: Exclude<AnthropicReply, { kind: 'error' }>, request: MessagesRequest, n: number): Record<string, unknown> {
  const usage = reply.usage ?? DEFAULT_ANTHROPIC_USAGE[reply.kind];
  const content = reply.kind === 'tool_use'
    ? [{ type: 'tool_use', id: reply.id ?? `toolu_fake_${n}`, name: reply.name, input: reply.input }]
    : [{ type: 'text', text: reply.text }];
  return {
    id: `msg_fake${String(n).padStart(4, '0')}`,
    type: 'message',
    role: 'assistant',
    model: anthropicResponseModelFor(request.model),
    content,
    stop_reason: reply.kind === 'tool_use' ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: {
      input_tokens: usage.inputTokens,
      output_tokens: usage.outputTokens,
      cache_read_input_tokens: usage.cacheReadInputTokens ?? 0,
      cache_creation_input_tokens: usage.cacheCreationInputTokens ?? 0,
      service_tier: 'standard',
    },
  };
}

/**
 * The server-sent events of `message` streamed as the service streams it:
 * message_start (empty content, output_tokens 1), per block content_block_start
 * / content_block_delta (text_delta, or input_json_delta in two pieces) /
 * content_block_stop, a ping, message_delta (stop_reason, final usage),
 * message_stop. Each item is one `event:`/`data:` pair.
 */
export function streamEvents(message: Record<string, unknown>): Array<{ event: string; data: unknown }> {
  const usage = message.usage as Record<string, number>;
  const events: Array<{ event: string; data: unknown }> = [
    { event: 'message_start', data: { type: 'message_start', message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } } },
  ];
  for (const [index, block] of (message.content as Array<Record<string, unknown>>).entries()) {
    if (block.type === 'tool_use') {
      events.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: { ...block, input: {} } } });
      const json = JSON.stringify(block.input);
      const cut = Math.ceil(json.length / 2);
      for (const partial_json of [json.slice(0, cut), json.slice(cut)]) {
        events.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } } });
      }
    } else {
      events.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: { type: 'text', text: '' } } });
      if (index === 0) events.push({ event: 'ping', data: { type: 'ping' } });
      events.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'text_delta', text: block.text } } });
    }
    events.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
  }
  events.push(
    { event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage: { input_tokens: usage.input_tokens, output_tokens: usage.output_tokens, cache_read_input_tokens: usage.cache_read_input_tokens, cache_creation_input_tokens: usage.cache_creation_input_tokens } } },
    { event: 'message_stop', data: { type: 'message_stop' } },
  );
  return events;
}
