/**
 * The spans started under a stream reader's tool-call claims
 * (model/tool-call-claims.ts), followed from start to end: at the start
 * only the parent context says whose claims they fall under, and only at
 * the end do all instrumentations' spans say which tool they recorded.
 */
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span } from '@opentelemetry/sdk-trace';
import { executedToolName, toolCallClaimsOf, type ToolCallClaims } from '../model/tool-call-claims.js';

/** Spans followed at once; past this the oldest is forgotten (its tool, if any, is then recorded twice, never lost). */
const MAX_OPEN_SPANS = 1024;

/** Open spans under some reader's claims, and the claim each makes when it ends. */
export class ClaimedToolSpans {
  private readonly open = new Map<string, ToolCallClaims>();

  /** Called from `onStart`: follows `span` when its parent context holds claims. */
  started(span: Span, parentContext: Context): void {
    const claims = toolCallClaimsOf(parentContext);
    if (claims === undefined) return;
    this.open.set(span.spanContext().spanId, claims);
    if (this.open.size > MAX_OPEN_SPANS) this.open.delete(this.open.keys().next().value as string);
  }

  /** Called from `onEnd`: a followed span that recorded a tool claims it. Never throws. */
  ended(span: ReadableSpan): void {
    const spanId = span.spanContext().spanId;
    const claims = this.open.get(spanId);
    if (claims === undefined) return;
    this.open.delete(spanId);
    const name = executedToolName(span.attributes);
    if (name === undefined) return;
    try {
      claims.claim(name);
    } catch {
      // A claim lost records the tool twice, never loses it: nothing to fail here.
    }
  }
}
