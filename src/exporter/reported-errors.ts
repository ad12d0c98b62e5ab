/**
 * Which spans already have an error reported below them, so that a Vercel AI
 * SDK outer span (`ai.generateText`, `ai.generateObject`, …) reports its own
 * failure only when nothing below it did.
 *
 * Those outer spans carry a copy of their children's exception, so they yield
 * no events (one failure, one `error` event). But a failure raised in the
 * outer span itself — `generateObject` output failing its schema after a
 * successful model call — is on no child: without this it would be lost.
 * Children end before their parents, so by the time an outer span ends, every
 * error below it has been seen.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { AUDIT_ERROR_RAISED_HERE, AUDIT_RECORDED, EXCEPTION_EVENT } from '../attributes.js';
import { DEFAULT_CONVERTERS } from '../convert/to-audit-events.js';
import { isVercelAggregateSpan } from '../convert/vercel-converter.js';
import { withAttribute } from './span-view.js';

/** Parents waiting for their own end; the oldest are forgotten past this many. */
const MAX_PENDING = 4096;

export class ReportedErrors {
  /** Ids of spans with an error reported somewhere below them, in insertion order. */
  private readonly below = new Set<string>();

  /**
   * Called from `onEnd`, children before parents: the span to convert — for a
   * failed outer span with nothing reported below it, a view marked
   * {@link AUDIT_ERROR_RAISED_HERE}.
   */
  onEnd(span: ReadableSpan): ReadableSpan {
    const errorBelow = this.below.delete(span.spanContext().spanId);
    const failed = span.status.code === SpanStatusCode.ERROR || span.events.some((e) => e.name === EXCEPTION_EVENT);
    let view = span;
    let reported = errorBelow;
    if (isVercelAggregateSpan(span)) {
      if (failed && !errorBelow) {
        view = withAttribute(span, AUDIT_ERROR_RAISED_HERE, true);
        reported = true;
      }
    } else if (failed && reportsErrors(span)) {
      reported = true;
    }
    const parent = span.parentSpanContext?.spanId;
    if (reported && parent !== undefined) this.note(parent);
    return view;
  }

  private note(spanId: string): void {
    this.below.add(spanId);
    if (this.below.size > MAX_PENDING) this.below.delete(this.below.values().next().value as string);
  }
}

/**
 * Whether converting this failed span yields an `error` event: a convention
 * claims it, or it holds an error our `recordError` wrote. (An HTTP client
 * span that failed and was retried inside a successful call yields none.)
 */
function reportsErrors(span: ReadableSpan): boolean {
  if (span.events.some((e) => e.name === EXCEPTION_EVENT && e.attributes?.[AUDIT_RECORDED] === true)) return true;
  return DEFAULT_CONVERTERS.some((converter) => converter.matches(span));
}
