/**
 * Message content that GenAI log records carried, held per span until the
 * span's conversion takes it. Bounded: at most `maxSpans` spans and
 * `maxMessagesPerSpan` messages each; an entry older than `maxAgeMillis` is
 * dropped (its span never ended, or was converted by a pipeline without us).
 * Memory therefore stays bounded when spans never come.
 *
 * Log records of a model call are emitted while its span is open (the
 * prompt messages when it starts, the choices before it ends), and the audit
 * span processor converts spans on a later turn of the event loop, so the
 * content is here by the time the span is converted.
 */
import { DEFAULTS } from '../config/defaults.js';
import type { LoggedContent } from './genai-log-messages.js';

/** The content of one span, in GenAI `{role, parts}` messages. */
export interface SpanLogContent {
  input?: unknown[];
  output?: unknown[];
  systemInstructions?: unknown;
}

/** Limits of a {@link GenAiLogContentStore}. */
export interface GenAiLogContentLimits {
  maxSpans: number;
  maxAgeMillis: number;
  maxMessagesPerSpan: number;
}

/** Why content was discarded unused: its span did not come in time, the store was full, or a span had too many messages. */
export type DiscardReason = 'expired' | 'store full' | 'too many messages';

interface Entry {
  readonly createdAt: number;
  readonly input: unknown[];
  readonly output: { index: number; message: unknown }[];
  systemInstructions?: unknown;
}

export class GenAiLogContentStore {
  // A Map iterates in insertion order, so the oldest entry is always first.
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly limits: GenAiLogContentLimits = {
      maxSpans: DEFAULTS.maxLogContentSpans,
      maxAgeMillis: DEFAULTS.maxLogContentAgeMillis,
      maxMessagesPerSpan: DEFAULTS.maxLogContentMessagesPerSpan,
    },
    private readonly now: () => number = Date.now,
  ) {}

  /** Spans whose content is waiting. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Adds one record's content to its span. Returns what had to be discarded
   * to stay within the limits (empty when nothing was), for the caller to report.
   */
  add(traceId: string, spanId: string, content: LoggedContent): Map<DiscardReason, number> {
    const discarded = new Map<DiscardReason, number>();
    const key = `${traceId}-${spanId}`;
    let entry = this.entries.get(key);
    if (entry === undefined) {
      this.evict(discarded, 1);
      entry = { createdAt: this.now(), input: [], output: [] };
      this.entries.set(key, entry);
    }
    const room = this.limits.maxMessagesPerSpan - entry.input.length - entry.output.length;
    const input = content.input ?? [];
    const output = content.output ?? [];
    const kept = Math.max(0, room);
    entry.input.push(...input.slice(0, kept));
    entry.output.push(...output.slice(0, Math.max(0, kept - input.length)));
    const lost = input.length + output.length - Math.min(kept, input.length + output.length);
    if (lost > 0) count(discarded, 'too many messages', lost);
    if (content.systemInstructions !== undefined) entry.systemInstructions = content.systemInstructions;
    return discarded;
  }

  /** Removes and returns the content of a span; undefined when none was recorded (or it expired). */
  take(traceId: string, spanId: string): SpanLogContent | undefined {
    const key = `${traceId}-${spanId}`;
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (this.now() - entry.createdAt > this.limits.maxAgeMillis) return undefined;
    const content: SpanLogContent = {};
    if (entry.input.length > 0) content.input = entry.input;
    // Choices can be recorded out of order; their index is their place.
    if (entry.output.length > 0) content.output = [...entry.output].sort((a, b) => a.index - b.index).map((o) => o.message);
    if (entry.systemInstructions !== undefined) content.systemInstructions = entry.systemInstructions;
    return content;
  }

  /** Drops expired entries, then the oldest until `free` more fit. */
  private evict(discarded: Map<DiscardReason, number>, free: number): void {
    const oldestAllowed = this.now() - this.limits.maxAgeMillis;
    for (const [key, entry] of this.entries) {
      const expired = entry.createdAt < oldestAllowed;
      if (!expired && this.entries.size + free <= this.limits.maxSpans) break;
      this.entries.delete(key);
      count(discarded, expired ? 'expired' : 'store full', 1);
    }
  }
}

function count(discarded: Map<DiscardReason, number>, reason: DiscardReason, n: number): void {
  discarded.set(reason, (discarded.get(reason) ?? 0) + n);
}

// One store per process, shared by the ESM and CommonJS builds if both are
// loaded: the log-record processor may come from one and the converter from the other.
const STORE_KEY = Symbol.for('otel-agent-audit.genai-log-content.v1');

/** The process-wide store the log-record processor fills and the GenAI converter reads. */
export function sharedGenAiLogContent(): GenAiLogContentStore {
  const holder = globalThis as Record<symbol, GenAiLogContentStore | undefined>;
  return (holder[STORE_KEY] ??= new GenAiLogContentStore());
}
