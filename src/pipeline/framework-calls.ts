/**
 * One model call, one pair of events, where parentage cannot tell: agent
 * framework instrumentations (OpenInference's LangChain and OpenAI Agents,
 * OpenLLMetry's LangChain) write a span for each model call but never make
 * it the active context, so the LLM-level instrumentation's span of the same
 * call (OpenAI, Anthropic client) starts with no parent link to it — often
 * in a trace of its own.
 *
 * The rule: an LLM-level call that starts with no followed parent, while
 * exactly one framework model call is open in this process, is that call.
 * The LLM-level span then records it (it holds what the wire said: the
 * answering model, the response id, tool-call ids, the provider) and takes
 * the framework call's session and agent; the framework's span records
 * nothing. With several framework calls open at once (agents running
 * concurrently) the match would be a guess, so none is made and both are
 * recorded — the trail then shows the call twice rather than wrongly.
 */
import type { Span } from '@opentelemetry/sdk-trace-base';

/** Instrumentations whose spans describe a framework's view of a model call. */
const FRAMEWORK_SCOPES: ReadonlySet<string> = new Set([
  '@arizeai/openinference-instrumentation-langchain',
  '@arizeai/openinference-instrumentation-openai-agents',
  '@traceloop/instrumentation-langchain',
]);

/** True for a span written by an agent framework's instrumentation (by its instrumentation scope). */
export function isFrameworkSpan(span: Pick<Span, 'instrumentationScope'>): boolean {
  const scope = span.instrumentationScope?.name;
  return scope !== undefined && FRAMEWORK_SCOPES.has(scope);
}

interface OpenFrameworkCall {
  /** The LLM-level call that claimed it: it records the call. */
  claimedBy: string | undefined;
}

/** The framework model calls open now; bounded by the open-span bound of the caller. */
export class FrameworkCalls {
  private readonly open = new Map<string, OpenFrameworkCall>();

  /** A framework model call started. */
  started(spanId: string): void {
    this.open.set(spanId, { claimedBy: undefined });
  }

  /**
   * The one open framework call not yet claimed, claimed for `innerId`; or
   * undefined when none or several are open.
   */
  claim(innerId: string): string | undefined {
    let found: [string, OpenFrameworkCall] | undefined;
    for (const entry of this.open) {
      if (entry[1].claimedBy !== undefined) continue;
      if (found !== undefined) return undefined;
      found = entry;
    }
    if (found === undefined) return undefined;
    found[1].claimedBy = innerId;
    return found[0];
  }

  /** A framework call ended (or was forgotten): the LLM-level call that recorded it, if any. */
  ended(spanId: string): string | undefined {
    const entry = this.open.get(spanId);
    this.open.delete(spanId);
    return entry?.claimedBy;
  }
}
