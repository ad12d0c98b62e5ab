/**
 * A Mastra model call's prompt, from the step around it. Mastra's bridge
 * (`@mastra/otel-bridge` with `@mastra/otel-exporter` ≥ 1.4) writes each model
 * call as a `chat` span (`mastra.span.type: model_inference`) with the answer
 * and tokens but not the request's messages: those are on the enclosing
 * `agent_step` span (`mastra.span.type: model_step`, `mastra.model_step.input`),
 * which ends after it and is plumbing (no event of its own).
 *
 * So the call's span is held back from conversion until its parent ends;
 * when the parent is a step that wrote its input, the call is converted with
 * that input as its `gen_ai.input.messages` (a view: the span itself is not
 * changed). A parent that is no step, or writes no input, lets the call go on
 * as it was. Nothing is held for long: a parent that does not end within
 * `maxWaitMillis` (or by shutdown) lets its calls go without it.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { GEN_AI_INPUT_MESSAGES } from '../model/attributes.js';
import { toGenAiMessages } from '../model/chat-messages.js';
import { parseJson } from '../model/span-reader.js';
import { withAttribute } from './span-view.js';

const BRIDGE_SCOPE = '@mastra/otel-bridge';
/** How many calls may wait at once; past it the oldest goes on without its step's input. */
const MAX_HELD = 1024;

interface HeldCall {
  readonly span: ReadableSpan;
  readonly since: number;
}

export class MastraStepPrompts {
  /** Held calls by the id of the parent (step) they wait for. */
  private readonly held = new Map<string, HeldCall[]>();
  private heldCount = 0;

  /** `maxWaitMillis`: how long a call waits for its step (the unfinished-call timeout). */
  constructor(private readonly maxWaitMillis: number) {}

  /**
   * A span that just ended, as it is to be converted: what to convert now —
   * nothing yet for a Mastra model call without its messages; a step's
   * held calls with its input, then the step; any other span as it is.
   */
  settle(view: ReadableSpan, isOpen: (spanId: string) => boolean): ReadableSpan[] {
    const parent = view.parentSpanContext;
    // Only a parent this processor sees open can still end here (not one in another process, or on another provider).
    if (isCallWithoutMessages(view) && parent !== undefined && parent.isRemote !== true && isOpen(parent.spanId)) {
      const waiting = this.held.get(parent.spanId);
      if (waiting === undefined) this.held.set(parent.spanId, [{ span: view, since: Date.now() }]);
      else waiting.push({ span: view, since: Date.now() });
      this.heldCount++;
      if (this.heldCount <= MAX_HELD) return [];
      const oldest = this.oldest();
      return this.releaseWhere((call) => call === oldest);
    }
    const waiting = this.held.get(view.spanContext().spanId);
    if (waiting === undefined) return [view];
    this.held.delete(view.spanContext().spanId);
    this.heldCount -= waiting.length;
    const input = stepInput(view);
    const calls = waiting.map(({ span }) => (input === undefined ? span : withAttribute(span, GEN_AI_INPUT_MESSAGES, input)));
    return [...calls, view];
  }

  /** The calls that waited longer than `maxWaitMillis`, as they are. */
  overdue(): ReadableSpan[] {
    const cutoff = Date.now() - this.maxWaitMillis;
    return this.releaseWhere((call) => call.since < cutoff);
  }

  /** Whether any call is held. */
  get holding(): boolean {
    return this.heldCount > 0;
  }

  /** Every held call, as it is (shutdown). */
  all(): ReadableSpan[] {
    return this.releaseWhere(() => true);
  }

  private oldest(): HeldCall | undefined {
    let oldest: HeldCall | undefined;
    for (const calls of this.held.values()) for (const call of calls) if (oldest === undefined || call.since < oldest.since) oldest = call;
    return oldest;
  }

  private releaseWhere(select: (call: HeldCall) => boolean): ReadableSpan[] {
    const out: ReadableSpan[] = [];
    for (const [parentId, calls] of this.held) {
      const kept = calls.filter((call) => !select(call));
      for (const call of calls) if (!kept.includes(call)) out.push(call.span);
      if (kept.length === 0) this.held.delete(parentId);
      else this.held.set(parentId, kept);
    }
    this.heldCount -= out.length;
    return out;
  }
}

/** A Mastra model-call span that names no request messages. */
function isCallWithoutMessages(span: ReadableSpan): boolean {
  const a = span.attributes;
  return span.instrumentationScope?.name === BRIDGE_SCOPE && a['mastra.span.type'] === 'model_inference' && a[GEN_AI_INPUT_MESSAGES] === undefined;
}

/** A step span's input (Mastra writes chat-style `{role, content}` messages) as GenAI messages JSON, or undefined. */
function stepInput(span: ReadableSpan): string | undefined {
  const a = span.attributes;
  const input = a['mastra.model_step.input'];
  if (a['mastra.span.type'] !== 'model_step' || typeof input !== 'string') return undefined;
  const messages = toGenAiMessages(parseJson(input));
  return messages === undefined || messages.length === 0 ? undefined : JSON.stringify(messages);
}
