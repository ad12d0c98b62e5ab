/**
 * The gate a tool call passes before it runs: its `tool_call` event goes to a
 * deciding backend synchronously (Secureagentics' `policy_result`,
 * AgenticAudit's `decision`), and the tool runs only if the verdict allows it.
 * The wait is bounded by a latency budget; without a verdict the explicit
 * fail mode decides. Nothing here blocks the event loop: the caller awaits.
 */
import { context, isSpanContextValid, trace, type Attributes, type Context, type HrTime, type Span } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { randomBytes } from 'node:crypto';
import {
  AUDIT_DECISION,
  AUDIT_DECISION_BACKEND,
  AUDIT_DECISION_FAIL_MODE,
  AUDIT_DECISION_LATE_VERDICT,
  AUDIT_DECISION_REASON,
  AUDIT_MCP_SERVER_NAME,
  GEN_AI_TOOL_CALL_ARGUMENTS,
  GEN_AI_TOOL_CALL_ID,
  GEN_AI_TOOL_TYPE,
} from '../model/attributes.js';
import type { AuditBackend } from '../model/audit-backend.js';
import { backendLabel } from '../model/backend-label.js';
import type { ToolDecision } from '../model/tool-decision.js';
import type { ToolGate } from '../model/tool-gate.js';
import { auditEventId, type AuditEvent } from '../model/audit-event.js';
import { AuditBlockedError } from '../errors.js';
import { hrTimeToIso, readJsonValue } from '../model/span-reader.js';
import { auditNow } from '../model/clock.js';
import { sessionFromContext } from '../model/session-context.js';
import { scrubbedLogger } from '../redact/scrubbed-logger.js';

const log = scrubbedLogger('otel-agent-audit:tool-gate');

/** Backends last seen without a verdict: said once per outage, not per tool call. */
const unavailableBackends = new WeakSet<AuditBackend>();

/**
 * Asks the gate's backend about the tool call `span` records; returns when the
 * tool may run, throws {@link AuditBlockedError} when it must not. The verdict
 * is written on the span either way.
 *
 * @throws {AuditBlockedError} when the backend blocks the call, or gives no verdict under `failMode: 'closed'`.
 * @example
 * await passToolGate(span, 'wire_money', { ...startAttributes, ...contentAttributes }, gate, parent);
 */
export async function passToolGate(span: Span, toolName: string, attributes: Attributes, gate: ToolGate, parent: Context): Promise<void> {
  const asked = toolCallEvent(span, toolName, attributes, parent);
  const event = gate.redact ? gate.redact(asked) : asked;
  const { decision, late } = await decideWithin(gate, event);
  const { backend } = gate;
  span.setAttribute(AUDIT_DECISION, decision.kind);
  // The instance's label: another backend of the same name has not been asked.
  span.setAttribute(AUDIT_DECISION_BACKEND, backendLabel(backend));
  // Always, not only when it applied: the trail shows what would have happened without a verdict.
  span.setAttribute(AUDIT_DECISION_FAIL_MODE, gate.failMode);
  if (decision.reason) span.setAttribute(AUDIT_DECISION_REASON, decision.reason);

  if (decision.kind === 'allow') {
    unavailableBackends.delete(backend);
    return;
  }
  if (decision.kind === 'block') {
    unavailableBackends.delete(backend);
    throw new AuditBlockedError(toolName, backend.name, 'block', decision.reason);
  }
  // Past the budget the request still runs: if it lands while the span is
  // open, the backend holds the call and the exporter must not send it again.
  void late?.then((verdict) => {
    if (verdict.kind === 'unavailable' || !span.isRecording()) return;
    span.setAttribute(AUDIT_DECISION_LATE_VERDICT, verdict.kind);
  });
  if (!unavailableBackends.has(backend)) {
    unavailableBackends.add(backend);
    log.warn(
      `${backend.name} gave no verdict on tool '${toolName}' (${decision.reason}); with failMode '${gate.failMode}' ` +
        `tools ${gate.failMode === 'open' ? 'run unchecked' : 'are refused'} until it answers again. ` +
        `Check the backend's URL and key, or raise the decision timeoutMillis (${gate.timeoutMillis} ms).`,
    );
  }
  if (gate.failMode === 'closed') throw new AuditBlockedError(toolName, backend.name, 'unavailable', decision.reason);
}

