/**
 * OpenInference (Arize; semantic conventions JS 2.x), detected by
 * `openinference.span.kind`: `LLM` → prompt + completion, `TOOL` → tool_call
 * (a handoff of the OpenAI Agents bridge → custom `openinference.handoff`),
 * every other kind (AGENT, CHAIN, RETRIEVER, EMBEDDING, RERANKER, GUARDRAIL,
 * EVALUATOR, PROMPT) → custom, an agent's with its name, a guardrail's with
 * whether it tripped. Frameworks' plumbing spans never get here
 * (framework-structure.ts). OpenInference sets status OK on success; only
 * ERROR matters here.
 */
import type { Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { emitModelCall, type ModelCall } from './model-call-events.js';
import { readIndexedMessages, readRawInput, readRawOutput } from './openinference-messages.js';
import { emitOperation } from './operation-event.js';
import type { SpanConverter, SpanEventBuilder } from './span-converter.js';
import { isJsonObject, readJson, readNumber, readString } from '../model/span-reader.js';
import { emitToolCall } from './tool-call-event.js';
import { readToolMessage } from './langchain-tool-message.js';
import { agentNameOf } from '../model/agent-run-span.js';
import { mcpToolResult } from '../model/mcp-tool-result.js';

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
    // An agent with no parent agent is the run itself — the session, or inside
    // one — and no event; a sub-agent (handed over to, or called) is one.
    else if (kind === 'AGENT' && operationFields(span.attributes, kind) === undefined) return;
    else emitOperation(span, out, `openinference.${kind.toLowerCase()}`, readString(span.attributes, MODEL_NAME) ?? readString(span.attributes, 'embedding.model_name'), operationFields(span.attributes, kind));
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
    provider: (readString(a, 'llm.provider') ?? readString(a, 'llm.system') ?? langChainProvider(a))?.toLowerCase(),
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
      cacheWrite: readNumber(a, `${TOKENS}prompt_details.cache_write`),
      reasoning: readNumber(a, `${TOKENS}completion_details.reasoning`),
    },
  };
}

function convertTool(span: ReadableSpan, out: SpanEventBuilder): void {
  const a = span.attributes;
  const name = readString(a, 'tool.name') ?? span.name;
  if (name.startsWith(HANDOFF_PREFIX)) {
    emitHandoff(span, out);
    return;
  }
  const output = readJson(a, OUTPUT_VALUE);
  // LangChain's tools return a ToolMessage: the result and call id are inside.
  const message = readToolMessage(output);
  emitToolCall(span, out, {
    name,
    callId: readString(a, 'tool_call.id') ?? readString(a, 'tool.id') ?? message?.callId,
    arguments: readJson(a, INPUT_VALUE),
    result: message === undefined ? mcpToolResult(output) : message.content,
  });
}

/** The OpenAI Agents bridge writes a handoff as a TOOL span named `handoff_to_<agent>`. */
const HANDOFF_PREFIX = 'handoff_to_';

function emitHandoff(span: ReadableSpan, out: SpanEventBuilder): void {
  const from = readJson(span.attributes, INPUT_VALUE);
  const to = readJson(span.attributes, OUTPUT_VALUE);
  const field = (value: unknown, key: string) => (isJsonObject(value) && typeof value[key] === 'string' ? value[key] : undefined);
  emitOperation(span, out, 'openinference.handoff', undefined, {
    from_agent: field(from, 'from_agent'),
    to_agent: field(to, 'to_agent') ?? readString(span.attributes, 'tool.name')?.slice(HANDOFF_PREFIX.length),
  });
}

/** What a custom operation event adds by kind: the agent an AGENT span names, a guardrail's name and verdict. */
function operationFields(a: Attributes, kind: string): Record<string, unknown> | undefined {
  if (kind === 'AGENT') {
    // Only a sub-agent (one agent handing over to or calling another) is an event of its own.
    const agent = agentNameOf(a);
    const parent = readString(a, 'graph.node.parent_id');
    return agent === undefined || parent === undefined ? undefined : { agent: agent, parent_agent: parent };
  }
  if (kind === 'GUARDRAIL') {
    const triggered = a['guardrail.triggered'];
    return { guardrail: readString(a, 'tool.name') ?? readString(a, 'guardrail.name'), triggered: typeof triggered === 'boolean' ? triggered : undefined };
  }
  return undefined;
}

/** LangChain's tracer writes no `llm.provider`; its run metadata names one (`ls_provider`). */
function langChainProvider(a: Attributes): string | undefined {
  const metadata = readJson(a, 'metadata');
  const provider = metadata !== null && typeof metadata === 'object' ? (metadata as Record<string, unknown>)['ls_provider'] : undefined;
  return typeof provider === 'string' && provider !== '' ? provider : undefined;
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
