/**
 * Message content that GenAI log records carried, held per span for one
 * audit exporter until it has converted the span. Bounded: at most `maxSpans` spans,
 * `maxMessagesPerSpan` messages each and `maxChars` characters in all (the
 * oldest spans go first); an entry older than `maxAgeMillis` is dropped (its
 * span never ended, or was converted by a pipeline without us). Memory
 * therefore stays bounded when spans never come. The age holds when the
 * content is read, too: a span converted later than that gets none of it,
 * and `diag` says so (README, "Known limits").
 *
 * Log records of a model call are emitted while its span is open (the
 * prompt messages when it starts, the choices before it ends), and the audit
 * span processor converts spans on a later turn of the event loop, so the
 * content is here by the time the span is converted.
 */
import { DEFAULTS } from '../config/defaults.js';
import type { LoggedContent } from '../convert/genai-log-messages.js';
import type { LogContentSource, SpanLogContent } from '../convert/log-content-source.js';
import { contentChars } from '../model/bounded-content.js';
import { scrubbedLogger } from '../redact/scrubbed-logger.js';

const log = scrubbedLogger('otel-agent-audit:logs');

/** Limits of a {@link GenAiLogContentStore}. */
export interface GenAiLogContentLimits {
  maxSpans: number;
  maxAgeMillis: number;
  maxMessagesPerSpan: number;
  /** Characters of content across all spans (as measured by `contentChars`). */
  maxChars: number;
}

/**
 * Why content was discarded unused: its span did not come in time, the store
 * was full (spans or characters), a span had too many messages, or one span's
 * content alone was larger than the whole character budget.
 */
export type DiscardReason = 'expired' | 'store full' | 'too many messages' | 'too much content';

interface Entry {
  readonly createdAt: number;
  readonly input: unknown[];
  readonly output: { index: number; message: unknown }[];
  systemInstructions?: unknown;
  /** Characters held by this entry, the system instructions' share apart so a replacement frees it. */
  chars: number;
  systemChars: number;
}

/**
 * The content store one audit exporter owns: filled by the log-record
 * processor bound to it, read (never changed) by its conversions, and freed
 * by the exporter once a span is converted.
 */
