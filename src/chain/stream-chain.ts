/**
 * One hash-chained stream of audit events: each event gets its stream id,
 * the next sequence number and the hash of the event before it, in its
 * payload; signed checkpoints vouch for the head every so often and at close.
 */
import { randomBytes } from 'node:crypto';
import { auditEventId, type AuditEvent } from '../model/audit-event.js';
import { invalidOption } from '../errors.js';
import { AUDIT_SEQUENCE_NUMBER, AUDIT_SEQUENCE_PREV_HASH, AUDIT_STREAM_ID, CHECKPOINT_NAME, type CheckpointKind } from './chain-fields.js';
import { checkpointPayload } from './checkpoint.js';
import { keepChainText } from './chain-text.js';
import { chainPositionOf, chainViewOfEvent } from './chain-view.js';
import { canonicalJson, eventHash, textHash } from './event-hash.js';
import type { SigningKey } from './signing-key.js';

/** The last event of a stream: where the next one links on. */
export interface ChainHead {
  readonly streamId: string;
  readonly sequence: number;
  /** Lowercase hex SHA-256 of the event's chain view. */
  readonly hash: string;
}

/**
 * Events linked as the next of a stream, not yet the stream's: see
 * {@link StreamChain.draft}.
 */
export interface ChainDraft {
  /** The linked events (a checkpoint may follow them), as `link` would have returned them. */
  readonly events: AuditEvent[];
  /**
   * Makes them the stream's: the next events link on after them.
   *
   * @throws Error when the stream moved since the draft was made (a bug: its sequence numbers would be given twice).
   */
  keep(): void;
}

/** Options of {@link StreamChain}. */
export interface StreamChainOptions {
  /** Signs the checkpoints. */
  key: SigningKey;
  /** 32 lowercase hex. Default: random (a new stream). */
  streamId?: string;
  /** A periodic checkpoint follows every this many events. Default 1000. */
  checkpointEvery?: number;
  /** The checkpoints' timestamps. Default: the system clock. */
  now?: () => Date;
  /** Keep on each linked event the canonical text it was hashed over (`chainTextOf`), for a backend that sends it. Default false. */
  keepTexts?: boolean;
}

const STREAM_ID = /^[0-9a-f]{32}$/;
const DEFAULT_CHECKPOINT_EVERY = 1000;

/**
 * Links audit events into one stream. Not shared between exporters: one
 * stream per exporter per process start, so sequence numbers have no holes.
 *
 * @throws {AuditError} `INVALID_OPTION` for a stream id that is not 32 lowercase hex, or a `checkpointEvery` that is not a positive integer.
 * @example
 * const chain = new StreamChain({ key: loaded.key });
 * spool.append(chain.link(events));
 * // at shutdown:
 * spool.append(chain.close());
 */
export class StreamChain {
  readonly streamId: string;
  private readonly key: SigningKey;
  private readonly checkpointEvery: number;
  private readonly now: () => Date;
  private readonly keepTexts: boolean;
  private last: ChainHead | undefined;
  /** Events linked since the last periodic or close checkpoint: what no signature covers yet. */
  private uncovered = 0;
  private closed = false;

  constructor(options: StreamChainOptions) {
    const { key, streamId, checkpointEvery = DEFAULT_CHECKPOINT_EVERY, now = () => new Date(), keepTexts = false } = options;
    if (streamId !== undefined && (typeof streamId !== 'string' || !STREAM_ID.test(streamId))) {
      throw invalidOption('streamId', '32 lowercase hex characters', streamId);
    }
    if (!Number.isSafeInteger(checkpointEvery) || checkpointEvery < 1) {
      throw invalidOption('checkpointEvery', 'a positive integer', checkpointEvery);
    }
    this.key = key;
    this.streamId = streamId ?? randomBytes(16).toString('hex');
    this.checkpointEvery = checkpointEvery;
    this.now = now;
    this.keepTexts = keepTexts;
  }

  /** The last event linked (a checkpoint included), or undefined before the first. */
  get head(): ChainHead | undefined {
    return this.last;
  }

