/**
 * Scripted answers of the fake OpenAI server in the shapes of the real
 * Responses API: a `response` object whose `output` holds a `message` item
 * (`output_text`) or a `function_call` item, or an error body. The log keeps
 * stored responses for `previous_response_id` and `item_reference`.
 */
import { DEFAULT_USAGE, responseModelFor, type ModelReply } from './openai-replies.js';
import type { ResponsesHistory, ResponsesRequest } from './openai-responses-validation.js';

/** What the server answered, as far as later requests may refer to it. */
export interface ResponsesLog extends ResponsesHistory {
  /** Keeps a response the request asked to store (`store` defaults to true). */
  remember(request: ResponsesRequest, response: Record<string, unknown>): void;
}

/**
 * An empty log.
 *
 * @example
 * const log = createResponsesLog();
 * checkResponsesRequest(body, log);
 */
export function createResponsesLog(): ResponsesLog {
  const calls = new Map<string, string[]>();
  const items = new Map<string, Record<string, unknown>>();
  return {
    callIdsOf: (id) => calls.get(id),
    item: (id) => items.get(id),
    remember(request, response) {
      if (request.body.store === false) return;
      const output = response.output as Array<Record<string, unknown>>;
      for (const item of output) items.set(item.id as string, item);
      calls.set(response.id as string, output.filter((i) => i.type === 'function_call').map((i) => i.call_id as string));
    },
  };
}

/** The JSON status and body the server sends for `reply` to `request`; `n` numbers ids. */
export function renderResponsesReply(reply: ModelReply, request: ResponsesRequest, n: number): { status: number; body: Record<string, unknown> } {
  if (reply.kind === 'error') {
    const server = reply.status >= 500;
    return {
      status: reply.status,
      body: {
        error: {
          message: reply.message ?? 'The server had an error processing your request. Sorry about that!',
          type: server ? 'server_error' : 'invalid_request_error',
          param: null,
          code: server ? 'server_error' : null,
        },
      },
    };
  }
  const usage = reply.usage ?? DEFAULT_USAGE[reply.kind];
  // Item ids are the service's own; the call id (`call_…`) is a separate field.
  const item = reply.kind === 'tool_call'
    ? {
        type: 'function_call',
        id: `fc_fake${n}`,
        call_id: reply.callId ?? `call_fake_${n}`,
        name: reply.name,
        arguments: JSON.stringify(reply.arguments),
        status: 'completed',
      }
    : {
        type: 'message',
        id: `msg_fake${n}`,
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: reply.text, annotations: [], logprobs: [] }],
      };
  const created = 1_767_225_600 + n;
  const body = request.body;
  return {
    status: 200,
    body: {
      id: `resp_fake${n}`,
      object: 'response',
      created_at: created,
      status: 'completed',
      background: false,
      completed_at: created,
      error: null,
      incomplete_details: null,
      instructions: body.instructions ?? null,
      max_output_tokens: body.max_output_tokens ?? null,
      max_tool_calls: body.max_tool_calls ?? null,
      model: responseModelFor(request.model),
      output: [item],
      parallel_tool_calls: body.parallel_tool_calls ?? true,
      previous_response_id: body.previous_response_id ?? null,
      reasoning: { effort: null, summary: null },
      service_tier: 'default',
      store: body.store ?? true,
      temperature: body.temperature ?? 1,
      text: body.text ?? { format: { type: 'text' }, verbosity: 'medium' },
      tool_choice: body.tool_choice ?? 'auto',
      // The service echoes tools with strict resolved (omitted → true).
      tools: ((body.tools ?? []) as Array<Record<string, unknown>>).map((t) => ({ description: null, ...t, strict: t.strict ?? true })),
      top_logprobs: body.top_logprobs ?? 0,
      top_p: body.top_p ?? 1,
      truncation: body.truncation ?? 'disabled',
      usage: {
        input_tokens: usage.promptTokens,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: usage.completionTokens,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: usage.promptTokens + usage.completionTokens,
      },
      user: body.user ?? null,
      metadata: body.metadata ?? {},
    },
  };
}
