/**
 * One model call, one pair of events, where parentage cannot tell: agent
 * framework instrumentations (OpenInference's LangChain and OpenAI Agents,
 * OpenLLMetry's LangChain) write a span for each model call but never make
 * it the active context, so the LLM-level instrumentation's span of the same
 * call (OpenAI, Anthropic client) starts with no parent link to it — often
 * in a trace of its own.
 *
 * The rule, applied when the LLM-level call ends (OpenInference says what a
 * span is only just after starting it, so nothing can be told at the start):
 * an LLM-level call that is no part of another, started while exactly one
 * framework model call not yet matched was open and is still open (and no
 * other is), is that call. The LLM-level span then records it (it holds what the wire said: the
 * answering model, the response id, tool-call ids, the provider) and takes
 * the framework call's session and agent; the framework's span records
 * nothing. With several framework calls open at once (agents running
 * concurrently), or one that started after it, the call waits for them to end
 * and say what they asked (undecided-framework-calls.ts): the one whose model,
 * last user message and response id do not contradict its own (and, for one
 * that started after it, agree with it) is it. When that still leaves none or
 * several, a match would be a guess, so none is made and both are recorded —
 * the trail then shows the call twice rather than wrongly.
 *
 * "Started before" is the order the processor saw spans start in; for the
 * spans of our own OpenAI Agents processor, also their start time: the SDK
 * hands a span to its trace processors one after the other (it awaits
 * each), so ours may reach this processor only after the call went out, but
 * its start time is the SDK's own, taken before (within the slack of two
 * clocks of 1 ms). A bridge's span of a run ours records
 * (`audit.recorded_by_scope`) is no candidate: ours of the same call is.
 */
import type { HrTime } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/sdk-trace';
import { AUDIT_RECORDED_BY_SCOPE } from '../model/attributes.js';
import { startsAsModelCall } from '../model/model-call-span.js';
import { OPENAI_AGENTS_TRACER_NAME } from '../model/version.js';

/** Instrumentations whose spans describe a framework's view of a model call. */
const FRAMEWORK_SCOPES: ReadonlySet<string> = new Set([
  '@arizeai/openinference-instrumentation-langchain',
  '@arizeai/openinference-instrumentation-openai-agents',
  '@traceloop/instrumentation-langchain',
  OPENAI_AGENTS_TRACER_NAME,
]);

/** How far our span's SDK start time may be after the call's and still count as before (clocks of 1 ms, see the gateway's copy). */
const CLOCK_SLACK_NANOS = 2_000_000;

/** True for a span written by an agent framework's instrumentation (by its instrumentation scope). */
export function isFrameworkSpan(span: Pick<Span, 'instrumentationScope'>): boolean {
  const scope = span.instrumentationScope?.name;
  return scope !== undefined && FRAMEWORK_SCOPES.has(scope);
}

/** An open framework model call that an LLM-level call may be. */
export interface FrameworkCandidate {
  readonly id: string;
  /** Whether it started before the LLM-level call: else only what both record can make them one. */
  readonly startedBefore: boolean;
}

interface OpenFrameworkSpan {
  readonly span: Span;
  /** When it started (ms): a call open longer than the unfinished-call timeout is most likely one its instrumentation never ended. */
  readonly since: number;
  /** Its place in the order spans started in (the SDK's start times have a resolution of 1 ms). */
  readonly order: number;
  /** The LLM-level call that claimed it: it records the call. */
  claimedBy: string | undefined;
}

/**
 * The framework spans open now. The caller ends each one it stops following
 * (ended, given up, forgotten past its bound), so this map is bounded by its.
 */
export class FrameworkCalls {
  private readonly open = new Map<string, OpenFrameworkSpan>();

  /** `maxAgeMillis`: calls open longer than this are no candidates (see `since`). */
  constructor(private readonly maxAgeMillis: number) {}

  /** A framework span started (`order`: the order spans started in); whether it is a model call is read when an LLM-level call asks. */
  started(span: Span, order: number): void {
    this.open.set(span.spanContext().spanId, { span, order, since: Date.now(), claimedBy: undefined });
  }

  /**
   * The open framework model calls, not yet claimed, that `eligible` accepts,
   * each saying whether it started before the call started `innerOrder`-th
   * at `innerStart`.
   * One that started after may still be it: LangChain runs its callbacks in
   * the background by default, so under load OpenInference's span of a call
   * can start after the client's span of it.
   */
  candidates(innerOrder: number, innerStart: HrTime, eligible: (spanId: string) => boolean): FrameworkCandidate[] {
    const oldest = Date.now() - this.maxAgeMillis;
    const found: FrameworkCandidate[] = [];
    for (const [id, { span, order, since, claimedBy }] of this.open) {
      if (claimedBy !== undefined || since < oldest || !startsAsModelCall(span.name, span.attributes) || !eligible(id)) continue;
      if (span.attributes[AUDIT_RECORDED_BY_SCOPE] !== undefined) continue;
      found.push({ id, startedBefore: order < innerOrder || startedBefore(span, innerStart) });
    }
    return found;
  }

  /** `frameworkId` (one of {@link candidates}) is the call `innerId`: it records it. */
  claim(innerId: string, frameworkId: string): void {
    const entry = this.open.get(frameworkId);
    if (entry !== undefined) entry.claimedBy = innerId;
  }

  /** A framework span ended (or was forgotten): the LLM-level call that recorded it, if any. */
  ended(spanId: string): string | undefined {
    const entry = this.open.get(spanId);
    this.open.delete(spanId);
    return entry?.claimedBy;
  }
}

/** A span of our OpenAI Agents processor whose SDK start time is not after `innerStart` (see the module comment). */
function startedBefore(span: Span, innerStart: HrTime): boolean {
  return span.instrumentationScope?.name === OPENAI_AGENTS_TRACER_NAME && nanosBetween(innerStart, span.startTime) <= CLOCK_SLACK_NANOS;
}

/** `b - a` in nanoseconds. */
function nanosBetween(a: HrTime, b: HrTime): number {
  return (b[0] - a[0]) * 1e9 + (b[1] - a[1]);
}
