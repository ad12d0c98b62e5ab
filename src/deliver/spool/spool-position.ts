/**
 * Where a record sits in a spool, as one number: its segment's number times
 * 2^24, plus its index in that segment. Positions grow with every append,
 * across segments and across processes (a new process starts a new
 * segment), so "everything before position p" is one comparison, and a
 * cursor is one number. 2^24 records per segment is far more than a segment
 * of at most 16 MiB can hold; 2^29 segments fit below 2^53.
 */

const PER_SEGMENT = 2 ** 24;

/**
 * The position of record `index` of segment `segment`.
 *
 * @example
 * positionOf(3, 0); // 50331648: the first record of segment 3
 */
export function positionOf(segment: number, index: number): number {
  return segment * PER_SEGMENT + index;
}

/**
 * The segment a position belongs to.
 *
 * @example
 * segmentOf(positionOf(3, 17)); // 3
 */
export function segmentOf(position: number): number {
  return Math.floor(position / PER_SEGMENT);
}

/** The first position after every record of `segment`. */
export function segmentEnd(segment: number): number {
  return (segment + 1) * PER_SEGMENT;
}
