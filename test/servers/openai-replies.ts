/**
 * Scripted answers of the fake OpenAI server, rendered in the shapes of the
 * real Chat Completions API: a `chat.completion` object, or an error body.
 */
import type { ChatRequest } from './openai-chat-validation.js';

/** Token counts a scripted reply reports in `usage`. */
export interface ScriptedUsage {
  promptTokens: number;
  completionTokens: number;
}

/** What the next model call answers. */
export type ModelReply =
  | { kind: 'tool_call'; name: string; arguments: Record<string, unknown>; callId?: string; usage?: ScriptedUsage }
  | { kind: 'text'; text: string; usage?: ScriptedUsage }
  | { kind: 'error'; status: number; message?: string };

/**
 * The model asks for one tool call (`finish_reason: tool_calls`).
 *
 * @example
 * fake.enqueue(toolCallReply('get_weather', { city: 'Oslo' }));
 */
export function toolCallReply(name: string, args: Record<string, unknown>, options: { callId?: string; usage?: ScriptedUsage } = {}): ModelReply {
  return { kind: 'tool_call', name, arguments: args, ...options };
}

/**
 * The model answers with text (`finish_reason: stop`).
 *
 * @example
 * fake.enqueue(textReply('It is 12 °C in Oslo.'));
 */
export function textReply(text: string, options: { usage?: ScriptedUsage } = {}): ModelReply {
  return { kind: 'text', text, ...options };
}

/**
 * The service fails (default 500, OpenAI's `server_error` body).
 *
 * @example
 * fake.enqueue(errorReply());
 */
export function errorReply(status = 500, message?: string): ModelReply {
  return message === undefined ? { kind: 'error', status } : { kind: 'error', status, message };
}

/** Usage a reply reports when the script sets none. */
export const DEFAULT_USAGE: Readonly<Record<'tool_call' | 'text', ScriptedUsage>> = Object.freeze({
  tool_call: { promptTokens: 57, completionTokens: 18 },
  text: { promptTokens: 96, completionTokens: 14 },
});

/** The model version a request for `model` is answered by, as the real service pins aliases. */
export function responseModelFor(model: string): string {
  return `${model}-2024-07-18`;
}

/** The JSON status and body the server sends for `reply` to `request`; `n` numbers ids. */
export function renderReply(reply: ModelReply, request: ChatRequest, n: number): { status: number; body: unknown } {
  if (reply.kind === 'error') {
    return {
      status: reply.status,
      body: {
        error: {
          message: reply.message ?? 'The server had an error while processing your request. Sorry about that!',
          type: reply.status >= 500 ? 'server_error' : 'invalid_request_error',
          param: null,
          code: null,
        },
      },
    };
  }
  const usage = reply.usage ?? DEFAULT_USAGE[reply.kind];
  const message = reply.kind === 'tool_call'
    ? {
        role: 'assistant',
        content: null,
        tool_calls: [{
          id: reply.callId ?? `call_fake_${n}`,
          type: 'function',
          function: { name: reply.name, arguments: JSON.stringify(reply.arguments) },
        }],
        refusal: null,
        annotations: [],
      }
    : { role: 'assistant', content: reply.text, refusal: null, annotations: [] };
  return {
    status: 200,
    body: {
      id: `chatcmpl-fake${n}`,
      object: 'chat.completion',
      created: 1_767_225_600 + n,
      model: responseModelFor(request.model),
      choices: [{ index: 0, message, logprobs: null, finish_reason: reply.kind === 'tool_call' ? 'tool_calls' : 'stop' }],
      usage: {
        prompt_tokens: usage.promptTokens,
        completion_tokens: usage.completionTokens,
        total_tokens: usage.promptTokens + usage.completionTokens,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
      service_tier: 'default',
      system_fingerprint: 'fp_fake0001',
    },
  };
}
