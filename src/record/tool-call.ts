import { context, SpanKind, type Attributes, type Span } from '@opentelemetry/api';
import {
  GEN_AI_OPERATION_NAME,
  GEN_AI_TOOL_CALL_ARGUMENTS,
  GEN_AI_TOOL_CALL_ID,
  GEN_AI_TOOL_CALL_RESULT,
  GEN_AI_TOOL_DESCRIPTION,
  GEN_AI_TOOL_NAME,
  GEN_AI_TOOL_TYPE,
  OPERATION_EXECUTE_TOOL,
} from '../model/attributes.js';
import { resolveToolGate } from '../config/tool-decision-options.js';
import type { RecordingPolicy } from '../model/recording-policy.js';
import { toSafeJson } from '../model/safe-json.js';
import type { ToolDecisionOptions, ToolGate } from '../model/tool-gate.js';
import { policyOf } from './policy-of.js';
import { attributesOption, optionsObject, readOption, requiredText, textOption } from './read-input.js';
import { RecordingProblems } from './recording-problems.js';
import { callUserFunction, runInSpan, type Recorded } from './run-in-span.js';
import { passToolGate } from './tool-gate.js';

/** Optional details of {@link withToolCall}. */
export interface ToolCallOptions {
  /** The id the model gave this call (`gen_ai.tool.call.id`), to join it to the completion that asked for it. */
  callId?: string;
  /** `function`, `extension` or `datastore` (`gen_ai.tool.type`). */
  type?: string;
  description?: string;
  /** Extra span attributes. */
  attributes?: Attributes;
  /**
   * Ask a deciding backend before the tool runs (see `ToolDecisionOptions`),
   * or `false` to skip the setup-wide default for this call. Default: the
   * `toolDecision` given to `setupAudit` / `auditSpanProcessor`, if any.
   * When a decision applies, the result is always a `Promise`.
   */
  decision?: ToolDecisionOptions | false;
}

/** The name recorded for a tool whose name is missing or not text. */
const UNKNOWN_TOOL = 'unknown';

/**
 * Runs one tool execution as an `execute_tool {name}` span carrying the
 * arguments and the result (JSON, cut past the content limit keeping its
 * type). A throw or rejection is recorded and re-thrown unchanged; the span
 * always ends.
 *
 * The span starts with the call's metadata (name, call id, type,
 * description, `attributes`); arguments and result are written after it
 * started, under the recording policy its audit processors gave it.
 *
 * With a `decision` (given here or as the setup's `toolDecision`), the call is
 * first put to the deciding backend; on a block the tool is not run and the
 * returned promise rejects with `AuditBlockedError`.
 *
 * Other arguments of the wrong type, or that throw when read, never fail the
 * call: what can be read is recorded, the rest is marked on the span by an
 * `audit.recording.problem` event (a name that is not text is recorded as
 * `unknown`) and said once through `diag`.
 *
 * @throws {AuditError} `INVALID_OPTION` when `options.decision` names a backend that cannot decide: running the tool unchecked instead would fail open.
 * @throws {TypeError} when `fn` is not a function (recorded on the span first).
 * @example
 * const rows = await withToolCall('search_orders', { customer: 42 }, () => db.searchOrders(42));
 * await withToolCall('wire_money', { to, amount }, () => bank.wire(to, amount), { decision: { backend, failMode: 'closed' } });
 */
export function withToolCall<T>(
  name: string,
  args: unknown,
  fn: (span: Span) => T,
  options: ToolCallOptions & { decision: ToolDecisionOptions },
): Promise<Awaited<T>>;
export function withToolCall<T>(name: string, args: unknown, fn: (span: Span) => T, options?: ToolCallOptions): Recorded<T>;
export function withToolCall<T>(name: string, args: unknown, fn: (span: Span) => T, options?: ToolCallOptions): Recorded<T> | Promise<Awaited<T>> {
  const problems = new RecordingProblems('withToolCall');
  const given = optionsObject(options, problems);
  const decision = readOption(given, 'decision', problems) as ToolDecisionOptions | false | undefined;
  // A gate given here is checked now, before anything runs; the setup's own comes with the span.
  const gate = decision ? resolveToolGate(decision) : decision === false ? false : undefined;
  return runToolCall({ problems, gate, recordResult: recordToolValue }, name, args, fn, given);
}

