/**
 * Whether the spool has room for events that must not cost others their
 * place: the OTLP gateway acknowledges a request only once its events are on
 * disk, so it must never take them if the spool would then delete, to stay
 * within `spoolMaxBytes`, events a backend has not settled yet (acknowledged
 * ones, like them). Segments every backend is done with go without loss, so
 * they count as room.
 */
import type { Segment } from './segment-log.js';
import { segmentEnd } from './spool-position.js';

/**
 * The share of `maxBytes` that checked appends may fill. The rest is room
 * for what is appended unchecked — the trail's own records: checkpoints,
 * `audit.loss`, abandoned sessions' ends — so that those never push out an
 * undelivered event either. The gateway also stops reading trace requests
 * at this share (gateway/admission.ts).
 */
export const SPOOL_FULL_SHARE = 0.9;

/**
 * Why events cannot be appended now: `full`, the spool would have to push
 * out events some backend has not settled (it is behind) to hold them;
 * `too-large`, they are more than checked appends may fill even in an empty spool.
 */
export interface SpoolShortage {
  readonly reason: 'full' | 'too-large';
  /** What the events' records take, in bytes. */
  readonly bytes: number;
  /** Bytes in the spool now (buffered and being written included). */
  readonly spoolBytes: number;
  /** What checked appends may fill: {@link SPOOL_FULL_SHARE} of `maxBytes`. */
  readonly limitBytes: number;
}

/** What a fit check reads of a spool. */
export interface SpoolRoomFacts {
  /** What the new events' records take. */
  readonly bytes: number;
  /** The spool's size now. */
  readonly spoolBytes: number;
  readonly maxBytes: number;
  /** Bytes of the oldest segments that every backend has settled (see {@link settledBytes}); asked only when it matters. */
  readonly settledBytes: () => number;
}

/**
 * Undefined when the events fit: after them the spool holds at most
 * {@link SPOOL_FULL_SHARE} of `maxBytes`, leaving out what is settled
 * everywhere. Otherwise why not.
 *
 * @example
 * spoolShortage({ bytes: 40_000, spoolBytes: 100_000, maxBytes: 131_072, settledBytes: () => 0 });
 * // { reason: 'full', bytes: 40000, spoolBytes: 100000, limitBytes: 117964 }
 */
export function spoolShortage(facts: SpoolRoomFacts): SpoolShortage | undefined {
  const { bytes, spoolBytes } = facts;
  const limitBytes = Math.floor(SPOOL_FULL_SHARE * facts.maxBytes);
  if (bytes > limitBytes) return { reason: 'too-large', bytes, spoolBytes, limitBytes };
  const excess = spoolBytes + bytes - limitBytes;
  if (excess <= 0 || facts.settledBytes() >= excess) return undefined;
  return { reason: 'full', bytes, spoolBytes, limitBytes };
}

/**
 * Bytes of the oldest segments whose every record is before `settledBefore`
 * (the lowest cursor of the spool's backends: everything before it is
 * delivered or counted lost): what trimming, or the deletion of delivered
 * segments, frees without pushing out anything a backend still needs.
 * Oldest first, up to the first segment some backend still needs, as
 * trimming goes. The active segment ends at `nextPosition`.
 *
 * @example
 * settledBytes(log.segments, log.activeSegment, log.nextPosition, Math.min(...feeds.map((f) => f.cursor.position)));
 */
export function settledBytes(segments: readonly Segment[], active: Segment, nextPosition: number, settledBefore: number): number {
  let bytes = 0;
  for (const segment of segments) {
    const end = segment === active ? nextPosition : segmentEnd(segment.number);
    if (end > settledBefore) break;
    bytes += segment.committedBytes;
  }
  return bytes;
}