  /**
   * New events with the chain fields in their payload (any values of those
   * names are replaced; `undefined` members are dropped, as JSON drops them,
   * so the hash is the same on every trail). A periodic checkpoint follows
   * every `checkpointEvery` events; after {@link close}, a fresh close
   * follows, so the stream still ends with one. An event whose payload has
   * no JSON form (a cycle, a BigInt) cannot be hashed: it is passed through
   * unchained and takes no sequence number.
   *
   * @example
   * const chained = chain.link(events); // events.length, plus a checkpoint per 1000
   */
  link(events: readonly AuditEvent[]): AuditEvent[] {
    const out: AuditEvent[] = [];
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      const linked = this.append(event);
      out.push(linked ?? event);
      if (linked === undefined) continue;
      this.uncovered++;
      // At a batch's end after close, the close that follows covers the events.
      const closing = this.closed && i === events.length - 1;
      if (this.uncovered >= this.checkpointEvery && !closing) out.push(this.ownCheckpoint('periodic'));
    }
    if (this.closed && this.uncovered > 0) out.push(this.ownCheckpoint('close'));
    return out;
  }

  /**
   * The events as {@link link} would link them now, without giving them
   * their sequence numbers yet: `keep()` does, and must come before anything
   * else is linked (in the same synchronous step). A draft not kept leaves
   * the stream as it was, so events refused after they were linked (a full
   * spool: their size is known only then) take no numbers and leave no gap.
   *
   * @example
   * const draft = chain.draft(events);
   * if (spool.shortage(draft.events) === undefined) { draft.keep(); spool.append(draft.events); }
   */
  draft(events: readonly AuditEvent[]): ChainDraft {
    const before = { last: this.last, uncovered: this.uncovered };
    const linked = this.link(events);
    const after = { last: this.last, uncovered: this.uncovered };
    // Back as it was: what link() changed is all in these two fields (closed is only read).
    this.last = before.last;
    this.uncovered = before.uncovered;
    return {
      events: linked,
      keep: () => {
        if (this.last !== before.last || this.uncovered !== before.uncovered) throw new Error(`stream ${this.streamId} moved since this draft was made; its events were not kept`);
        this.last = after.last;
        this.uncovered = after.uncovered;
      },
    };
  }

  /**
   * A periodic checkpoint, when anything was linked since the last one; else `[]`.
   *
   * @example
   * setInterval(() => spool.append(chain.checkpoint()), 60_000).unref();
   */
  checkpoint(): AuditEvent[] {
    return this.uncovered > 0 ? [this.ownCheckpoint('periodic')] : [];
  }

  /**
   * The close checkpoint, the stream's last event. Once: `[]` when already
   * closed and nothing was linked since (and for a stream that never linked anything).
   *
   * @example
   * spool.append(chain.close());
   */
  close(): AuditEvent[] {
    const wasClosed = this.closed;
    this.closed = true;
    if (this.last === undefined || (wasClosed && this.uncovered === 0)) return [];
    return [this.ownCheckpoint('close')];
  }

  /**
   * A `recovered` checkpoint, linked into this stream, vouching for `head`:
   * the last committed event of a dead process's stream whose spool this
   * process took over. `[]` for this stream's own head, which needs none.
   *
   * @example
   * const head = chainHeadOf(lastCommittedEvent);
   * if (head) spool.append(chain.recover(head));
   */
  recover(head: ChainHead): AuditEvent[] {
    if (head.streamId === this.streamId) return [];
    const out = [this.checkpointEvent('recovered', head.streamId, head.sequence, head.hash)];
    // Another stream's head, not this one's: the event itself is not covered yet.
    this.uncovered++;
    if (this.closed) out.push(this.ownCheckpoint('close'));
    return out;
  }

  private ownCheckpoint(kind: 'periodic' | 'close'): AuditEvent {
    const head = this.last!;
    const event = this.checkpointEvent(kind, this.streamId, head.sequence, head.hash);
    this.uncovered = 0;
    return event;
  }

  private checkpointEvent(kind: CheckpointKind, streamId: string, sequence: number, headHash: string): AuditEvent {
    const own = (this.last?.sequence ?? 0) + 1;
    const spanId = own.toString(16).padStart(16, '0');
    const event: AuditEvent = {
      id: auditEventId(this.streamId, spanId, CHECKPOINT_NAME),
      type: 'custom',
      traceId: this.streamId,
      spanId,
      timestamp: this.now().toISOString(),
      payload: checkpointPayload(this.key, kind, streamId, sequence, headHash),
    };
    // Strings and numbers only: always hashable.
    return this.append(event)!;
  }

  /** `event` as the next of the stream, or undefined when it cannot be hashed. */
  private append(event: AuditEvent): AuditEvent | undefined {
    const sequence = (this.last?.sequence ?? 0) + 1;
    let linked: AuditEvent;
    let text: string;
    let hash: string;
    try {
      // The one copy of the payload; a member that throws on read, like one
      // with no JSON form, leaves the event unchained rather than throwing into the agent.
      const payload: Record<string, unknown> = {};
      const source = event.payload;
      for (const key of Object.keys(source)) {
        const value = source[key];
        if (value !== undefined) payload[key] = value;
      }
      payload[AUDIT_STREAM_ID] = this.streamId;
      payload[AUDIT_SEQUENCE_NUMBER] = sequence;
      if (this.last === undefined) delete payload[AUDIT_SEQUENCE_PREV_HASH];
      else payload[AUDIT_SEQUENCE_PREV_HASH] = this.last.hash;
      linked = { ...event, payload };
      text = canonicalJson(chainViewOfEvent(linked));
    } catch {
      return undefined;
    }
    hash = textHash(text);
    if (this.keepTexts) keepChainText(linked, text);
    this.last = { streamId: this.streamId, sequence, hash };
    return linked;
  }
}

/**
 * The head an already-chained event stands for (its stream, sequence and
 * recomputed hash), or undefined for an event without chain fields. Used on
 * recovery, with the dead process's last committed event.
 *
 * @example
 * const head = chainHeadOf(JSON.parse(lastRecordJson));
 */
export function chainHeadOf(event: AuditEvent): ChainHead | undefined {
  const position = chainPositionOf(event.payload);
  if (position === undefined) return undefined;
  try {
    return { streamId: position.streamId, sequence: position.sequence, hash: eventHash(event) };
  } catch {
    return undefined;
  }
}
