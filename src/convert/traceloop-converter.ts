/**
 * OpenLLMetry / Traceloop. Entity spans (`traceloop.span.kind`: workflow,
 * task, agent, session → custom; tool → tool_call) and the LLM spans of
 * OpenLLMetry ≤ 0.22 (`llm.request.type`, indexed `gen_ai.prompt.{i}.*` /
 * `gen_ai.completion.{i}.*`). From 0.23 on, Traceloop writes the GenAI shape,
 * which the GenAI converter reads.
 */
import type { Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { contentToParts, toolCallPart, type GenAiMessage, type GenAiPart } from '../model/chat-messages.js';
import { normalizeFinishReason } from '../model/finish-reason.js';
import { regroupIndexed, type IndexedGroup } from './indexed-attributes.js';
import { emitModelCall, prefixedParameters } from './model-call-events.js';
import { emitOperation } from './operation-event.js';
import type { SpanConverter, SpanEventBuilder } from './span-converter.js';
import { isJsonObject, parseJson, readJson, readString, readStringArray } from '../model/span-reader.js';
import { readGenAiTokenCounts } from './token-usage.js';
import { emitToolCall } from './tool-call-event.js';
import { readToolMessage } from './langchain-tool-message.js';

const SPAN_KIND = 'traceloop.span.kind';
const ENTITY_NAME = 'traceloop.entity.name';
const REQUEST_TYPE = 'llm.request.type';
const PROMPTS = 'gen_ai.prompt';
const COMPLETIONS = 'gen_ai.completion';
const LEGACY_FIRST_KEYS: readonly string[] = [
  `${PROMPTS}.0.content`,
  `${PROMPTS}.0.role`,
  `${COMPLETIONS}.0.content`,
  `${COMPLETIONS}.0.role`,
  `${COMPLETIONS}.0.finish_reason`,
];
const REQUEST_MODEL = 'gen_ai.request.model';
/** `@traceloop/instrumentation-mcp`: MCP client sessions and `tools/call` as entity spans. */
const MCP_SCOPE = '@traceloop/instrumentation-mcp';
const NOT_PARAMETERS: ReadonlySet<string> = new Set([REQUEST_MODEL]);

/** Traceloop entity spans and OpenLLMetry ≤ 0.22 LLM spans. */
export const traceloopConverter: SpanConverter = {
  name: 'traceloop',
  matches: (span) => typeof span.attributes[SPAN_KIND] === 'string' || isLegacyLlmSpan(span.attributes),
  convert(span, out) {
    const kind = span.attributes[SPAN_KIND];
    if (typeof kind === 'string') convertEntity(span, kind, out);
    else convertLegacyLlm(span, out);
  },
};

/**
 * Indexed prompt/completion keys, or `llm.request.type` without a GenAI
 * operation name: Traceloop ≥ 0.23 instrumentations may still write
 * `llm.request.type` beside the GenAI shape, and those spans are GenAI's.
 */
function isLegacyLlmSpan(a: Attributes): boolean {
  // Built once: every span in the process is tested against these (hot path).
  for (const key of LEGACY_FIRST_KEYS) if (a[key] !== undefined) return true;
  return typeof a[REQUEST_TYPE] === 'string' && typeof a['gen_ai.operation.name'] !== 'string';
}

function convertEntity(span: ReadableSpan, kind: string, out: SpanEventBuilder): void {
  const a = span.attributes;
  const entityName = readString(a, ENTITY_NAME);
  if (span.instrumentationScope?.name === MCP_SCOPE) {
    // The client's connection (connect → close), not agent activity; tools are.
    if (kind === 'tool') convertMcpTool(span, entityName, out);
    return;
  }
  // The LangChain handler writes tools as `task` spans with GenAI's operation.
  if (kind === 'tool' || a['gen_ai.operation.name'] === 'execute_tool') {
    convertTool(span, entityName, out);
    return;
  }
  emitOperation(span, out, `traceloop.${kind}`, undefined, { entity_name: entityName });
}

function convertTool(span: ReadableSpan, entityName: string | undefined, out: SpanEventBuilder): void {
  const a = span.attributes;
  const output = readJson(a, 'traceloop.entity.output');
  // LangChain's tools return a ToolMessage: the tool's own name, call id and result are inside
  // (the entity name is the tool's class, `DynamicStructuredTool`).
  const message = readToolMessage(output);
  const input = entityInput(readJson(a, 'traceloop.entity.input'));
  emitToolCall(span, out, {
    // Entity spans are named `${name}.${kind}`.
    name: message?.name ?? entityName ?? (span.name.endsWith('.tool') ? span.name.slice(0, -'.tool'.length) : span.name),
    callId: message?.callId,
    arguments: typeof input === 'string' ? parseJson(input) : input,
    result: message === undefined ? output : message.content,
  });
}

/**
 * An MCP `tools/call`: the input is `{tool_name, arguments}`, the output
 * `{result: <the first text content>, is_error?}` — the result is read as
 * JSON when the text is JSON; `is_error` is the span's error status already.
 */
function convertMcpTool(span: ReadableSpan, entityName: string | undefined, out: SpanEventBuilder): void {
  const input = readJson(span.attributes, 'traceloop.entity.input');
  const output = readJson(span.attributes, 'traceloop.entity.output');
  const call = isJsonObject(input) ? input : {};
  const result = isJsonObject(output) ? output['result'] : undefined;
  emitToolCall(span, out, {
    name: entityName ?? (typeof call['tool_name'] === 'string' ? call['tool_name'] : span.name),
    type: 'mcp',
    arguments: 'arguments' in call ? call['arguments'] : input,
    result: typeof result === 'string' ? parseJson(result) : result,
  });
}

/** `{"args":[…],"kwargs":{…}}` → the one argument, the keyword arguments, or both when there are both. */
function entityInput(input: unknown): unknown {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
  const { args, kwargs } = input as { args?: unknown; kwargs?: unknown };
  if (!Array.isArray(args)) return input;
  const hasKwargs = kwargs !== null && typeof kwargs === 'object' && Object.keys(kwargs).length > 0;
  if (!hasKwargs && args.length === 1) return args[0];
  if (hasKwargs && args.length === 0) return kwargs;
  return input;
}

function convertLegacyLlm(span: ReadableSpan, out: SpanEventBuilder): void {
  const a = span.attributes;
  const requestType = readString(a, REQUEST_TYPE) ?? 'chat';
  const prompts = regroupIndexed(a, PROMPTS);
  const completions = regroupIndexed(a, COMPLETIONS);
  if (requestType !== 'chat' && requestType !== 'completion' && prompts.length === 0 && completions.length === 0) {
    emitOperation(span, out, `traceloop.${requestType}`, readString(a, REQUEST_MODEL));
    return;
  }
  const outputMessages = completions.length > 0 ? completions.map((g) => legacyMessage(g, 'assistant')) : undefined;
  const reasons = outputMessages?.flatMap((m) => (m.finish_reason ? [m.finish_reason] : []));
  emitModelCall(span, out, {
    operation: requestType === 'completion' ? 'text_completion' : 'chat',
    model: readString(a, REQUEST_MODEL),
    responseModel: readString(a, 'gen_ai.response.model'),
    // OpenLLMetry wrote vendor names capitalised (`OpenAI`); GenAI's are lower case.
    provider: readString(a, 'gen_ai.system')?.toLowerCase(),
    inputMessages: prompts.length > 0 ? prompts.map((g) => legacyMessage(g, 'user')) : undefined,
    parameters: prefixedParameters(a, 'gen_ai.request.', NOT_PARAMETERS),
    outputMessages,
    finishReasons: reasons && reasons.length > 0 ? reasons : readStringArray(a, 'gen_ai.response.finish_reasons'),
    responseId: readString(a, 'gen_ai.response.id'),
    tokens: readGenAiTokenCounts(a),
  });
}

function legacyMessage(group: IndexedGroup, defaultRole: string): GenAiMessage {
  const role = typeof group.role === 'string' && group.role !== '' ? group.role : defaultRole;
  const parts: GenAiPart[] = [];
  if (role === 'tool' && group.tool_call_id !== undefined) {
    parts.push({ type: 'tool_call_response', id: group.tool_call_id, response: group.content });
  } else if (typeof group.content === 'string') {
    // Array content (parts) was written as JSON text; plain text stays text.
    const content = group.content.startsWith('[') ? parseJson(group.content) : group.content;
    for (const part of contentToParts(content)) parts.push(part);
  }
  for (const call of regroupIndexed(group, 'tool_calls')) parts.push(toolCallPart(call.id, call.name, call.arguments));
  if (group['function_call.name'] !== undefined) parts.push(toolCallPart(undefined, group['function_call.name'], group['function_call.arguments']));
  const finishReason = typeof group.finish_reason === 'string' && group.finish_reason !== '' ? group.finish_reason : undefined;
  return finishReason === undefined ? { role, parts } : { role, parts, finish_reason: normalizeFinishReason(finishReason) };
}
