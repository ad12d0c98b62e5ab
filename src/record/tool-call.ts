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
import { bestEffort } from './best-effort.js';
import { runInSpan, type Recorded } from './run-in-span.js';
import { captureContent } from '../config/content-capture.js';
import { toSafeJson } from '../model/safe-json.js';
import { defaultToolGate, passToolGate, resolveToolGate, type ToolDecisionOptions, type ToolGate } from './tool-gate.js';

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

/**
 * Runs one tool execution as an `execute_tool {name}` span carrying the
 * arguments and the result (JSON, truncated past the content limit). A throw
 * or rejection is recorded and re-thrown unchanged; the span always ends.
 *
 * With a `decision` (given here or as the setup's `toolDecision`), the call is
 * first put to the deciding backend; on a block the tool is not run and the
 * returned promise rejects with `AuditBlockedError`.
 *
 * @throws {AuditError} `INVALID_OPTION` when `options.decision` names a backend that cannot decide.
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
export function withToolCall<T>(
  name: string,
  args: unknown,
  fn: (span: Span) => T,
  options: ToolCallOptions = {},
): Recorded<T> | Promise<Awaited<T>> {
  const gate = toolGate(options.decision);
  const attributes = bestEffort(
    () => toolAttributes(name, args, options),
    (): Attributes => ({ [GEN_AI_OPERATION_NAME]: OPERATION_EXECUTE_TOOL, [GEN_AI_TOOL_NAME]: String(name) }),
  );
  const parent = context.active();
  const spanName = `${OPERATION_EXECUTE_TOOL} ${name}`;
  if (!gate) return runInSpan(spanName, { kind: SpanKind.INTERNAL, attributes }, parent, fn, recordResult);
  return runInSpan<Promise<Awaited<T>>>(
    spanName,
    { kind: SpanKind.INTERNAL, attributes },
    parent,
    async (span): Promise<Awaited<T>> => {
      await passToolGate(span, String(name), attributes, gate, parent);
      return await fn(span);
    },
    recordResult,
  );
}

function recordResult(span: Span, value: unknown): void {
  if (value !== undefined && captureContent()) span.setAttribute(GEN_AI_TOOL_CALL_RESULT, toSafeJson(value));
}

function toolGate(decision: ToolDecisionOptions | false | undefined): ToolGate | undefined {
  if (decision === false) return undefined;
  return decision === undefined ? defaultToolGate() : resolveToolGate(decision);
}

function toolAttributes(name: string, args: unknown, options: ToolCallOptions): Attributes {
  const attributes: Attributes = {
    ...options.attributes,
    [GEN_AI_OPERATION_NAME]: OPERATION_EXECUTE_TOOL,
    [GEN_AI_TOOL_NAME]: name,
  };
  if (args !== undefined && captureContent()) attributes[GEN_AI_TOOL_CALL_ARGUMENTS] = toSafeJson(args);
  if (options.callId) attributes[GEN_AI_TOOL_CALL_ID] = options.callId;
  if (options.type) attributes[GEN_AI_TOOL_TYPE] = options.type;
  if (options.description) attributes[GEN_AI_TOOL_DESCRIPTION] = options.description;
  return attributes;
}
