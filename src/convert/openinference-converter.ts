/**
 * OpenInference (Arize; semantic conventions JS 2.x), detected by
 * `openinference.span.kind`: `LLM` → prompt + completion, `TOOL` → tool_call,
 * every other kind (AGENT, CHAIN, RETRIEVER, EMBEDDING, RERANKER, GUARDRAIL,
 * EVALUATOR, PROMPT) → custom. OpenInference sets status OK on success;
 * only ERROR matters here.
 */
import type { Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { emitModelCall, type ModelCall } from './model-call-events.js';
import { readIndexedMessages, readRawInput, readRawOutput } from './openinference-messages.js';
import { emitOperation } from './operation-event.js';
import type { SpanConverter, SpanEventBuilder } from './span-converter.js';
import { readJson, readNumber, readString } from '../model/span-reader.js';
import { emitToolCall } from './tool-call-event.js';

const SPAN_KIND = 'openinference.span.kind';
const INPUT_VALUE = 'input.value';
const OUTPUT_VALUE = 'output.value';
const MODEL_NAME = 'llm.model_name';
const TOKENS = 'llm.token_count.';

/** Spans of the OpenInference instrumentations (OpenAI, LangChain, OpenAI Agents bridge, …). */
export const openInferenceConverter: SpanConverter = {
  name: 'openinference',
  matches: (span) => typeof span.attributes[SPAN_KIND] === 'string',
  convert(span, out) {
    const kind = String(span.attributes[SPAN_KIND]).toUpperCase();
    if (kind === 'LLM') emitModelCall(span, out, readModelCall(span));
    else if (kind === 'TOOL') convertTool(span, out);
    else emitOperation(span, out, `openinference.${kind.toLowerCase()}`, readString(span.attributes, MODEL_NAME) ?? readString(span.attributes, 'embedding.model_name'));
  },
};

function readModelCall(span: ReadableSpan): ModelCall {
  const a = span.attributes;
  // Past the SDK's attribute limit, the flattened messages are cut short
  // while `input.value` (written first) still holds the whole request.
  const preferRaw = span.droppedAttributesCount > 0;
  const indexedInput = readIndexedMessages(a, 'llm.input_messages', 'user');
  // The request (the whole history) is parsed only when it is needed.
  const rawInput = preferRaw || indexedInput === undefined ? readRawInput(a[INPUT_VALUE]) : {};
  const inputMessages = preferRaw ? (rawInput.messages ?? indexedInput) : (indexedInput ?? rawInput.messages);
  const rawOutput = readRawOutput(a[OUTPUT_VALUE]);
  const indexedOutput = readIndexedMessages(a, 'llm.output_messages', 'assistant');
  const outputMessages = preferRaw ? (rawOutput.messages ?? indexedOutput) : (indexedOutput ?? rawOutput.messages);
  const parameters = invocationParameters(a);
  const finishReason = readString(a, 'llm.finish_reason');
  return {
    operation: inputMessages || outputMessages ? 'chat' : 'text_completion',
    model: readString(a, 'llm.request.model_name') ?? (typeof parameters?.model === 'string' ? parameters.model : undefined) ?? readString(a, MODEL_NAME),
    responseModel: readString(a, 'llm.response.model_name') ?? readString(a, MODEL_NAME),
    provider: (readString(a, 'llm.provider') ?? readString(a, 'llm.system'))?.toLowerCase(),
    inputMessages: inputMessages ?? rawInput.text,
    parameters: parameters && withoutModel(parameters),
    outputMessages: outputMessages ?? rawOutput.text,
    finishReasons: finishReason !== undefined ? [finishReason] : finishReasonsOf(outputMessages),
    responseId: typeof rawOutput.object?.id === 'string' ? rawOutput.object.id : undefined,
    tokens: {
      input: readNumber(a, `${TOKENS}prompt`),
      output: readNumber(a, `${TOKENS}completion`),
      total: readNumber(a, `${TOKENS}total`),
      cacheRead: readNumber(a, `${TOKENS}prompt_details.cache_read`),
      cacheCreation: readNumber(a, `${TOKENS}prompt_details.cache_write`),
      reasoning: readNumber(a, `${TOKENS}completion_details.reasoning`),
    },
  };
}

function convertTool(span: ReadableSpan, out: SpanEventBuilder): void {
  const a = span.attributes;
  emitToolCall(span, out, {
    name: readString(a, 'tool.name') ?? span.name,
    callId: readString(a, 'tool_call.id') ?? readString(a, 'tool.id'),
    arguments: readJson(a, INPUT_VALUE),
    result: readJson(a, OUTPUT_VALUE),
  });
}

/** `llm.invocation_parameters`: JSON of the request settings (OpenAI's includes the model). */
function invocationParameters(a: Attributes): Record<string, unknown> | undefined {
  const parsed = readJson(a, 'llm.invocation_parameters');
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
}

function withoutModel(parameters: Record<string, unknown>): Record<string, unknown> | undefined {
  const { model: _model, ...rest } = parameters;
  return Object.keys(rest).length > 0 ? rest : undefined;
}

function finishReasonsOf(messages: ReadonlyArray<{ finish_reason?: string }> | undefined): string[] | undefined {
  const reasons = messages?.flatMap((m) => (m.finish_reason ? [m.finish_reason] : []));
  return reasons && reasons.length > 0 ? reasons : undefined;
}
