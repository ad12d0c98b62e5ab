/**
 * One run, one trail, when the OpenAI Agents SDK hands its traces to two
 * bridges at once: our `auditAgentsTraceProcessor` and OpenInference's
 * (`@arizeai/openinference-instrumentation-openai-agents`). Both write a span
 * for every SDK span; recorded twice, each model call and tool would be two
 * events. The rule: while a span of ours (scope `otel-agent-audit/openai-agents`)
 * is open, every span of OpenInference's bridge that starts is recorded by
 * ours — marked `audit.recorded_by_scope`, it makes no events and stands for
 * no session. The SDK hands every trace to every processor it has, so while
 * ours has a run open, the other bridge's spans are of a run ours records too.
 *
 * The other bridge may be called first and start its run's root span before
 * ours started the run (the SDK calls processors in the order they were
 * added): that root is therefore told to be a session only when its first
 * child starts (as runs described after their start are, model/agent-run-span.ts),
 * by when ours has started; the child marks it as recorded by ours too.
 */
import type { Span } from '@opentelemetry/sdk-trace';
import { AUDIT_RECORDED_BY_SCOPE } from '../model/attributes.js';
import { OPENAI_AGENTS_TRACER_NAME } from '../model/version.js';

/** The OpenInference bridge: a TracingProcessor of the SDK writing spans of this scope. */
const OPENINFERENCE_OPENAI_AGENTS = '@arizeai/openinference-instrumentation-openai-agents';
/** Spans of ours followed at most (the newest); our processor ends every span it starts, this only guards the map. */
const MAX_OURS = 8192;

/** The spans of ours open now, and the marking of the other bridge's spans while any is (see the module comment). */
export class AgentsBridgeSpans {
  private readonly ours = new Set<string>();

  /** Called from `onStart` with the span's open parent (if any), before its session is decided. */
  started(span: Span, parent: Span | undefined): void {
    const scope = span.instrumentationScope?.name;
    if (scope === OPENAI_AGENTS_TRACER_NAME) {
      this.ours.add(span.spanContext().spanId);
      if (this.ours.size > MAX_OURS) this.ours.delete(this.ours.values().next().value as string);
      return;
    }
    if (scope !== OPENINFERENCE_OPENAI_AGENTS || this.ours.size === 0) return;
    span.setAttribute(AUDIT_RECORDED_BY_SCOPE, OPENAI_AGENTS_TRACER_NAME);
    // Its root, started before ours (see the module comment).
    if (parent?.instrumentationScope?.name === OPENINFERENCE_OPENAI_AGENTS && parent.attributes[AUDIT_RECORDED_BY_SCOPE] === undefined) {
      parent.setAttribute(AUDIT_RECORDED_BY_SCOPE, OPENAI_AGENTS_TRACER_NAME);
    }
  }

  /** Called from `onEnd`. */
  ended(span: Pick<Span, 'spanContext'>): void {
    this.ours.delete(span.spanContext().spanId);
  }
}

/**
 * True for a span that may stand for a session only once its first child
 * starts: the OpenInference bridge's run root (see the module comment), and
 * any span recorded by ours.
 *
 * @example
 * const session = fromContext ?? place.session ?? (runDecidedLater(span) ? undefined : runSession(span));
 */
export function runDecidedLater(span: Pick<Span, 'instrumentationScope' | 'attributes'>): boolean {
  return span.instrumentationScope?.name === OPENINFERENCE_OPENAI_AGENTS || span.attributes[AUDIT_RECORDED_BY_SCOPE] !== undefined;
}

/** True for a span recorded by spans of ours: it stands for no session, not even later. */
export function isRecordedByOurs(span: Pick<Span, 'attributes'>): boolean {
  return span.attributes[AUDIT_RECORDED_BY_SCOPE] !== undefined;
}
