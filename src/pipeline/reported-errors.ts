/**
 * Whether a failed Vercel AI SDK outer span (`ai.generateText`,
 * `ai.generateObject`, …) or a framework's plumbing span (a LangChain chain,
 * an OpenAI Agents turn; framework-structure.ts) copies a child's error,
 * already reported, or failed by itself, so that it reports its own failure
 * only then. (A tripped OpenAI Agents guardrail fails the turn, not the
 * guardrail's span: the turn is where the failure shows.)
 *
 * Those outer spans carry a copy of their children's exception, so they yield
 * no events (one failure, one `error` event). But a failure raised in the
 * outer span itself — `generateObject` output failing its schema after a
 * successful model call — is on no child: without this it would be lost.
 * Children end before their parents, so by the time an outer span ends, the
 * child that made it fail has been seen.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { AUDIT_ERROR_RAISED_HERE, AUDIT_MODEL_CALL_RECORDED_BY, AUDIT_RECORDED, AUDIT_RECORDED_BY_SCOPE, AUDIT_TOOL_CALL_RECORDED_BY, EXCEPTION_EVENT } from '../model/attributes.js';
import { isFrameworkRun } from '../model/agent-run-span.js';
import { DEFAULT_CONVERTERS } from '../convert/to-audit-events.js';
import { isVercelAggregateSpan } from '../convert/vercel-converter.js';
import { isFrameworkStructure } from '../convert/framework-structure.js';
import { withAttribute } from './span-view.js';

/** Parents waiting for their own end; the oldest are forgotten past this many. */
const MAX_PENDING = 4096;

export class ReportedErrors {
  /**
   * Parents whose child that ended last carried an error already reported
   * (in the order noted). Vercel's outer span copies the exception of the
   * child that made it fail, which is the last to end: an earlier child's
   * error the SDK recovered from (a retried 500, a tool error fed back to the
   * model) says nothing about the outer failure.
   */
  private readonly lastChildCarried = new Set<string>();

  /**
   * Called from `onEnd`, children before parents: the span to convert — for a
   * failed outer span whose failure no child carried, a view marked
   * {@link AUDIT_ERROR_RAISED_HERE}. `insideCall`: the span is inside a model
   * call an enclosing span records (`ModelCallTracker`); that span reports
   * the failure.
   */
  onEnd(span: ReadableSpan, insideCall: boolean): ReadableSpan {
    const id = span.spanContext().spanId;
    const childCarried = this.lastChildCarried.delete(id);
    const failed = span.status.code === SpanStatusCode.ERROR || span.events.some((e) => e.name === EXCEPTION_EVENT);
    let view = span;
    let carries = false;
    if (failed && (isVercelAggregateSpan(span) || isFrameworkStructure(span) || isFrameworkRun(span))) {
      if (!childCarried && !insideCall) view = withAttribute(span, AUDIT_ERROR_RAISED_HERE, true);
      carries = childCarried || !insideCall;
    } else if (failed) {
      carries = childCarried || reportsErrors(span);
    }
    const parent = span.parentSpanContext;
    // A remote parent never ends in this process.
    if (parent !== undefined && parent.isRemote !== true) this.noteLastChild(parent.spanId, carries);
    return view;
  }

  private noteLastChild(parentId: string, carried: boolean): void {
    // A later child decides: one that did not carry clears an earlier one's mark.
    this.lastChildCarried.delete(parentId);
    if (!carried) return;
    this.lastChildCarried.add(parentId);
    if (this.lastChildCarried.size > MAX_PENDING) this.lastChildCarried.delete(this.lastChildCarried.values().next().value as string);
  }
}

/**
 * Whether converting this failed span yields an `error` event: a convention
 * claims it, or it holds an error our `recordError` wrote. (An HTTP client
 * span that failed and was retried inside a successful call yields none.)
 */
function reportsErrors(span: ReadableSpan): boolean {
  if (span.events.some((e) => e.name === EXCEPTION_EVENT && e.attributes?.[AUDIT_RECORDED] === true)) return true;
  // A framework's view of a call another span records reports nothing of its own.
  const a = span.attributes;
  if (a[AUDIT_MODEL_CALL_RECORDED_BY] !== undefined || a[AUDIT_TOOL_CALL_RECORDED_BY] !== undefined || a[AUDIT_RECORDED_BY_SCOPE] !== undefined) return false;
  return DEFAULT_CONVERTERS.some((converter) => converter.matches(span));
}
