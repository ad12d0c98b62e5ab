/**
 * Reads the completion and token usage out of the result objects of the
 * OpenAI (chat completions, responses) and Anthropic (messages) SDKs, so
 * `withLLMCall` records them without help. Unknown shapes yield undefined.
 */
import { contentToParts, openAiToolCall, type GenAiMessage, type GenAiPart, type MessageReadOptions } from '../model/chat-messages.js';
import { nonEmptyText } from '../model/foreign-value.js';

/** What a model call produced. Every field is optional (absent, or undefined when not read): results vary. */
export interface LLMResult {
  messages?: GenAiMessage[];
  finishReasons?: string[];
  inputTokens?: number;
  outputTokens?: number;
  /** Input tokens read from the provider's prompt cache. */
  cacheReadTokens?: number;
  /** Input tokens written to the provider's prompt cache. */
  cacheWriteTokens?: number;
  /** Output tokens spent on reasoning. */
  reasoningTokens?: number;
  responseModel?: string;
  responseId?: string;
}

type Loose = Record<string, unknown>;

/**
 * What `value` says about the call, when it is a result of one of the SDKs
 * above; undefined for any other shape. Texts are cut to `maxTextLength`
 * (the span's content limit). Throws what reading the value throws: the
 * caller reads it best effort.
 *
 * @example
 * extractLLMResult(await openai.chat.completions.create(request), 16_384)?.inputTokens;
 */
export function extractLLMResult(value: unknown, maxTextLength: number): LLMResult | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Loose;
  const read: MessageReadOptions = { maxTextLength };
  if (v.object === 'chat.completion' || (Array.isArray(v.choices) && v.object !== 'response')) return openAiChat(v, read);
  if (v.object === 'response' && Array.isArray(v.output)) return openAiResponse(v, read);
  if (v.type === 'message' && Array.isArray(v.content)) return anthropicMessage(v, read);
  return undefined;
}

function openAiChat(v: Loose, read: MessageReadOptions): LLMResult {
  const choices = (v.choices as unknown[]).filter(isObject);
  const messages: GenAiMessage[] = [];
  const finishReasons: string[] = [];
  for (const choice of choices) {
    const message = (choice.message ?? {}) as Loose;
    const parts: GenAiPart[] = contentToParts(message.content, read);
    if (Array.isArray(message.tool_calls)) for (const call of message.tool_calls) if (isObject(call)) parts.push(openAiToolCall(call, read));
    const reason = nonEmptyText(choice.finish_reason);
    messages.push({ role: nonEmptyText(message.role) ?? 'assistant', parts, ...(reason && { finish_reason: reason }) });
    if (reason) finishReasons.push(reason);
  }
  const usage = (v.usage ?? {}) as Loose;
  return {
    messages,
    finishReasons,
    inputTokens: num(usage.prompt_tokens),
    outputTokens: num(usage.completion_tokens),
    cacheReadTokens: num(detail(usage.prompt_tokens_details, 'cached_tokens')),
    reasoningTokens: num(detail(usage.completion_tokens_details, 'reasoning_tokens')),
    responseModel: nonEmptyText(v.model),
    responseId: nonEmptyText(v.id),
  };
}

function openAiResponse(v: Loose, read: MessageReadOptions): LLMResult {
  const parts: GenAiPart[] = [];
  for (const item of (v.output as unknown[]).filter(isObject)) {
    if (item.type === 'message') parts.push(...contentToParts(item.content, read));
    else if (item.type === 'function_call' || item.type === 'reasoning') parts.push(...contentToParts([item], read));
  }
  const incomplete = (v.incomplete_details ?? undefined) as Loose | undefined;
  return oneReply(v, 'assistant', parts, nonEmptyText(incomplete?.reason) ?? nonEmptyText(v.status));
}

function anthropicMessage(v: Loose, read: MessageReadOptions): LLMResult {
  return oneReply(v, nonEmptyText(v.role) ?? 'assistant', contentToParts(v.content, read), nonEmptyText(v.stop_reason));
}

/**
 * One reply message, with usage as `{input_tokens, output_tokens}` (OpenAI
 * Responses and Anthropic alike). The cache counts are spelt apart: OpenAI
 * puts them in `input_tokens_details.cached_tokens` (already part of
 * `input_tokens`); Anthropic reports `cache_read_input_tokens` and
 * `cache_creation_input_tokens` beside an `input_tokens` that excludes them,
 * so for Anthropic the GenAI `input_tokens` (which SHOULD include cached
 * tokens) is their sum.
 */
function oneReply(v: Loose, role: string, parts: GenAiPart[], reason: string | undefined): LLMResult {
  const usage = (v.usage ?? {}) as Loose;
  const cacheRead = num(usage.cache_read_input_tokens);
  const cacheWrite = num(usage.cache_creation_input_tokens);
  const input = num(usage.input_tokens);
  const anthropic = cacheRead !== undefined || cacheWrite !== undefined;
  return {
    messages: [{ role, parts, ...(reason && { finish_reason: reason }) }],
    finishReasons: reason ? [reason] : [],
    inputTokens: anthropic && input !== undefined ? input + (cacheRead ?? 0) + (cacheWrite ?? 0) : input,
    outputTokens: num(usage.output_tokens),
    cacheReadTokens: cacheRead ?? num(detail(usage.input_tokens_details, 'cached_tokens')),
    cacheWriteTokens: cacheWrite,
    reasoningTokens: num(detail(usage.output_tokens_details, 'reasoning_tokens')),
    responseModel: nonEmptyText(v.model),
    responseId: nonEmptyText(v.id),
  };
}

/** `details[key]` of a usage breakdown object, when there is one. */
function detail(details: unknown, key: string): unknown {
  return isObject(details) ? details[key] : undefined;
}

function isObject(value: unknown): value is Loose {
  return value !== null && typeof value === 'object';
}


function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
