/**
 * The OTel span each OpenAI Agents SDK span becomes, with the attributes our
 * helpers write (GenAI conventions), so the one GenAI converter reads them:
 * an `agent` span as `invoke_agent {agent}`; a `generation` (Chat
 * Completions) or `response` (Responses API) as a `chat {model}` CLIENT span
 * with the request's messages, the answer, tokens, response model and id,
 * provider `openai`; a `function` as `execute_tool {name}` with its
 * arguments, result, call id and failure; a `handoff`, `guardrail` or
 * `custom` span as a short span carrying one `custom` event (`handoff`
 * naming both agents, `guardrail` with `triggered`, the custom span's own
 * name and data). The SDK's `task` is the run itself (agents-trace-processor.ts);
 * `turn`, `mcp_tools`, speech and transcription spans get no span: what
 * runs in them goes to the span around them.
 *
 * Spans are started and ended at the times the SDK measured (its ISO
 * times), which is also what lets a framework call be matched to the
 * client's span of the same call when this processor is called after another
 * (pipeline/framework-calls.ts). Content is written only at the end, under
 * the recording policy the audit processors stamped on the span at its start.
 */
import { SpanKind, SpanStatusCode, type Attributes, type Context, type HrTime, type Span } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  AUDIT_CARRIER_SPAN,
  AUDIT_EVENT_PAYLOAD,
  AUDIT_FRAMEWORK_PLUMBING,
  AUDIT_RECORDED,
  ERROR_TYPE,
  GEN_AI_AGENT_NAME,
  GEN_AI_OPERATION_NAME,
  GEN_AI_PROVIDER_NAME,
  GEN_AI_RESPONSE_ID,
  GEN_AI_TOOL_CALL_ARGUMENTS,
  GEN_AI_TOOL_CALL_ID,
  GEN_AI_TOOL_CALL_RESULT,
  GEN_AI_TOOL_NAME,
  GEN_AI_TOOL_TYPE,
  OPERATION_CHAT,
  OPERATION_EXECUTE_TOOL,
  OPERATION_INVOKE_AGENT,
} from '../model/attributes.js';
import { auditNow } from '../model/clock.js';
import type { RecordingPolicy } from '../model/recording-policy.js';
import { toSafeJson } from '../model/safe-json.js';
import { truncateText } from '../model/truncate-text.js';
import { member, nonEmptyText } from '../model/foreign-value.js';
import type { AgentsSpanView } from './agents-trace-shapes.js';
import type { RequestedToolCalls } from './agents-tool-call-ids.js';
import { writeResult } from './llm-call-handle.js';
import { promptAttributes, readLLMCallInput } from './llm-call-input.js';
import type { LLMResult } from './llm-result.js';
import { policyOf } from './policy-of.js';
import { RecordingProblems } from './recording-problems.js';
import { startSpanAt } from './run-in-span.js';
import { toolValueJson } from './tool-call.js';
import { parseJson } from '../model/span-reader.js';
import { agentsTracer } from './tracer.js';

const HELPER = 'auditAgentsTraceProcessor';
/** The SDK's model classes that write generation and response spans are OpenAI's (`@openai/agents-openai`). */
const PROVIDER = 'openai';

/** Where an SDK span starts: under which OTel span (as a context), and the agent it runs under. */
export interface AgentsSpanPlace {
  readonly parent: Context;
  readonly agent: string | undefined;
  /** True for the first agent of its run: the agent the run started with is the run itself (no event). */
  readonly firstAgent: boolean;
  /** The earliest it may start: just after its run's span, which starts on our clock, not the SDK's millisecond one. */
  readonly notBefore: HrTime;
}

/**
 * The OTel span `view` starts, or undefined for SDK spans that get none
 * (`task`, `turn`, `mcp_tools`, speech, transcription, types we do not know).
 *
 * @example
 * const span = startAgentsSpan(readAgentsSpan(sdkSpan), { parent, agent: 'weather-agent', firstAgent: false, notBefore: justAfter(runStart) });
 */