/** How long a request may run past the budget, for a late verdict to be recorded. */
const LATE_VERDICT_WINDOW_MILLIS = 2_000;
/** Requests past their budget per backend; more are aborted at the budget (a hung backend must not pile them up). */
const MAX_LATE_REQUESTS = 16;
const lateRequests = new WeakMap<AuditBackend, number>();

/**
 * The verdict, or `unavailable` once the budget is spent, whatever the
 * backend does. Past the budget the request may run a little longer
 * (LATE_VERDICT_WINDOW_MILLIS, at most MAX_LATE_REQUESTS per backend): `late`
 * settles with what it finally said.
 */
async function decideWithin(gate: ToolGate, event: AuditEvent): Promise<{ decision: ToolDecision; late?: Promise<ToolDecision> }> {
  const controller = new AbortController();
  let asked: Promise<ToolDecision>;
  try {
    // The backend's own HTTP call must not become a span (and an audit event) itself.
    asked = context
      .with(suppressTracing(context.active()), () => gate.backend.decide(event, controller.signal))
      .catch((error: unknown) => unavailable(error));
  } catch (error) {
    return { decision: unavailable(error) }; // decide() broke its never-throws contract synchronously
  }
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), gate.timeoutMillis)));
  try {
    const decision = await Promise.race([asked, budget]);
    if (decision) return { decision };
  } finally {
    clearTimeout(timer);
  }
  const noVerdict: ToolDecision = { kind: 'unavailable', reason: `no verdict within ${gate.timeoutMillis} ms` };
  const running = lateRequests.get(gate.backend) ?? 0;
  if (running >= MAX_LATE_REQUESTS) {
    controller.abort();
    return { decision: noVerdict };
  }
  lateRequests.set(gate.backend, running + 1);
  const cutoff = setTimeout(() => controller.abort(), LATE_VERDICT_WINDOW_MILLIS);
  cutoff.unref();
  const late = asked.finally(() => {
    clearTimeout(cutoff);
    lateRequests.set(gate.backend, (lateRequests.get(gate.backend) ?? 1) - 1);
  });
  return { decision: noVerdict, late };
}

function unavailable(error: unknown): ToolDecision {
  return { kind: 'unavailable', reason: `the backend failed: ${error instanceof Error ? error.message : String(error)}` };
}

/**
 * The `tool_call` event the exporter will derive from this span, as known
 * before the tool runs: the same id, so the backend can match the two.
 */
function toolCallEvent(span: Span, toolName: string, attributes: Attributes, parent: Context): AuditEvent {
  // Without a tracer SDK every span context is all zeros: the ids must still tell calls apart.
  const spanContext = span.spanContext();
  const valid = isSpanContextValid(spanContext);
  const traceId = valid ? spanContext.traceId : randomBytes(16).toString('hex');
  const spanId = valid ? spanContext.spanId : randomBytes(8).toString('hex');
  const session = sessionFromContext(parent);
  return {
    id: auditEventId(traceId, spanId, 'tool_call'),
    type: 'tool_call',
    traceId,
    spanId,
    parentSpanId: trace.getSpan(parent)?.spanContext().spanId,
    // The span's start, as the exporter's copy of this event will have it.
    timestamp: hrTimeToIso((span as { startTime?: HrTime }).startTime ?? auditNow()),
    sessionId: session?.sessionId,
    agentName: session?.agentName,
    agentId: session?.agentId,
    payload: {
      tool_name: toolName,
      tool_call_id: attributes[GEN_AI_TOOL_CALL_ID],
      tool_type: attributes[GEN_AI_TOOL_TYPE],
      mcp_server: attributes[AUDIT_MCP_SERVER_NAME],
      arguments: readJsonValue(attributes, GEN_AI_TOOL_CALL_ARGUMENTS), // as the converter reads it
      status: 'pending',
    },
  };
}