/** Writes what a tool returned on its span, under the span's recording policy (a throw is caught and logged by the core). */
export type ToolResultRecorder = (span: Span, value: unknown, policy: RecordingPolicy) => void;

/** How a tool-call helper built on {@link runToolCall} differs from another. */
export interface ToolCallRecording {
  /** Where this call's input problems are noted (named after the helper). */
  problems: RecordingProblems;
  /** The call's own gate (already validated), `false` to skip the setup's, undefined for the setup's. */
  gate: ToolGate | false | undefined;
  recordResult: ToolResultRecorder;
}

/**
 * The core of every tool-call helper: `withToolCall`, and `auditMcpClient`'s
 * calls, which record an MCP result their own way. Options other than
 * `decision` are read from `given` (an options object already checked).
 *
 * @example
 * runToolCall({ problems, gate: undefined, recordResult }, 'get_weather', { city }, () => mcp.callTool(params), { type: 'mcp' });
 */
export function runToolCall<T>(recording: ToolCallRecording, name: unknown, args: unknown, fn: (span: Span) => T, given: object | undefined): Recorded<T> | Promise<Awaited<T>> {
  const { problems } = recording;
  const toolName = requiredText(name, 'name', problems) ?? UNKNOWN_TOOL;
  const attributes = startAttributes(toolName, given, problems);
  const parent = context.active();
  let policy: RecordingPolicy | undefined;
  return runInSpan(
    `${OPERATION_EXECUTE_TOOL} ${toolName}`,
    { kind: SpanKind.INTERNAL, attributes },
    parent,
    (span): T | Promise<Awaited<T>> => {
      const current = (policy = policyOf(span));
      const argumentsJson = args !== undefined && current.captureContent ? toolValueJson(args, current.maxContentLength) : undefined;
      if (argumentsJson !== undefined) {
        try {
          span.setAttribute(GEN_AI_TOOL_CALL_ARGUMENTS, argumentsJson);
        } catch (error) {
          problems.noteThrown('arguments', error, 'recording it');
        }
      }
      problems.bind(span);
      const gate = recording.gate === false ? undefined : (recording.gate ?? current.toolGate);
      if (!gate) return callUserFunction(fn, span, problems.helper);
      return (async (): Promise<Awaited<T>> => {
        const asked = argumentsJson === undefined ? attributes : { ...attributes, [GEN_AI_TOOL_CALL_ARGUMENTS]: argumentsJson };
        await passToolGate(span, toolName, asked, gate, parent);
        return await callUserFunction(fn, span, problems.helper);
      })();
    },
    (span, value) => recording.recordResult(span, value, policy ?? policyOf(span)),
  ) as Recorded<T>;
}

/** `withToolCall`'s result: the value as JSON. */
function recordToolValue(span: Span, value: unknown, policy: RecordingPolicy): void {
  if (value !== undefined && policy.captureContent) span.setAttribute(GEN_AI_TOOL_CALL_RESULT, toolValueJson(value, policy.maxContentLength));
}

/** What the span starts with: never content, which waits for the span's policy. */
function startAttributes(toolName: string, given: object | undefined, problems: RecordingProblems): Attributes {
  const attributes: Attributes = {
    ...attributesOption(readOption(given, 'attributes', problems), 'attributes', problems),
    [GEN_AI_OPERATION_NAME]: OPERATION_EXECUTE_TOOL,
    [GEN_AI_TOOL_NAME]: toolName,
  };
  const callId = textOption(given, 'callId', problems);
  if (callId) attributes[GEN_AI_TOOL_CALL_ID] = callId;
  const type = textOption(given, 'type', problems);
  if (type) attributes[GEN_AI_TOOL_TYPE] = type;
  const description = textOption(given, 'description', problems);
  if (description) attributes[GEN_AI_TOOL_DESCRIPTION] = description;
  return attributes;
}

/**
 * A tool's arguments or result as the attribute's JSON text, so that reading
 * it back gives the same type: a string stays as it is (readable in any
 * backend) unless it would read as other JSON — `"1"`, `"true"`, `"{}"` —
 * which is then written quoted; everything else is JSON.
 *
 * @example
 * toolValueJson('1', 1000); // '"1"'
 */
export function toolValueJson(value: unknown, maxLength: number): string {
  const json = toSafeJson(value, maxLength);
  if (typeof value !== 'string') return json;
  try {
    JSON.parse(json);
    return JSON.stringify(json);
  } catch {
    return json;
  }
}