export class GenAiLogContentStore implements LogContentSource {
  // A Map iterates in insertion order, so the oldest entry is always first.
  private readonly entries = new Map<string, Entry>();
  private totalChars = 0;
  private closed = false;
  /** Entries found too old when read, not yet reported, and when the last report was. */
  private expiredUnreported = 0;
  private lastExpiryReport = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly limits: GenAiLogContentLimits = {
      maxSpans: DEFAULTS.maxLogContentSpans,
      maxAgeMillis: DEFAULTS.maxLogContentAgeMillis,
      maxMessagesPerSpan: DEFAULTS.maxLogContentMessagesPerSpan,
      maxChars: DEFAULTS.maxLogContentChars,
    },
    private readonly now: () => number = Date.now,
  ) {}

  /** Its exporter has shut down: content that comes now would never be converted. Frees what is held. */
  close(): void {
    this.reportExpired();
    this.closed = true;
    this.entries.clear();
    this.totalChars = 0;
  }

  /** Spans whose content is waiting. */
  get size(): number {
    return this.entries.size;
  }

  /** Characters of content waiting, across all spans. */
  get chars(): number {
    return this.totalChars;
  }

  /**
   * Adds one record's content to its span. Returns what had to be discarded
   * to stay within the limits (empty when nothing was), for the caller to report.
   */
  add(traceId: string, spanId: string, content: LoggedContent): Map<DiscardReason, number> {
    const discarded = new Map<DiscardReason, number>();
    if (this.closed) return discarded;
    const key = `${traceId}-${spanId}`;
    const existing = this.entries.get(key);
    const room = Math.max(0, this.limits.maxMessagesPerSpan - (existing === undefined ? 0 : existing.input.length + existing.output.length));
    const input = (content.input ?? []).slice(0, room);
    const output = (content.output ?? []).slice(0, room - input.length);
    const lost = (content.input?.length ?? 0) + (content.output?.length ?? 0) - input.length - output.length;
    if (lost > 0) count(discarded, 'too many messages', lost);

    const inputChars = input.map((message) => contentChars(message));
    const outputChars = output.map((o) => contentChars(o.message));
    const systemChars = content.systemInstructions === undefined ? 0 : contentChars(content.systemInstructions);
    const replaced = content.systemInstructions === undefined ? 0 : (existing?.systemChars ?? 0);
    this.evict(discarded, key, existing === undefined ? 1 : 0, sum(inputChars) + sum(outputChars) + systemChars - replaced);
    const entry = existing ?? { createdAt: this.now(), input: [], output: [], chars: 0, systemChars: 0 };
    if (existing === undefined) this.entries.set(key, entry);
    // What still does not fit is this span's own content beyond the whole budget.
    for (let i = 0; i < input.length; i++) if (this.admit(entry, inputChars[i]!, discarded)) entry.input.push(input[i]);
    for (let i = 0; i < output.length; i++) if (this.admit(entry, outputChars[i]!, discarded)) entry.output.push(output[i]!);
    if (content.systemInstructions !== undefined) {
      this.totalChars -= entry.systemChars;
      entry.chars -= entry.systemChars;
      entry.systemChars = 0;
      entry.systemInstructions = undefined;
      if (this.admit(entry, systemChars, discarded)) {
        entry.systemInstructions = content.systemInstructions;
        entry.systemChars = systemChars;
      }
    }
    return discarded;
  }

  /**
   * The content held for a span, or undefined. Reading does not take it, so
   * a conversion can be repeated (or inspected) without taking it from the
   * trail. Content older than `maxAgeMillis` is too old to trust: the read
   * drops it and reports it through `diag`, and every later read agrees.
   */
  peek(traceId: string, spanId: string): SpanLogContent | undefined {
    // Without a log-record processor the store stays empty: no key to build per span.
    if (this.entries.size === 0) return undefined;
    const key = `${traceId}-${spanId}`;
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (this.isExpired(entry)) {
      this.expire(key, entry);
      return undefined;
    }
    return contentOf(entry);
  }

  /** Forgets a span's content: its exporter has converted the span (with it, or by design without it). */
  release(traceId: string, spanId: string): void {
    if (this.entries.size === 0) return;
    const key = `${traceId}-${spanId}`;
    const entry = this.entries.get(key);
    if (entry !== undefined) this.remove(key, entry);
  }

  /** {@link peek} then {@link release}: content older than `maxAgeMillis` is refused (and reported) alike. */
  take(traceId: string, spanId: string): SpanLogContent | undefined {
    const content = this.peek(traceId, spanId);
    this.release(traceId, spanId);
    return content;
  }

  /** The one age rule, for reads and for eviction alike. */
  private isExpired(entry: Entry, now = this.now()): boolean {
    return now - entry.createdAt > this.limits.maxAgeMillis;
  }

  /** Drops content found too old when read; says so at once the first time, then as totals at most once per interval. */
  private expire(key: string, entry: Entry): void {
    this.remove(key, entry);
    this.expiredUnreported++;
    if (this.now() - this.lastExpiryReport >= DEFAULTS.lossReportIntervalMillis) this.reportExpired();
  }

  private reportExpired(): void {
    if (this.expiredUnreported === 0) return;
    const n = this.expiredUnreported;
    this.expiredUnreported = 0;
    this.lastExpiryReport = this.now();
    log.warn(
      `GenAI message content from log records was discarded unused (${n} expired: ${n === 1 ? 'its span was' : 'their spans were'} converted more than ` +
        `${this.limits.maxAgeMillis} ms after the records); those prompt/completion audit events have no message content.`,
    );
  }

  /** Counts `chars` into `entry` when they fit the character budget; else counts one item discarded. */
  private admit(entry: Entry, chars: number, discarded: Map<DiscardReason, number>): boolean {
    if (this.totalChars + chars > this.limits.maxChars) {
      count(discarded, 'too much content', 1);
      return false;
    }
    this.totalChars += chars;
    entry.chars += chars;
    return true;
  }

  /** Drops expired entries, then the oldest (other than `keep`) until `spans` more spans and `chars` more characters fit. */
  private evict(discarded: Map<DiscardReason, number>, keep: string, spans: number, chars: number): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (key === keep) continue;
      const expired = this.isExpired(entry, now);
      const fits = this.entries.size + spans <= this.limits.maxSpans && this.totalChars + chars <= this.limits.maxChars;
      if (!expired && fits) break;
      this.remove(key, entry);
      count(discarded, expired ? 'expired' : 'store full', 1);
    }
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.totalChars -= entry.chars;
  }
}

function contentOf(entry: Entry): SpanLogContent {
  const content: SpanLogContent = {};
  if (entry.input.length > 0) content.input = entry.input;
  // Choices can be recorded out of order; their index is their place.
  if (entry.output.length > 0) content.output = [...entry.output].sort((a, b) => a.index - b.index).map((o) => o.message);
  if (entry.systemInstructions !== undefined) content.systemInstructions = entry.systemInstructions;
  return content;
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

function count(discarded: Map<DiscardReason, number>, reason: DiscardReason, n: number): void {
  discarded.set(reason, (discarded.get(reason) ?? 0) + n);
}
