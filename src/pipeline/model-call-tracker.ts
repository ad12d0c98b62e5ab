/**
 * Follows spans from their start, which only a span processor sees, for two
 * things an exporter of finished spans cannot do:
 *
 * - **One call, one pair of events.** A model-call span started inside
 *   another (our `withLLMCall` around an instrumented client, or two
 *   instrumentations of one client) is marked with the outer span's id; the
 *   outer one, the call as the agent made it, records the call. A tool or
 *   agent span starts a scope of its own: a sub-agent's calls inside a tool
 *   are calls of their own.
 * - **Calls whose span never ends.** Some instrumentations never end the span
 *   of a failed call (OpenInference, Traceloop; interop-notes.md), so it is
 *   never exported. A call still open `unfinishedCallTimeoutMillis` after its
 *   session ended (outside a session: after it started), or at shutdown, is
 *   reported as a failed call, never silently lost. Should it end later after
 *   all, its outcome still follows (its prompt is not sent twice).
 *
 * Memory is bounded: at most MAX_OPEN_SPANS spans are followed; past that the
 * oldest span that is not a call is forgotten first.
 */
import { SpanStatusCode, trace, type Context, type HrTime } from '@opentelemetry/api';
import type { ReadableSpan, Span } from '@opentelemetry/sdk-trace';
import { AUDIT_ERROR_RAISED_HERE, AUDIT_MODEL_CALL_RECORDED_BY, AUDIT_MODEL_CALL_REPORTED_UNFINISHED, AUDIT_SESSION_ROOT } from '../model/attributes.js';
import { agentNameOf, isFrameworkRun } from '../model/agent-run-span.js';
import { startsAsModelCall, startsOwnScope } from '../model/model-call-span.js';
import { missingSessionAttributes, type SessionIdentity } from '../model/session-context.js';
import { TRACER_NAME } from '../model/version.js';
import { FrameworkCalls, isFrameworkSpan } from './framework-calls.js';
import { UndecidedFrameworkCalls, type CallPlace } from './undecided-framework-calls.js';
import { modelsDiffer, requestedModel } from './model-call-evidence.js';
import { withAttribute, withAttributes } from './span-view.js';

const MAX_OPEN_SPANS = 8192;
const MAX_ENDED_SESSIONS = 1024;

interface OpenSpan {
  readonly span: Span;
  /** The outermost model call this span is part of (its own id when it is that call); undefined outside calls. */
  call: string | undefined;
  /** When it started, or when its session ended: the clock of the unfinished-call timeout (ms). */
  since: number;
  /**
   * The session it started in (a `withSession`, or a framework's run): timed
   * out only once that session has ended. Set later for a run told only
   * after it started (see {@link ModelCallTracker.sessionlessParent}).
   */
  session: SessionIdentity | undefined;
  /** The agent of the nearest agent span it runs under, when an instrumentation names it. */
  readonly agent: string | undefined;
  /** Set once its session ended while it was open. */
  orphaned: boolean;
  /** Its place in the order spans started in (the SDK's start times have a resolution of 1 ms). */
  readonly order: number;
}

/** Where a starting span belongs (see {@link ModelCallTracker.placeOf}). */
export interface SpanPlace {
  readonly session: SessionIdentity | undefined;
  readonly agent: string | undefined;
}

const NOWHERE: SpanPlace = Object.freeze({ session: undefined, agent: undefined });

export class ModelCallTracker {
  /** Every open (sampled) span by id, oldest first: some instrumentations say a span is a model call only after starting it. */
  private readonly open = new Map<string, OpenSpan>();
  /** Calls reported as unfinished: if they end after all, their prompt is not sent again. */
  private readonly reported = new WeakSet<ReadableSpan>();
  /** Traces whose session has ended (the newest MAX_ENDED_SESSIONS): a call started there later is already orphaned. */
  private readonly endedSessions = new Set<string>();
  /** How many spans have started: the order of each (a double counts exactly past any process's lifetime of spans). */
  private started = 0;
  /** Calls open at the last `beforeExit`: still open at the next one, nothing can end them. */
  private notedAtExit = new Set<string>();
  /** Spans decided while making room, to be converted with the next {@link settle}. */
  private waiting: ReadableSpan[] = [];
  /** Whether spans were held at the last `beforeExit` ({@link atExit}). */
  private heldAtExit = false;

  /** Framework model calls, matched to the LLM-level span of the same call (framework-calls.ts). */
  private readonly frameworkCalls: FrameworkCalls;
  /** LLM-level calls that ended with several framework calls open, waiting for those to end (undecided-framework-calls.ts). */
  private readonly undecided: UndecidedFrameworkCalls;