export function startAgentsSpan(view: AgentsSpanView, place: AgentsSpanPlace): Span | undefined {
  const startTime = laterOf(hrTimeOf(view.startedAtMillis), place.notBefore);
  const agent: Attributes = place.agent === undefined ? {} : { [GEN_AI_AGENT_NAME]: place.agent };
  const start = (name: string, kind: SpanKind, attributes: Attributes) => startSpanAt(name, { kind, attributes: { ...agent, ...attributes }, startTime }, place.parent, agentsTracer());
  const { data } = view;
  switch (view.type) {
    case 'agent': {
      const name = nonEmptyText(data.name) ?? 'agent';
      return start(`${OPERATION_INVOKE_AGENT} ${name}`, SpanKind.INTERNAL, {
        [GEN_AI_OPERATION_NAME]: OPERATION_INVOKE_AGENT,
        [GEN_AI_AGENT_NAME]: name,
        ...(place.firstAgent && { [AUDIT_FRAMEWORK_PLUMBING]: true }),
      });
    }
    case 'generation':
    case 'response': {
      // The model is often set just after the span started: the name is completed at the end.
      const model = nonEmptyText(data.model);
      return start(model === undefined ? OPERATION_CHAT : `${OPERATION_CHAT} ${model}`, SpanKind.CLIENT, { [GEN_AI_OPERATION_NAME]: OPERATION_CHAT, [GEN_AI_PROVIDER_NAME]: PROVIDER });
    }
    case 'function': {
      const name = nonEmptyText(data.name) ?? 'tool';
      return start(`${OPERATION_EXECUTE_TOOL} ${name}`, SpanKind.INTERNAL, { [GEN_AI_OPERATION_NAME]: OPERATION_EXECUTE_TOOL, [GEN_AI_TOOL_NAME]: name, [GEN_AI_TOOL_TYPE]: 'function' });
    }
    case 'handoff':
    case 'guardrail':
    case 'custom':
      return start(carrierName(view), SpanKind.INTERNAL, { [AUDIT_CARRIER_SPAN]: true });
    default:
      return undefined;
  }
}

/**
 * Writes what `view` (the SDK span as it ended) holds onto `span` and ends
 * it; `toolCalls` are the calls the run's model asked for (a generation adds
 * to them, a function span takes its id from them). What cannot be read is
 * noted on the span (`audit.recording.problem`), never thrown.
 *
 * Returns the time it ended at.
 *
 * @example
 * endAgentsSpan(span, readAgentsSpan(sdkSpan), toolCalls);
 */
export function endAgentsSpan(span: Span, view: AgentsSpanView, toolCalls: RequestedToolCalls): HrTime {
  const problems = new RecordingProblems(HELPER);
  // Never before its start, which may have been moved to just after its run's.
  const started = (span as Partial<Pick<ReadableSpan, 'startTime'>>).startTime;
  const endTime = started === undefined ? hrTimeOf(view.endedAtMillis) : laterOf(hrTimeOf(view.endedAtMillis), started);
  try {
    const policy = policyOf(span);
    problems.attempt(view.type, () => writeEnd(span, view, policy, toolCalls, problems));
    if (view.error !== undefined && span.isRecording()) failSpan(span, view.error, policy);
    problems.bind(span);
  } finally {
    span.end(endTime);
  }
  return endTime;
}

/** Fails `span` with the SDK's error: its words (`data.error`) only when content may be recorded, as for tool results. */
export function failSpan(span: Span, error: NonNullable<AgentsSpanView['error']>, policy: RecordingPolicy): void {
  const { message, detail } = error;
  span.setAttribute(ERROR_TYPE, (detail && /^([A-Za-z_$][\w$]*): /.exec(detail)?.[1]) ?? 'Error');
  const said = detail !== undefined && policy.captureContent ? `${message}: ${detail}` : message;
  span.setStatus({ code: SpanStatusCode.ERROR, message: truncateText(said, policy.maxContentLength) });
}

function writeEnd(span: Span, view: AgentsSpanView, policy: RecordingPolicy, toolCalls: RequestedToolCalls, problems: RecordingProblems): void {
  const { data } = view;
  switch (view.type) {
    case 'generation': {
      const output = Array.isArray(data.output) ? (data.output as unknown[]) : [];
      writeModelCall(span, { model: nonEmptyText(data.model), messages: data.input, parameters: modelParameters(data.model_config) }, output[0], usageOf(data.usage), policy, problems);
      toolCalls.requested(output);
      return;
    }
    case 'response': {
      const response = data._response;
      const input = data._input;
      const model = nonEmptyText(member(response, 'model'));
      writeModelCall(span, { model, ...(typeof input === 'string' ? { prompt: input } : { messages: input }) }, response, {}, policy, problems);
      const id = nonEmptyText(data.response_id);
      if (id !== undefined && span.isRecording()) span.setAttribute(GEN_AI_RESPONSE_ID, id);
      toolCalls.requested(response);
      return;
    }
    case 'function':
      writeToolCall(span, view, policy, toolCalls);
      return;
    case 'handoff':
    case 'guardrail':
    case 'custom':
      span.updateName(carrierName(view));
      addCustomEvent(span, view, policy);
      return;
    default:
      return;
  }
}

interface ModelRequest {
  readonly model: string | undefined;
  readonly messages?: unknown;
  readonly prompt?: unknown;
  readonly parameters?: Record<string, unknown>;
}

