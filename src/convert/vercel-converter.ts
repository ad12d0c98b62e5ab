/**
 * Vercel AI SDK legacy telemetry (`ai` v3–v6 `experimental_telemetry`, v7
 * `LegacyOpenTelemetry`), detected by `ai.operationId` or a span name
 * starting `ai.`. One model call is one `ai.*.doGenerate` / `ai.*.doStream`
 * span → prompt + completion; `ai.toolCall` → tool_call; `ai.embed.doEmbed`,
 * `ai.rerank.doRerank` and other `ai.*.*` spans → custom.
 *
 * The outer spans (`ai.generateText`, `ai.streamText`, `ai.generateObject`,
 * `ai.streamObject`, `ai.embed`, `ai.embedMany`, `ai.rerank`) aggregate what
 * their children carry — content, usage, and the same exception when a model
 * call fails — so they yield nothing of their own: a second prompt/completion
 * pair or error would count one call twice. Except an error raised in the
 * outer span itself, which the audit span processor marks
 * (`exporter/reported-errors.ts`). v7's
 * GenAI-shape spans (scope `ai`, `gen_ai.operation.name`) are the GenAI converter's.
 */
import type { Attributes } from '@opentelemetry/api';
import { AUDIT_ERROR_RAISED_HERE } from '../model/attributes.js';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { toGenAiMessages, toolCallPart, type GenAiMessage, type GenAiPart } from '../model/chat-messages.js';
import { normalizeFinishReason } from '../model/finish-reason.js';
import { emitModelCall, prefixedParameters } from './model-call-events.js';
import { emitOperation } from './operation-event.js';
import type { SpanConverter, SpanEventBuilder } from './span-converter.js';
import { readJson, readString, readStringArray } from '../model/span-reader.js';
import { readFirstNumber, type TokenCounts } from './token-usage.js';
import { emitToolCall } from './tool-call-event.js';

const OPERATION_ID = 'ai.operationId';
const MODEL_ID = 'ai.model.id';
const TOOL_CALL = 'ai.toolCall';
const NOT_PARAMETERS: ReadonlySet<string> = new Set(['gen_ai.request.model']);
const NONE: ReadonlySet<string> = new Set();

/** Legacy-format spans of the Vercel AI SDK. */
export const vercelConverter: SpanConverter = {
  name: 'vercel-ai',
  matches(span) {
    const operationId = legacyOperationId(span);
    if (operationId === undefined) return false;
    // An outer span only when its failure was raised in it (exporter/reported-errors.ts): then it yields that error.
    return isAggregate(operationId) ? span.attributes[AUDIT_ERROR_RAISED_HERE] === true : true;
  },
  convert(span, out) {
    const operationId = legacyOperationId(span) ?? String(span.name);
    if (isAggregate(operationId)) return; // its error events are all it yields
    if (operationId.endsWith('.doGenerate') || operationId.endsWith('.doStream')) convertModelCall(span, out);
    else if (operationId === TOOL_CALL) convertToolCall(span, out);
    else {
      emitOperation(span, out, operationId, readString(span.attributes, MODEL_ID), {
        function_id: readString(span.attributes, 'ai.telemetry.functionId'),
      });
    }
  },
};

/**
 * A Vercel outer span (`ai.generateText`, `ai.generateObject`, `ai.embed`, …),
 * which aggregates its children's content, usage and exceptions.
 *
 * @example
 * if (isVercelAggregateSpan(span) && failed && !errorBelow) markRaisedHere(span);
 */
export function isVercelAggregateSpan(span: ReadableSpan): boolean {
  const operationId = legacyOperationId(span);
  return operationId !== undefined && isAggregate(operationId);
}

/** The span's `ai.*` operation id when it is a legacy-format Vercel span, else undefined. */
function legacyOperationId(span: ReadableSpan): string | undefined {
  const a = span.attributes;
  // Without `ai.operationId`, a name like `ai.v1.Service/Call` (gRPC) is only Vercel's from Vercel's tracer.
  if (typeof a[OPERATION_ID] !== 'string' && span.instrumentationScope?.name !== 'ai') return undefined;
  const operationId = typeof a[OPERATION_ID] === 'string' ? a[OPERATION_ID] : String(span.name);
  if (!operationId.startsWith('ai.')) return undefined;
  // v7's OpenTelemetry integration writes the GenAI shape under scope `ai`.
  return span.instrumentationScope?.name === 'ai' && typeof a['gen_ai.operation.name'] === 'string' ? undefined : operationId;
}