  constructor(private readonly timeoutMillis: number) {
    this.frameworkCalls = new FrameworkCalls(timeoutMillis);
    this.undecided = new UndecidedFrameworkCalls((span, own, framework) => this.inFrameworkSession(span, own, framework));
  }

  /**
   * Where a starting span belongs, found through the open spans: the
   * session and agent of its parent — how the spans of a framework's run
   * (which knows nothing of `withSession`'s context key) find the session
   * their run stands for.
   */
  placeOf(parentContext: Context): SpanPlace {
    const parentId = trace.getSpanContext(parentContext)?.spanId;
    const parent = parentId === undefined ? undefined : this.open.get(parentId);
    if (parent === undefined) return NOWHERE;
    return { session: parent.session, agent: agentNameOf(parent.span.attributes, { name: parent.span.name, scope: parent.span.instrumentationScope?.name }) ?? parent.agent };
  }

  /** Whether the span `spanId` is open (started here, not yet ended, not forgotten past the bound). */
  isOpen(spanId: string): boolean {
    return this.open.has(spanId);
  }

  /** The open span `parentContext` names, if any. */
  openParent(parentContext: Context): Span | undefined {
    const parentId = trace.getSpanContext(parentContext)?.spanId;
    return parentId === undefined ? undefined : this.open.get(parentId)?.span;
  }

  /**
   * The parent of a starting span when it is open and in no session: a run
   * some instrumentations describe only after starting its span (OpenInference
   * sets every attribute just after the start), so it can be told as a run
   * once its first child starts. {@link adoptSession} then records its session.
   */
  sessionlessParent(parentContext: Context): Span | undefined {
    const parentId = trace.getSpanContext(parentContext)?.spanId;
    const parent = parentId === undefined ? undefined : this.open.get(parentId);
    return parent !== undefined && parent.session === undefined ? parent.span : undefined;
  }

  /** `spanId` (open) turned out to be a run: it and the spans started under it from now on are in `session`. */
  adoptSession(spanId: string, session: SessionIdentity): void {
    const entry = this.open.get(spanId);
    if (entry !== undefined) entry.session = session;
  }

  /** Called from `onStart` with the span's {@link placeOf}; returns calls given up past the memory bound, to be reported. */
  onStart(span: Span, parentContext: Context, session: SessionIdentity | undefined, place: SpanPlace = NOWHERE): ReadableSpan[] {
    const parentId = trace.getSpanContext(parentContext)?.spanId;
    const parent = parentId === undefined ? undefined : this.open.get(parentId);
    const enclosing = parent && parentId !== undefined ? this.callOf(parentId, parent) : undefined;
    const { spanId } = span.spanContext();
    let call: string | undefined;
    if (startsOwnScope(span.name, span.attributes)) call = undefined;
    else if (enclosing !== undefined) {
      call = enclosing;
      // Marked at once when known, so exporters behind other processors see it too.
      if (startsAsModelCall(span.name, span.attributes)) span.setAttribute(AUDIT_MODEL_CALL_RECORDED_BY, enclosing);
    } else if (startsAsModelCall(span.name, span.attributes)) call = spanId;
    // A call started in a session that has already ended (fire-and-forget work) has nothing left to wait for.
    const order = this.started++;
    if (isFrameworkSpan(span)) this.frameworkCalls.started(span, order);
    const orphaned = session !== undefined && this.endedSessions.has(span.spanContext().traceId);
    this.open.set(spanId, { span, call, since: Date.now(), session, agent: place.agent, orphaned, order });
    return this.open.size > MAX_OPEN_SPANS ? this.evict() : [];
  }

  /** Whether `span` (not yet ended) runs inside a model call that an enclosing span records. */
  insideEnclosingCall(span: ReadableSpan): boolean {
    const { spanId } = span.spanContext();
    const call = this.open.get(spanId)?.call;
    return call !== undefined && call !== spanId;
  }

