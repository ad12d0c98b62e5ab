/**
 * LangSmith's OpenTelemetry mode, detected by `langsmith.span.kind` (the run
 * type). It also writes `gen_ai.operation.name`, and `gen_ai.prompt` /
 * `gen_ai.completion` as JSON of the run's inputs / outputs on every run
 * type, so it must be told apart before the GenAI converter sees it.
 * `llm` → prompt + completion, `tool` → tool_call (its name is only in
 * `langsmith.trace.name`), every other run type → custom.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { choicesToMessages, toGenAiMessage, toGenAiMessages, toolCallPart, type GenAiMessage } from '../model/chat-messages.js';
import { emitModelCall, prefixedParameters } from './model-call-events.js';
import { emitOperation } from './operation-event.js';
import type { SpanConverter, SpanEventBuilder } from './span-converter.js';
import { readJson, readString, readStringArray } from '../model/span-reader.js';
import { readGenAiTokenCounts } from './token-usage.js';
import { emitToolCall } from './tool-call-event.js';

const RUN_TYPE = 'langsmith.span.kind';
const RUN_NAME = 'langsmith.trace.name';
const INPUTS = 'gen_ai.prompt';
const OUTPUTS = 'gen_ai.completion';
const NOT_PARAMETERS: ReadonlySet<string> = new Set(['gen_ai.request.model']);

type Loose = Record<string, unknown>;
const isObject = (value: unknown): value is Loose => value !== null && typeof value === 'object' && !Array.isArray(value);

/** LangSmith runs exported as OpenTelemetry spans. */
export const langSmithConverter: SpanConverter = {
  name: 'langsmith',
  matches: (span) => typeof span.attributes[RUN_TYPE] === 'string',
  convert(span, out) {
    const a = span.attributes;
    const runType = String(a[RUN_TYPE]).toLowerCase();
    if (runType === 'llm') convertLlm(span, out);
    else if (runType === 'tool') {
      emitToolCall(span, out, { name: readString(a, RUN_NAME) ?? span.name, arguments: readJson(a, INPUTS), result: readJson(a, OUTPUTS) });
    } else emitOperation(span, out, `langsmith.${runType}`, readString(a, 'gen_ai.request.model'), { run_name: readString(a, RUN_NAME) });
  },
};

function convertLlm(span: ReadableSpan, out: SpanEventBuilder): void {
  const a = span.attributes;
  const inputs = readJson(a, INPUTS);
  const outputs = readJson(a, OUTPUTS);
  const outputMessages = outputMessagesOf(outputs);
  const reasons = outputMessages?.flatMap((m) => (m.finish_reason ? [m.finish_reason] : []));
  emitModelCall(span, out, {
    operation: 'chat',
    model: readString(a, 'gen_ai.request.model') ?? readString(a, 'langsmith.metadata.ls_model_name'),
    responseModel: readString(a, 'gen_ai.response.model'),
    provider: readString(a, 'gen_ai.system') ?? readString(a, 'langsmith.metadata.ls_provider'),
    inputMessages: inputMessagesOf(inputs) ?? inputs,
    parameters: prefixedParameters(a, 'gen_ai.request.', NOT_PARAMETERS),
    outputMessages: outputMessages ?? outputs,
    finishReasons: reasons && reasons.length > 0 ? reasons : readStringArray(a, 'gen_ai.response.finish_reasons'),
    responseId: readString(a, 'gen_ai.response.id'),
    tokens: readGenAiTokenCounts(a),
  });
}

/** Inputs `{messages: […]}` (LangChain batches them as `[[…]]`) or `{prompts: […]}`. */
function inputMessagesOf(inputs: unknown): GenAiMessage[] | undefined {
  if (!isObject(inputs)) return undefined;
  let messages = inputs.messages;
  if (Array.isArray(messages) && messages.length === 1 && Array.isArray(messages[0])) messages = messages[0];
  if (Array.isArray(messages)) return messages.flatMap((m) => listOf(langChainMessage(m, 'user')));
  return toGenAiMessages(inputs.prompts);
}

/** Outputs as OpenAI `choices`, LangChain `generations`, or one message. */
function outputMessagesOf(outputs: unknown): GenAiMessage[] | undefined {
  if (!isObject(outputs)) return undefined;
  if (Array.isArray(outputs.choices)) return choicesToMessages(outputs.choices);
  if (Array.isArray(outputs.generations)) {
    const generations = outputs.generations.flat();
    return generations.flatMap((g) => listOf(isObject(g) ? langChainMessage(g.message ?? g.text, 'assistant') : undefined));
  }
  if ('content' in outputs) return listOf(langChainMessage(outputs, 'assistant'));
  return undefined;
}

const LANGCHAIN_ROLES: Readonly<Record<string, string>> = {
  HumanMessage: 'user', human: 'user', AIMessage: 'assistant', AIMessageChunk: 'assistant', ai: 'assistant',
  SystemMessage: 'system', system: 'system', ToolMessage: 'tool', tool: 'tool',
};

/** A LangChain message (serialised `{lc, id, kwargs}` or `{type, content}`) or a plain provider message. */
function langChainMessage(value: unknown, defaultRole: string): GenAiMessage | undefined {
  if (!isObject(value)) return toGenAiMessage(value, defaultRole);
  const serialised = isObject(value.kwargs) && Array.isArray(value.id);
  const fields = serialised ? (value.kwargs as Loose) : value;
  const className = serialised ? (value.id as unknown[])[(value.id as unknown[]).length - 1] : value.type;
  const role = typeof fields.role === 'string' ? fields.role : typeof className === 'string' ? LANGCHAIN_ROLES[className] : undefined;
  const message = toGenAiMessage({ role: typeof role === 'string' ? role : defaultRole, content: fields.content, tool_call_id: fields.tool_call_id }, defaultRole);
  // LangChain's own tool calls: {name, args, id}.
  if (message && Array.isArray(fields.tool_calls)) {
    for (const call of fields.tool_calls) if (isObject(call)) message.parts.push(toolCallPart(call.id, call.name, call.args ?? call.arguments));
  }
  return message;
}

function listOf<T>(value: T | undefined): T[] {
  return value === undefined ? [] : [value];
}