/** `ai.generateText`, `ai.embed`, …: one segment after `ai.`, and not the tool span. */
function isAggregate(operationId: string): boolean {
  return operationId !== TOOL_CALL && operationId.indexOf('.', 3) === -1;
}

function convertModelCall(span: ReadableSpan, out: SpanEventBuilder): void {
  const a = span.attributes;
  const prompt = readJson(a, 'ai.prompt.messages');
  const finishReason = readString(a, 'ai.response.finishReason');
  const outputMessages = readOutputMessages(a, finishReason);
  emitModelCall(span, out, {
    operation: 'chat',
    model: readString(a, MODEL_ID) ?? readString(a, 'gen_ai.request.model'),
    responseModel: readString(a, 'ai.response.model') ?? readString(a, 'gen_ai.response.model'),
    provider: providerName(readString(a, 'ai.model.provider') ?? readString(a, 'gen_ai.system')),
    inputMessages: toGenAiMessages(prompt) ?? prompt,
    parameters: prefixedParameters(a, 'gen_ai.request.', NOT_PARAMETERS) ?? prefixedParameters(a, 'ai.settings.', NONE),
    outputMessages,
    finishReasons: finishReason !== undefined ? [finishReason] : readStringArray(a, 'gen_ai.response.finish_reasons'),
    responseId: readString(a, 'ai.response.id') ?? readString(a, 'gen_ai.response.id'),
    tokens: readTokens(a),
  });
}

/** The SDK's provider ids name an API too (`openai.chat`, `anthropic.messages`): the provider is the first segment. */
function providerName(provider: string | undefined): string | undefined {
  if (provider === undefined) return undefined;
  const dot = provider.indexOf('.');
  return dot > 0 ? provider.slice(0, dot) : provider;
}

/** One assistant message from the response text, object, reasoning and requested tool calls. */
function readOutputMessages(a: Attributes, finishReason: string | undefined): GenAiMessage[] | undefined {
  const parts: GenAiPart[] = [];
  const reasoning = readString(a, 'ai.response.reasoning');
  if (reasoning !== undefined) parts.push({ type: 'reasoning', content: reasoning });
  const text = readString(a, 'ai.response.text') ?? readString(a, 'ai.response.object');
  if (text !== undefined) parts.push({ type: 'text', content: text });
  const toolCalls = readJson(a, 'ai.response.toolCalls');
  if (Array.isArray(toolCalls)) {
    for (const call of toolCalls) {
      if (call === null || typeof call !== 'object') continue;
      const c = call as Record<string, unknown>;
      // v5+: {toolCallId, toolName, input}; v4: {toolCallType, toolCallId, toolName, args}.
      parts.push(toolCallPart(c.toolCallId, c.toolName, c.input ?? c.args));
    }
  }
  if (parts.length === 0) return undefined;
  return [finishReason === undefined ? { role: 'assistant', parts } : { role: 'assistant', parts, finish_reason: normalizeFinishReason(finishReason) }];
}

// v4–v6 generate* wrote promptTokens/completionTokens; stream* and v6+ write
// inputTokens/outputTokens (v6 writes both); do* spans also carry gen_ai.usage.*.
function readTokens(a: Attributes): TokenCounts {
  return {
    input: readFirstNumber(a, ['ai.usage.inputTokens', 'ai.usage.promptTokens', 'gen_ai.usage.input_tokens']),
    output: readFirstNumber(a, ['ai.usage.outputTokens', 'ai.usage.completionTokens', 'gen_ai.usage.output_tokens']),
    total: readFirstNumber(a, ['ai.usage.totalTokens']),
    cacheRead: readFirstNumber(a, ['ai.usage.inputTokenDetails.cacheReadTokens', 'ai.usage.cachedInputTokens']),
    cacheWrite: readFirstNumber(a, ['ai.usage.inputTokenDetails.cacheWriteTokens']),
    reasoning: readFirstNumber(a, ['ai.usage.outputTokenDetails.reasoningTokens', 'ai.usage.reasoningTokens']),
  };
}

function convertToolCall(span: ReadableSpan, out: SpanEventBuilder): void {
  const a = span.attributes;
  emitToolCall(span, out, {
    name: readString(a, 'ai.toolCall.name') ?? String(span.name),
    callId: readString(a, 'ai.toolCall.id'),
    arguments: readJson(a, 'ai.toolCall.args'),
    result: readJson(a, 'ai.toolCall.result'),
  });
}