  /**
   * Called from `onEnd`: the span to convert — a view marked as recorded by
   * its enclosing call when it turned out to be a model call inside one, or
   * as already reported when it was given up earlier.
   */
  onEnd(span: ReadableSpan): ReadableSpan {
    const { spanId } = span.spanContext();
    const entry = this.open.get(spanId);
    this.open.delete(spanId);
    const recordedBy = this.frameworkCalls.ended(spanId);
    if (entry !== undefined && this.undecided.isWaitedFor(spanId)) this.undecided.candidateEnded(spanId, entry);
    if (this.reported.has(span)) return withAttribute(span, AUDIT_MODEL_CALL_REPORTED_UNFINISHED, true);
    if (recordedBy !== undefined) return withAttribute(span, AUDIT_MODEL_CALL_RECORDED_BY, recordedBy);
    if (entry !== undefined && this.isLLMLevelCall(spanId, entry)) {
      // Only a framework call of the same session (or of none, where this call has none) can be this call.
      const sameSession = (id: string) => entry.session === undefined || this.open.get(id)?.session?.sessionId === entry.session.sessionId;
      const candidates = this.frameworkCalls.candidates(entry.order, span.startTime, sameSession);
      const [only] = candidates;
      const frameworkId = candidates.length === 1 && only?.startedBefore === true ? only.id : undefined;
      // Otherwise decided once they have ended and said what they asked (see settle).
      if (frameworkId === undefined && candidates.length > 0) this.waiting.push(...this.undecided.wait(spanId, candidates, entry));
      const framework = frameworkId === undefined ? undefined : this.open.get(frameworkId);
      // The one call open may still be another: not when the two name different models.
      const sameModel = framework === undefined || !modelsDiffer(requestedModel(span.attributes), requestedModel(framework.span.attributes));
      if (frameworkId !== undefined && framework !== undefined && sameModel) {
        this.frameworkCalls.claim(spanId, frameworkId);
        // Part of this call now: not reported as unfinished should its span never end.
        framework.call = spanId;
        return this.inFrameworkSession(span, entry, framework);
      }
    }
    const enclosing = entry?.call;
    if (enclosing === undefined || enclosing === spanId || span.attributes[AUDIT_MODEL_CALL_RECORDED_BY] !== undefined) return span;
    return startsAsModelCall(span.name, span.attributes) ? withAttribute(span, AUDIT_MODEL_CALL_RECORDED_BY, enclosing) : span;
  }

  /**
   * Called with the span `onEnd` returned, as it is to be converted: what to
   * convert now. An LLM-level call waiting for its framework candidates, and
   * those candidates, are held until it is decided which (if any) it is.
   */
  settle(view: ReadableSpan): ReadableSpan[] {
    const out = this.undecided.settle(view);
    if (this.waiting.length === 0) return out;
    const decided = this.waiting;
    this.waiting = [];
    return [...decided, ...out];
  }

  /** The session of `traceId` ended: its calls still open get `timeoutMillis` more to end. */
  sessionEnded(traceId: string): void {
    this.endedSessions.add(traceId);
    if (this.endedSessions.size > MAX_ENDED_SESSIONS) this.endedSessions.delete(this.endedSessions.values().next().value as string);
    const now = Date.now();
    for (const entry of this.open.values()) {
      if (entry.span.spanContext().traceId !== traceId || entry.orphaned) continue;
      entry.orphaned = true;
      entry.since = now;
    }
  }

  /** Calls open past the timeout (since their session ended, or since they started outside one), as failed spans ending now. */
  overdue(): ReadableSpan[] {
    const cutoff = Date.now() - this.timeoutMillis;
    // A long call inside a running session is not overdue: only its session's end starts the clock.
    const due = (entry: OpenSpan) => entry.since <= cutoff && (entry.orphaned || entry.session === undefined);
    return [...this.undecided.overdue(cutoff), ...this.take((id, entry) => due(entry) && this.isOutermostCall(id, entry), (entry) =>
      entry.orphaned
        ? `still open ${this.timeoutMillis} ms after its session ended`
        : `open for more than ${this.timeoutMillis} ms`,
    )];
  }

  /**
   * The process ran out of work (`beforeExit`): reports the calls (and
   * framework runs, see {@link allUnfinished}) noted at the previous
   * `beforeExit` that are still open, and notes the ones open now.
   * Returns how many were noted: the caller then lets the event loop turn once
   * more, so work an app's own `beforeExit` handler started gets its chance.
   */
  atExit(): { reported: ReadableSpan[]; noted: number } {
    const noted = this.notedAtExit;
    const unfinished = (id: string, entry: OpenSpan) => this.isOutermostCall(id, entry) || isFrameworkRun(entry.span);
    const reported = this.take((id, entry) => noted.has(id) && unfinished(id, entry), () => 'still open when the process ran out of work');
    // Calls held for a match still held a turn later: nothing is left to end what they wait for.
    if (this.heldAtExit) reported.push(...this.undecided.all(), ...this.takeWaiting());
    this.heldAtExit = this.holding;
    this.notedAtExit = new Set([...this.open].filter(([id, entry]) => unfinished(id, entry)).map(([id]) => id));
    return { reported, noted: this.notedAtExit.size + (this.heldAtExit ? 1 : 0) };
  }

