/**
 * The processor's framework-call rule (pipeline/framework-calls.ts) applied
 * to finished spans: an LLM-level model call (an instrumented client's span,
 * no part of another call) that started while exactly one framework model
 * call not yet matched was open, and ended while it was still open, is that
 * call. The LLM-level span records it and takes the framework call's session
 * and agent; the framework's span is marked recorded by it. With several
 * candidates (concurrent agents), or one that started after the call, the one
 * whose model, last user message and response id do not contradict the call's
 * own (and, for one that started after it, agree with it) is it
 * (model-call-evidence.ts); when none or several are left the match would be
 * a guess, so none is made (as in process).
 *
 * "Open at the start" and "still open at the end" are read from start and end
 * times, where the processor saw the order spans started and ended in: a tie
 * of start times counts as started before. Only spans of one request are
 * matched: the framework's span ends after the call it wraps, so it must come
 * in the same request (the SDK's batch) to be found.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { AUDIT_RECORDED_BY_SCOPE } from '../model/attributes.js';
import { startsAsModelCall } from '../model/model-call-span.js';
import { TRACER_NAME } from '../model/version.js';
import { isFrameworkSpan } from '../pipeline/framework-calls.js';
import { corroborates, modelCallEvidence, onlyConsistent, type ModelCallEvidence } from '../pipeline/model-call-evidence.js';
import type { SpanPlace } from './span-place.js';

/** The matches of one request: LLM-level call id → the framework span it records, and back. */
export interface FrameworkMatches {
  readonly frameworkOf: ReadonlyMap<string, ReadableSpan>;
  readonly recordedBy: ReadonlyMap<string, string>;
}

/**
 * Matches the calls of `ended` (spans in the order they ended), given each
 * span's place.
 *
 * @example
 * const { frameworkOf, recordedBy } = matchFrameworkCalls(ended, placeOf);
 */
export function matchFrameworkCalls(ended: readonly ReadableSpan[], placeOf: (span: ReadableSpan) => SpanPlace): FrameworkMatches {
  const frameworkOf = new Map<string, ReadableSpan>();
  const recordedBy = new Map<string, string>();
  // A bridge's span of a call ours records (pipeline/agents-bridge-spans.ts, marked in the app) is no candidate.
  const framework = ended.filter((span) => isFrameworkSpan(span) && startsAsModelCall(span.name, span.attributes) && span.attributes[AUDIT_RECORDED_BY_SCOPE] === undefined);
  if (framework.length === 0) return { frameworkOf, recordedBy };
  const evidence = new Evidence();
  for (const call of ended) {
    const id = call.spanContext().spanId;
    if (call.instrumentationScope?.name === TRACER_NAME || isFrameworkSpan(call) || placeOf(call).call !== id) continue;
    const session = placeOf(call).startedIn;
    const candidates = framework.filter((f) => {
      if (recordedBy.has(f.spanContext().spanId)) return false;
      // Open when the call ended. Within a slack: the SDK takes a span's start from Date.now() corrected by
      // performance.now(), so spans started in the same millisecond can be out of order by up to about a millisecond.
      if (nanosBetween(call.endTime, f.endTime) < -CLOCK_SLACK_NANOS || nanosBetween(f.startTime, call.endTime) < -CLOCK_SLACK_NANOS) return false;
      // Only a framework call of the same session (or of none, where this call has none) can be this call.
      return session === undefined || placeOf(f).startedIn?.sessionId === session.sessionId;
    });
    const startedBefore = (f: ReadableSpan) => nanosBetween(f.startTime, call.startTime) >= -CLOCK_SLACK_NANOS;
    const [first] = candidates;
    let only = candidates.length === 1 && first !== undefined && startedBefore(first) ? first : undefined;
    if (only === undefined && candidates.length > 0) {
      // One that started after the call is it only if what both record agrees (as in process).
      const own = evidence.of(call);
      const possible = candidates.filter((f) => startedBefore(f) || corroborates(own, evidence.of(f)));
      only = onlyConsistent(own, possible, (f) => evidence.of(f));
    }
    if (only === undefined) continue;
    frameworkOf.set(id, only);
    recordedBy.set(only.spanContext().spanId, id);
  }
  return { frameworkOf, recordedBy };
}

/** Each span's evidence, read once (a conversion each). */
class Evidence {
  private readonly read = new Map<ReadableSpan, ModelCallEvidence>();

  of(span: ReadableSpan): ModelCallEvidence {
    let evidence = this.read.get(span);
    if (evidence === undefined) this.read.set(span, (evidence = modelCallEvidence(span)));
    return evidence;
  }
}

/** How far apart two spans' times may be and still count as one inside the other. */
const CLOCK_SLACK_NANOS = 2_000_000;

/** `b - a` in nanoseconds (a number: spans minutes apart stay well inside its exact range). */
function nanosBetween(a: readonly [number, number], b: readonly [number, number]): number {
  return (b[0] - a[0]) * 1e9 + (b[1] - a[1]);
}
