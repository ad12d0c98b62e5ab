/** What `verifyTrail` reports: per stream, and for the whole trail. */

/** Sequence numbers `from` to `to`, both included. */
export interface SequenceRange {
  readonly from: number;
  readonly to: number;
}

/** An event found at `sequence` whose hash shows it belongs at `belongsAt`. */
export interface Reordering {
  readonly sequence: number;
  readonly belongsAt: number;
}

/** How a stream ends: with a valid close, vouched for by another stream's valid `recovered` checkpoint, or neither. */
export type TailState = 'closed' | 'recovered' | 'open';

/** The findings for one stream. */
export interface StreamReport {
  readonly streamId: string;
  /** No gaps, modified, reordered, forks or bad signatures, and a tail that is not `open`. */
  readonly ok: boolean;
  /** Distinct events (redeliveries counted once). */
  readonly events: number;
  /** 0 when the trail holds none of the stream (only a `recovered` checkpoint names it). */
  readonly firstSequence: number;
  readonly lastSequence: number;
  /** Missing sequence numbers, from 1 (and up to what a `recovered` checkpoint vouches for). */
  readonly gaps: readonly SequenceRange[];
  /** Identical redeliveries: informational. */
  readonly duplicates: number;
  /** Lines with a lower sequence number than the stream's line before: informational. */
  readonly outOfOrderLines: number;
  /**
   * Events whose hash is not what the next event, or a checkpoint, links to.
   * An edit to an event's own `prev_hash` breaks the link into it as well, so
   * it shows here with the event before it.
   */
  readonly modified: readonly number[];
  /** Events whose sequence numbers were exchanged. */
  readonly reordered: readonly Reordering[];
  /** Sequence numbers held by two or more different events. */
  readonly forks: readonly { readonly sequence: number; readonly versions: number }[];
  /** Checkpoint events in the stream (its own and `recovered` ones it wrote). */
  readonly checkpoints: number;
  readonly badSignatures: readonly { readonly sequence: number; readonly reason: string }[];
  readonly tail: TailState;
  /** Events after the last valid checkpoint covering the stream: no signature vouches for them. */
  readonly unsignedTail: number;
  /** For a `recovered` tail: the checkpoint that vouches for the stream, and up to which sequence. */
  readonly recoveredBy?: { readonly streamId: string; readonly sequence: number; readonly covers: number };
}

/** What `verifyTrail` found. */
export interface TrailReport {
  /** Every stream ok (and at least one stream). */
  readonly ok: boolean;
  /** Lines read, blank lines not counted. */
  readonly lines: number;
  /** Distinct chained events over all streams. */
  readonly events: number;
  /** Lines that are not JSON: informational (a lost event shows as a gap). */
  readonly unreadableLines: number;
  /** JSON lines that are not chained events: informational. */
  readonly unchainedLines: number;
  /** Whether checkpoints had to be signed by the keys given; if not, each was checked against the key it names. */
  readonly keysPinned: boolean;
  /** Key ids of the valid checkpoints' keys. */
  readonly signedBy: readonly string[];
  readonly streams: readonly StreamReport[];
}
