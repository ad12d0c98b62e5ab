/**
 * What the audit span processor learns about a span while it runs, worked
 * out again from finished spans, for spans that reached the gateway from an
 * app with no audit processor (pipeline/audit-span-processor.ts does it in
 * process, at each span's start):
 *
 * - **Session identity** on spans of other libraries inside a session. A
 *   `withSession` always roots a trace of its own (record/session.ts), so the
 *   trace is the session: its root (`audit.session.root`) or any of our
 *   helpers' spans in it (stamped from the session in the context) names it,
 *   in this request or an earlier one. Outside `withSession`, a framework's
 *   run becomes the session of the spans under it, found through their
 *   parents (the run is marked as the session's root, as `runSession` does).
 * - **One model call, one pair of events**: a model-call span inside another
 *   (no tool or agent span between them) is marked recorded by the outermost
 *   one (`audit.model_call.recorded_by`), as `ModelCallTracker` marks it.
 * - **A framework's model call and the client's span of it** (no parent link
 *   between them): framework-call-matching.ts.
 * - **Errors already reported** by a child (`ReportedErrors`, fed children
 *   before parents, as spans end).
 *
 * Parents are found among the spans of the same request and a bounded memory
 * of earlier ones. A child sent in an earlier request than its parent (its
 * parent ended more than one batch later) cannot learn from it: the SDK
 * exports spans as they end, children first. See the gateway's README section.
 */