function writeModelCall(span: Span, request: ModelRequest, result: unknown, usage: LLMResult, policy: RecordingPolicy, problems: RecordingProblems): void {
  const input = readLLMCallInput({ ...request, provider: PROVIDER }, problems);
  if (input.model !== undefined) span.updateName(`${input.operation} ${input.model}`);
  span.setAttributes(input.startAttributes);
  problems.attempt('messages', () => span.setAttributes(promptAttributes(input, policy, problems)));
  // The SDK's own usage counts only where the API's answer is missing (its values win otherwise).
  writeResult(span, result, result === undefined ? usage : {}, policy, problems);
}

function writeToolCall(span: Span, view: AgentsSpanView, policy: RecordingPolicy, toolCalls: RequestedToolCalls): void {
  const { data } = view;
  const name = nonEmptyText(data.name);
  const input = typeof data.input === 'string' ? data.input : undefined;
  const callId = name === undefined ? undefined : toolCalls.take(name, input);
  if (callId !== undefined) span.setAttribute(GEN_AI_TOOL_CALL_ID, callId);
  if (!policy.captureContent) return;
  if (input !== undefined && input !== '') span.setAttribute(GEN_AI_TOOL_CALL_ARGUMENTS, toolValueJson(parseJson(input), policy.maxContentLength));
  // A failed tool's output is what the model was told (the SDK's errorFunction): recorded as its result too.
  if (typeof data.output === 'string' && data.output !== '') span.setAttribute(GEN_AI_TOOL_CALL_RESULT, toolValueJson(parseJson(data.output), policy.maxContentLength));
}

function addCustomEvent(span: Span, view: AgentsSpanView, policy: RecordingPolicy): void {
  const { data } = view;
  const [name, payload] =
    view.type === 'handoff'
      ? ['handoff', { from_agent: nonEmptyText(data.from_agent), to_agent: nonEmptyText(data.to_agent) }]
      : view.type === 'guardrail'
        ? ['guardrail', { guardrail: nonEmptyText(data.name), triggered: data.triggered === true }]
        : [nonEmptyText(data.name) ?? 'custom', data.data ?? {}];
  span.addEvent(name, { [AUDIT_EVENT_PAYLOAD]: toSafeJson(payload, policy.maxContentLength), [AUDIT_RECORDED]: true }, hrTimeOf(view.endedAtMillis));
}

function carrierName(view: AgentsSpanView): string {
  const { data } = view;
  if (view.type === 'handoff') return [nonEmptyText(data.from_agent), nonEmptyText(data.to_agent)].every((a) => a !== undefined) ? `handoff ${String(data.from_agent)} → ${String(data.to_agent)}` : 'handoff';
  if (view.type === 'guardrail') return `guardrail ${nonEmptyText(data.name) ?? ''}`.trimEnd();
  return nonEmptyText(data.name) ?? 'custom';
}

/** The request settings the SDK traced (`model_config`) as request parameters; `base_url` is where, not how. */
function modelParameters(config: unknown): Record<string, unknown> | undefined {
  if (config === null || typeof config !== 'object') return undefined;
  const { base_url: _where, ...parameters } = config as Record<string, unknown>;
  return parameters;
}

function usageOf(usage: unknown): LLMResult {
  const count = (name: string) => {
    const value = member(usage, name);
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  };
  const inputTokens = count('input_tokens');
  const outputTokens = count('output_tokens');
  return { ...(inputTokens !== undefined && { inputTokens }), ...(outputTokens !== undefined && { outputTokens }) };
}

/**
 * An SDK time (ms) as span time; the current time when the SDK gave none.
 *
 * @example
 * hrTimeOf(Date.parse('2026-12-07T03:15:07.495Z')); // [1796613307, 495000000]
 */
export function hrTimeOf(millis: number | undefined): HrTime {
  if (millis === undefined) return auditNow();
  return [Math.floor(millis / 1000), Math.round((millis % 1000) * 1e6)];
}

/** The later of two times. */
export function laterOf(a: HrTime, b: HrTime): HrTime {
  return a[0] > b[0] || (a[0] === b[0] && a[1] >= b[1]) ? a : b;
}

/**
 * One microsecond after `time`: the SDK's times have a resolution of 1 ms
 * and come from another clock than the run's span, so a span of the run is
 * kept strictly inside it (events of equal times would have no order).
 *
 * @example
 * justAfter([1796613307, 999_999_500]); // [1796613308, 500]
 */
export function justAfter(time: HrTime): HrTime {
  const nanos = time[1] + 1000;
  return nanos >= 1e9 ? [time[0] + 1, nanos - 1e9] : [time[0], nanos];
}
