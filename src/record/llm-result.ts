/**
 * Reads the completion and token usage out of the result objects of the
 * OpenAI (chat completions, responses) and Anthropic (messages) SDKs, so
 * `withLLMCall` records them without help. Unknown shapes yield undefined.
 */
import type { GenAiMessage, GenAiPart } from '../model/chat-messages.js';
import { contentParts, openAiToolCall } from './messages.js';

/** What a model call produced. Every field is optional: results vary. */
export interface LLMResult {
  messages?: GenAiMessage[];
  finishReasons?: string[];
  inputTokens?: number;
  outputTokens?: number;
  responseModel?: string;
  responseId?: string;
}

type Loose = Record<string, unknown>;

export function extractLLMResult(value: unknown): LLMResult | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Loose;
  if (v.object === 'chat.completion' || (Array.isArray(v.choices) && v.object !== 'response')) return openAiChat(v);
  if (v.object === 'response' && Array.isArray(v.output)) return openAiResponse(v);
  if (v.type === 'message' && Array.isArray(v.content)) return anthropicMessage(v);
  return undefined;
}

function openAiChat(v: Loose): LLMResult {
  const choices = (v.choices as unknown[]).filter(isObject);
  const messages: GenAiMessage[] = [];
  const finishReasons: string[] = [];
  for (const choice of choices) {
    const message = (choice.message ?? {}) as Loose;
    const parts: GenAiPart[] = contentParts(message.content);
    if (Array.isArray(message.tool_calls)) for (const call of message.tool_calls) parts.push(openAiToolCall(call));
    const reason = str(choice.finish_reason);
    messages.push({ role: str(message.role) ?? 'assistant', parts, ...(reason && { finish_reason: reason }) });
    if (reason) finishReasons.push(reason);
  }
  const usage = (v.usage ?? {}) as Loose;
  return compact({
    messages,
    finishReasons,
    inputTokens: num(usage.prompt_tokens),
    outputTokens: num(usage.completion_tokens),
    responseModel: str(v.model),
    responseId: str(v.id),
  });
}

function openAiResponse(v: Loose): LLMResult {
  const parts: GenAiPart[] = [];
  for (const item of (v.output as unknown[]).filter(isObject)) {
    if (item.type === 'message') parts.push(...contentParts(item.content));
    else if (item.type === 'function_call' || item.type === 'reasoning') parts.push(...contentParts([item]));
  }
  const incomplete = (v.incomplete_details ?? undefined) as Loose | undefined;
  return oneReply(v, 'assistant', parts, str(incomplete?.reason) ?? str(v.status));
}

function anthropicMessage(v: Loose): LLMResult {
  return oneReply(v, str(v.role) ?? 'assistant', contentParts(v.content), str(v.stop_reason));
}

/** One reply message, with usage as `{input_tokens, output_tokens}` (OpenAI Responses and Anthropic alike). */
function oneReply(v: Loose, role: string, parts: GenAiPart[], reason: string | undefined): LLMResult {
  const usage = (v.usage ?? {}) as Loose;
  return compact({
    messages: [{ role, parts, ...(reason && { finish_reason: reason }) }],
    finishReasons: reason ? [reason] : [],
    inputTokens: num(usage.input_tokens),
    outputTokens: num(usage.output_tokens),
    responseModel: str(v.model),
    responseId: str(v.id),
  });
}

function compact(result: LLMResult): LLMResult {
  for (const key of Object.keys(result) as Array<keyof LLMResult>) {
    if (result[key] === undefined) delete result[key];
  }
  return result;
}

function isObject(value: unknown): value is Loose {
  return value !== null && typeof value === 'object';
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
