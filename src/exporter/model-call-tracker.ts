/**
 * Follows model-call spans from their start, which only a span processor
 * sees, for two things an exporter of finished spans cannot do:
 *
 * - **One call, one pair of events.** A model-call span started inside
 *   another (our `withLLMCall` around an instrumented client, or two
 *   instrumentations of one client) is marked with the outer span's id; the
 *   outer one, the call as the agent made it, records the call.
 * - **Calls whose span never ends.** Some instrumentations never end the span
 *   of a failed call (OpenInference, Traceloop; interop-notes.md), so it is
 *   never exported. Still open when its session ends (or at shutdown), such a
 *   span is reported as a failed call, never silently lost.
 *
 * Memory is bounded: past the limit the oldest open call is reported as unfinished.
 */
import { SpanStatusCode, trace, type Context, type HrTime } from '@opentelemetry/api';
import type { ReadableSpan, Span } from '@opentelemetry/sdk-trace-base';
import { AUDIT_MODEL_CALL_RECORDED_BY } from '../attributes.js';
import { startsAsModelCall } from '../convert/model-call-span.js';

/** Open spans followed at once; a span that never ends holds a slot until reported or evicted. */
const MAX_OPEN_SPANS = 4096;

interface OpenSpan {
  readonly span: Span;
  /** The outermost model call this span is part of (its own id when it is that call); undefined outside calls. */
  readonly call: string | undefined;
}

export class ModelCallTracker {
  /** Every open (sampled) span, by span id: some instrumentations say a span is a model call only after starting it. */
  private readonly open = new Map<string, OpenSpan>();
  /** Unfinished calls already reported: if they end after all, they are not reported twice. */
  private readonly reported = new WeakSet<ReadableSpan>();

  /**
   * Called from `onStart`; returns model calls evicted past the memory bound,
   * to be reported as unfinished.
   */
  onStart(span: Span, parentContext: Context): ReadableSpan[] {
    const parentId = trace.getSpanContext(parentContext)?.spanId;
    const enclosing = parentId === undefined ? undefined : this.open.get(parentId)?.call;
    const isCall = startsAsModelCall(span.name, span.attributes);
    // Marked at once when known, so exporters behind other processors see it too.
    if (enclosing !== undefined && isCall) span.setAttribute(AUDIT_MODEL_CALL_RECORDED_BY, enclosing);
    this.open.set(span.spanContext().spanId, { span, call: enclosing ?? (isCall ? span.spanContext().spanId : undefined) });
    return this.open.size > MAX_OPEN_SPANS ? this.evictOldest() : [];
  }

  /**
   * Called from `onEnd`: the span to convert (a view marked as recorded by
   * its enclosing call, when it turned out to be a model call inside one), or
   * undefined when it was already reported as unfinished.
   */
  onEnd(span: ReadableSpan): ReadableSpan | undefined {
    const { spanId } = span.spanContext();
    const entry = this.open.get(spanId);
    this.open.delete(spanId);
    if (this.reported.has(span)) return undefined;
    const enclosing = entry?.call;
    if (enclosing === undefined || enclosing === spanId || span.attributes[AUDIT_MODEL_CALL_RECORDED_BY] !== undefined) return span;
    if (!startsAsModelCall(span.name, span.attributes)) return span;
    return Object.create(span, { attributes: { value: { ...span.attributes, [AUDIT_MODEL_CALL_RECORDED_BY]: enclosing } } }) as ReadableSpan;
  }

  /** Model calls of `traceId` still open when its session ended at `endTime`, as failed spans ending then. */
  unfinishedIn(traceId: string, reason: string, endTime: HrTime): ReadableSpan[] {
    return this.takeUnfinished((span) => span.spanContext().traceId === traceId, reason, endTime);
  }

  /** Every model call still open (the processor shuts down), as failed spans ending now. */
  allUnfinished(reason: string): ReadableSpan[] {
    return this.takeUnfinished(() => true, reason, nowHrTime());
  }

  private takeUnfinished(select: (span: Span) => boolean, reason: string, endTime: HrTime): ReadableSpan[] {
    const out: ReadableSpan[] = [];
    for (const [id, entry] of this.open) {
      if (!this.isOutermostCall(id, entry) || !select(entry.span)) continue;
      this.open.delete(id);
      out.push(this.asFailed(entry.span, reason, endTime));
    }
    return out;
  }

  /** A model call (by now) not inside another: the one span that records its call. */
  private isOutermostCall(id: string, entry: OpenSpan): boolean {
    if (entry.call !== undefined && entry.call !== id) return false;
    return entry.call === id || startsAsModelCall(entry.span.name, entry.span.attributes);
  }

  private evictOldest(): ReadableSpan[] {
    const [id, entry] = this.open.entries().next().value as [string, OpenSpan];
    this.open.delete(id);
    if (!this.isOutermostCall(id, entry)) return []; // not a model call: it is exported normally if it ends
    return [this.asFailed(entry.span, `more than ${MAX_OPEN_SPANS} spans were open at once`, nowHrTime())];
  }

  /** A view of the open span that reads as ended at `endTime`, failed, without touching the span itself. */
  private asFailed(span: Span, reason: string, endTime: HrTime): ReadableSpan {
    this.reported.add(span);
    return Object.create(span, {
      endTime: { value: endTime },
      ended: { value: true },
      status: { value: { code: SpanStatusCode.ERROR, message: `the model call's span never ended (${reason}); its instrumentation most likely failed to end it after an error` } },
    }) as ReadableSpan;
  }
}

function nowHrTime(): HrTime {
  const millis = Date.now();
  return [Math.floor(millis / 1000), (millis % 1000) * 1e6];
}