  /** Whether spans are held back from conversion (waiting for a match to be decided). */
  get holding(): boolean {
    return this.undecided.waiting || this.waiting.length > 0;
  }

  private takeWaiting(): ReadableSpan[] {
    const decided = this.waiting;
    this.waiting = [];
    return decided;
  }

  /**
   * Every call still open (shutdown), as failed spans ending now; and every
   * framework run standing for a session whose span is still open — some
   * instrumentations never end it after a failure (OpenInference's OpenAI
   * Agents bridge, when a guardrail trips) — so its session ends in the trail.
   */
  allUnfinished(): ReadableSpan[] {
    const unfinished = this.take((id, entry) => this.isOutermostCall(id, entry) || isFrameworkRun(entry.span), () => 'still open at shutdown');
    return [...unfinished, ...this.undecided.all(), ...this.takeWaiting()];
  }

  private take(select: (id: string, entry: OpenSpan) => boolean, reason: (entry: OpenSpan) => string): ReadableSpan[] {
    const out: ReadableSpan[] = [];
    for (const [id, entry] of this.open) {
      if (!select(id, entry)) continue;
      this.open.delete(id);
      this.frameworkCalls.ended(id);
      out.push(this.asFailed(entry.span, reason(entry)), ...this.undecided.forgotten(id));
    }
    return out;
  }

  /** The call a span is part of, seeing attributes set after it started (read live). */
  private callOf(id: string, entry: OpenSpan): string | undefined {
    if (entry.call === undefined && startsAsModelCall(entry.span.name, entry.span.attributes)) entry.call = id;
    return entry.call;
  }

  /** An outermost model call written by an LLM-level instrumentation (not a framework's, not our helpers'). */
  private isLLMLevelCall(id: string, entry: OpenSpan): boolean {
    const scope = entry.span.instrumentationScope?.name;
    return scope !== TRACER_NAME && !isFrameworkSpan(entry.span) && this.isOutermostCall(id, entry);
  }

  /** An LLM-level call matched to a framework call: it stands in the framework call's session, under its agent. */
  private inFrameworkSession(span: ReadableSpan, own: CallPlace, framework: CallPlace | undefined): ReadableSpan {
    const session = own.session ?? framework?.session;
    const agent = framework?.agent ?? own.agent;
    if (session === undefined) return span;
    const missing = missingSessionAttributes(agent !== undefined ? { ...session, agentName: agent } : session, span.attributes);
    return missing === undefined ? span : withAttributes(span, missing);
  }

  /** A model call (by now) not inside another: the one span that records its call. */
  private isOutermostCall(id: string, entry: OpenSpan): boolean {
    return this.callOf(id, entry) === id;
  }

  /**
   * Forgets the oldest span that is neither a call nor a session's root (the
   * spans started under a root find their session through it), then the
   * oldest root; only when every span is a call is the oldest call given up.
   */
  private evict(): ReadableSpan[] {
    const forget = (keep: (id: string, entry: OpenSpan) => boolean): boolean => {
      for (const [id, entry] of this.open) {
        if (keep(id, entry)) continue;
        this.open.delete(id);
        this.frameworkCalls.ended(id);
        this.waiting.push(...this.undecided.forgotten(id));
        return true;
      }
      return false;
    };
    if (forget((id, entry) => this.isOutermostCall(id, entry) || entry.span.attributes[AUDIT_SESSION_ROOT] === true)) return [];
    if (forget((id, entry) => this.isOutermostCall(id, entry))) return [];
    const [id, entry] = this.open.entries().next().value as [string, OpenSpan];
    this.open.delete(id);
    this.frameworkCalls.ended(id);
    return [this.asFailed(entry.span, `more than ${MAX_OPEN_SPANS} model calls were open at once`), ...this.undecided.forgotten(id)];
  }

  /** A view of the open span that reads as ended now, failed, without touching the span itself. */
  private asFailed(span: Span, reason: string): ReadableSpan {
    this.reported.add(span);
    const run = isFrameworkRun(span);
    const what = run ? "the agent run's span" : "the model call's span";
    return Object.create(span, {
      // A run's failure is its own here, not a copy of a child's (reported-errors.ts).
      ...(run && { attributes: { value: { ...span.attributes, [AUDIT_ERROR_RAISED_HERE]: true } } }),
      endTime: { value: nowHrTime() },
      ended: { value: true },
      status: { value: { code: SpanStatusCode.ERROR, message: `${what} never ended (${reason}); its instrumentation most likely failed to end it after an error` } },
    }) as ReadableSpan;
  }
}

function nowHrTime(): HrTime {
  const millis = Date.now();
  return [Math.floor(millis / 1000), (millis % 1000) * 1e6];
}
