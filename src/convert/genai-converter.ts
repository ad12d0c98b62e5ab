/**
 * OpenTelemetry GenAI semantic conventions (v1.37+ names, with the older
 * `gen_ai.system` and `prompt_tokens`/`completion_tokens` still read). Our own
 * recording helpers write this convention, plus `audit.session.root` on the
 * session's root span.
 */
import { SpanStatusCode, type Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  AUDIT_MCP_SERVER_NAME,
  GEN_AI_INPUT_MESSAGES,
  GEN_AI_OPERATION_NAME,
  GEN_AI_OUTPUT_MESSAGES,
  GEN_AI_PROVIDER_NAME,
  GEN_AI_REQUEST_MODEL,
  GEN_AI_REQUEST_PREFIX,
  GEN_AI_RESPONSE_FINISH_REASONS,
  GEN_AI_RESPONSE_ID,
  GEN_AI_RESPONSE_MODEL,
  GEN_AI_SYSTEM,
  GEN_AI_SYSTEM_INSTRUCTIONS,
  GEN_AI_TOOL_CALL_ARGUMENTS,
  GEN_AI_TOOL_CALL_ID,
  GEN_AI_TOOL_CALL_RESULT,
  GEN_AI_TOOL_NAME,
  GEN_AI_TOOL_TYPE,
  MCP_METHOD_NAME,
  OPERATION_CHAT,
  OPERATION_EXECUTE_TOOL,
} from '../model/attributes.js';
import { hasContentEvents, readContentEvent } from './genai-content-events.js';
import { readPlainMessages } from '../model/plain-messages-json.js';
import { emitModelCall, prefixedParameters } from './model-call-events.js';
import { emitOperation } from './operation-event.js';
import { toolDecisionPayload } from './tool-decision-payload.js';
import type { SpanConverter, SpanEventBuilder } from './span-converter.js';
import { durationMillis, parseJson, readJson, readJsonValue, readString, readStringArray } from '../model/span-reader.js';
import { readGenAiTokenCounts } from './token-usage.js';

/** The model is its own field, not a request parameter. */
const NOT_PARAMETERS: ReadonlySet<string> = new Set([GEN_AI_REQUEST_MODEL]);
const MODEL_CALL_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content']);

export const genAiConverter: SpanConverter = {
  name: 'opentelemetry-genai',
  // A content-event span (v1.26–1.27) reaches here only when no vendor convention claimed it.
  matches: (span) => typeof span.attributes[GEN_AI_OPERATION_NAME] === 'string' || hasContentEvents(span),
  convert(span, out) {
    const operation = operationOf(span);
    if (MODEL_CALL_OPERATIONS.has(operation)) convertModelCall(span, operation, out);
    else if (operation === OPERATION_EXECUTE_TOOL) convertToolCall(span, out);
    else convertOtherOperation(span, operation, out);
  },
};

function convertModelCall(span: ReadableSpan, operation: string, out: SpanEventBuilder): void {
  const a = span.attributes;
  // Instrumentations that write content only as log records (the official
  // OpenAI one): auditLogRecordProcessor(audit) kept it for this span.
  const { traceId, spanId } = span.spanContext();
  const logged = out.logContent?.peek(traceId, spanId);
  // A failed call produced no completion (its outcome is the error event): its output is not read.
  const failed = span.status.code === SpanStatusCode.ERROR;
  emitModelCall(span, out, {
    operation,
    model: readString(a, GEN_AI_REQUEST_MODEL),
    responseModel: readString(a, GEN_AI_RESPONSE_MODEL),
    provider: readString(a, GEN_AI_PROVIDER_NAME) ?? readString(a, GEN_AI_SYSTEM),
    inputMessages: readMessages(a, GEN_AI_INPUT_MESSAGES) ?? logged?.input ?? readContentEvent(span, 'prompt'),
    systemInstructions: readJson(a, GEN_AI_SYSTEM_INSTRUCTIONS) ?? logged?.systemInstructions,
    parameters: prefixedParameters(a, GEN_AI_REQUEST_PREFIX, NOT_PARAMETERS),
    outputMessages: failed ? undefined : (readMessages(a, GEN_AI_OUTPUT_MESSAGES) ?? logged?.output ?? readContentEvent(span, 'completion')),
    finishReasons: readStringArray(a, GEN_AI_RESPONSE_FINISH_REASONS),
    responseId: readString(a, GEN_AI_RESPONSE_ID),
    tokens: readGenAiTokenCounts(a),
  });
}

/** A messages attribute: the common text-only form read quickly, anything else parsed as JSON. */
function readMessages(attributes: Attributes, key: string): unknown {
  const value = attributes[key];
  return typeof value === 'string' ? (readPlainMessages(value) ?? parseJson(value)) : value;
}

function convertToolCall(span: ReadableSpan, out: SpanEventBuilder): void {
  const a = span.attributes;
  out.emit('tool_call', 'tool_call', span.startTime, {
    tool_name: readString(a, GEN_AI_TOOL_NAME) ?? toolNameFromSpanName(span.name),
    tool_call_id: readString(a, GEN_AI_TOOL_CALL_ID),
    tool_type: readString(a, GEN_AI_TOOL_TYPE) ?? mcpToolType(a),
    mcp_server: readString(a, AUDIT_MCP_SERVER_NAME),
    // GenAI defines both as JSON: a result 1 is the number 1.
    arguments: readJsonValue(a, GEN_AI_TOOL_CALL_ARGUMENTS),
    result: readJsonValue(a, GEN_AI_TOOL_CALL_RESULT),
    status: span.status.code === SpanStatusCode.ERROR ? 'error' : 'ok',
    duration_ms: durationMillis(span.startTime, span.endTime),
    decision: toolDecisionPayload(a),
  });
}

/** `invoke_agent` below the session, `embeddings`, `retrieval`, …: structure worth a `custom` event. */
function convertOtherOperation(span: ReadableSpan, operation: string, out: SpanEventBuilder): void {
  emitOperation(span, out, `gen_ai.${operation}`, readString(span.attributes, GEN_AI_REQUEST_MODEL));
}

/** The operation; a span without one (GenAI v1.26, known by its content events) is a chat. */
function operationOf(span: ReadableSpan): string {
  const operation = span.attributes[GEN_AI_OPERATION_NAME];
  return typeof operation === 'string' ? operation : OPERATION_CHAT;
}

const TOOL_SPAN_NAME_PREFIXES = ['execute_tool ', 'tools/call '];

/** `execute_tool {tool}` (GenAI) or `tools/call {tool}` (MCP) → `{tool}`; any other name as it is. */
function toolNameFromSpanName(name: string): string {
  for (const prefix of TOOL_SPAN_NAME_PREFIXES) {
    if (name.startsWith(prefix) && name.length > prefix.length) return name.slice(prefix.length);
  }
  return name;
}

/** An MCP `tools/call` span (MCP semantic conventions) says so in `tool_type`. */
function mcpToolType(attributes: Attributes): string | undefined {
  return attributes[MCP_METHOD_NAME] === 'tools/call' ? 'mcp' : undefined;
}