import type { Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { AUDIT_MODEL_CALL_RECORDED_BY, AUDIT_RECORDED_BY_SCOPE, AUDIT_SESSION_ROOT, GEN_AI_AGENT_ID, GEN_AI_AGENT_NAME, GEN_AI_CONVERSATION_ID } from '../model/attributes.js';
import { agentNameOf, agentRunOf } from '../model/agent-run-span.js';
import { startsAsModelCall, startsOwnScope } from '../model/model-call-span.js';
import { missingSessionAttributes, type SessionIdentity } from '../model/session-context.js';
import { TRACER_NAME } from '../model/version.js';
import { ReportedErrors } from '../pipeline/reported-errors.js';
import { withAttributes } from '../pipeline/span-view.js';
import { matchFrameworkCalls, type FrameworkMatches } from './framework-call-matching.js';
import type { SpanPlace } from './span-place.js';

/** How many spans' places, and traces' sessions, are remembered across requests (oldest forgotten first). */
const MAX_REMEMBERED = 8192;

type Place = SpanPlace;

/**
 * Stitches finished spans, request by request. One per gateway: it remembers
 * what earlier requests said.
 *
 * @example
 * exporter.export(stitcher.stitch(receivedSpans(request)), done);
 */
export class FinishedSpanStitcher {
  private readonly places = new Map<string, Place>();
  private readonly traceSessions = new Map<string, SessionIdentity>();
  private readonly reportedErrors = new ReportedErrors();

  /**
   * The spans as the audit processor would have handed them to its exporter:
   * views with the attributes it would have set, in the order they ended
   * (children before parents).
   */
  stitch(spans: readonly ReadableSpan[]): ReadableSpan[] {
    const byId = new Map<string, ReadableSpan>();
    for (const span of spans) byId.set(spanKey(span.spanContext().traceId, span.spanContext().spanId), span);
    for (const span of spans) this.learnTraceSession(span);
    const computed = new Map<string, Place>();
    const placeOf = (span: ReadableSpan, depth: number): Place => {
      const { traceId, spanId } = span.spanContext();
      const id = spanKey(traceId, spanId);
      const known = computed.get(id) ?? this.places.get(id);
      if (known !== undefined) return known;
      // By trace and span id: a span id alone would let one app's span claim another trace's session.
      const parentId = span.parentSpanContext === undefined ? undefined : spanKey(span.parentSpanContext.traceId, span.parentSpanContext.spanId);
      const parentSpan = parentId === undefined ? undefined : byId.get(parentId);
      // A cycle or a pathological depth cannot come from the SDK; stop rather than overflow the stack.
      const parent = parentSpan !== undefined && depth < 256 ? placeOf(parentSpan, depth + 1) : parentId === undefined ? undefined : this.places.get(parentId);
      const place = this.placeFor(span, parent);
      computed.set(id, place);
      return place;
    };
    const ended = [...spans].sort((a, b) => compareTime(a.endTime, b.endTime));
    const matches = matchFrameworkCalls(ended, (span) => placeOf(span, 0));
    return ended.map((span) => {
      const own = placeOf(span, 0);
      this.remember(spanKey(span.spanContext().traceId, span.spanContext().spanId), own);
      return this.view(span, own, matches, (framework) => placeOf(framework, 0));
    });
  }

  /** The place a span passes on, from its parent's. */
  private placeFor(span: ReadableSpan, parent: Place | undefined): Place {
    const { traceId, spanId } = span.spanContext();
    const a = span.attributes;
    const traceSession = this.traceSessions.get(traceId);
    // A withSession root is the session its children are in; a framework's run outside any session becomes one.
    const run = traceSession === undefined && parent?.session === undefined ? runSession(span) : undefined;
    const session = rootIdentity(span) ?? traceSession ?? parent?.session ?? run;
    const agent = agentNameOf(a, { name: span.name, scope: span.instrumentationScope?.name }) ?? parent?.agent;
    let call: string | undefined;
    if (startsOwnScope(span.name, a)) call = undefined;
    else if (parent?.call !== undefined) call = parent.call;
    else if (startsAsModelCall(span.name, a)) call = spanId;
    // The session it started in is its parent's (or, for a run made the session, its own).
    const startedIn = traceSession ?? parent?.session ?? run;
    return { session, agent, call, startedIn, startAgent: parent?.agent, runRoot: run !== undefined && a[AUDIT_SESSION_ROOT] !== true };
  }

  /** The view the processor's exporter would see: session stamps, the call marks, the run's root mark, reported errors. */
  private view(span: ReadableSpan, own: Place, matches: FrameworkMatches, placeOf: (span: ReadableSpan) => Place): ReadableSpan {
    const { spanId } = span.spanContext();
    const a = span.attributes;
    const added: Attributes = {};
    if (own.runRoot) added[AUDIT_SESSION_ROOT] = true;
    if (own.startedIn !== undefined) Object.assign(added, missingSessionAttributes(acting(own.startedIn, own.startAgent), a));
    const recordedBy = matches.recordedBy.get(spanId);
    const framework = matches.frameworkOf.get(spanId);
    if (framework !== undefined) {
      // The client's span of a framework's call stands in that call's session, under its agent (model-call-tracker.ts `inFrameworkSession`).
      const theirs = placeOf(framework);
      const session = own.startedIn ?? theirs.startedIn;
      if (session !== undefined) Object.assign(added, missingSessionAttributes(acting(session, theirs.startAgent ?? own.startAgent), { ...a, ...added }));
    }
    const insideCall = recordedBy !== undefined || (own.call !== undefined && own.call !== spanId);
    if (a[AUDIT_MODEL_CALL_RECORDED_BY] === undefined) {
      if (recordedBy !== undefined) added[AUDIT_MODEL_CALL_RECORDED_BY] = recordedBy;
      else if (insideCall && startsAsModelCall(span.name, a)) added[AUDIT_MODEL_CALL_RECORDED_BY] = own.call as string;
    }
    const view = Object.keys(added).length === 0 ? span : withAttributes(span, added);
    return this.reportedErrors.onEnd(view, insideCall);
  }

  /** A trace's session, told by its root or by one of our helpers' spans (stamped from the session in the context). */
  private learnTraceSession(span: ReadableSpan): void {
    const { traceId } = span.spanContext();
    const fromRoot = rootIdentity(span);
    if (fromRoot !== undefined && span.parentSpanContext === undefined) return this.rememberTrace(traceId, fromRoot);
    if (this.traceSessions.has(traceId) || span.instrumentationScope?.name !== TRACER_NAME) return;
    const identity = identityOf(span.attributes);
    if (identity !== undefined) this.rememberTrace(traceId, identity);
  }

  private rememberTrace(traceId: string, session: SessionIdentity): void {
    this.traceSessions.delete(traceId);
    this.traceSessions.set(traceId, session);
    if (this.traceSessions.size > MAX_REMEMBERED) this.traceSessions.delete(this.traceSessions.keys().next().value as string);
  }

  private remember(key: string, place: Place): void {
    this.places.set(key, place);
    if (this.places.size > MAX_REMEMBERED) this.places.delete(this.places.keys().next().value as string);
  }
}

/** Under a framework's agent span, the agent it names is the one acting. */
function acting(session: SessionIdentity, agent: string | undefined): SessionIdentity {
  return agent !== undefined && agent !== session.agentName ? { ...session, agentName: agent } : session;
}

/** The session a `withSession` root (ours: `audit.session.root` with its identity) stands for. */
function rootIdentity(span: ReadableSpan): SessionIdentity | undefined {
  return span.attributes[AUDIT_SESSION_ROOT] === true ? identityOf(span.attributes) : undefined;
}

function identityOf(a: Attributes): SessionIdentity | undefined {
  const sessionId = a[GEN_AI_CONVERSATION_ID];
  const agentName = a[GEN_AI_AGENT_NAME];
  if (typeof sessionId !== 'string' || typeof agentName !== 'string') return undefined;
  const agentId = a[GEN_AI_AGENT_ID];
  return { sessionId, agentName, ...(typeof agentId === 'string' && { agentId }) };
}

/** The processor's `runSession`: a framework's run outside any session, named by its conversation id or by its span. */
function runSession(span: ReadableSpan): SessionIdentity | undefined {
  // A bridge's span of a run ours records (marked by the processor in the app) stands for no session.
  if (span.attributes[AUDIT_RECORDED_BY_SCOPE] !== undefined) return undefined;
  const run = agentRunOf(span.name, span.attributes, span.instrumentationScope?.name);
  if (run === undefined) return undefined;
  const { traceId, spanId } = span.spanContext();
  return { sessionId: run.sessionId ?? `${traceId}-${spanId}`, agentName: run.agentName ?? span.name };
}

function compareTime(a: readonly [number, number], b: readonly [number, number]): number {
  return a[0] - b[0] || a[1] - b[1];
}

/** The key of a remembered span: its trace id and span id together. */
function spanKey(traceId: string, spanId: string): string {
  return `${traceId}:${spanId}`;
}
