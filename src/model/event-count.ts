/**
 * How many events a message is about, in words: `1 event`, `2 events`
 * (`1 audit event`, `2 audit events` with a `kind`).
 *
 * @example
 * `${eventCount(batch.length)} not delivered`; // '1 event not delivered'
 * `${eventCount(1, 'audit')} not delivered`; // '1 audit event not delivered'
 */
export function eventCount(count: number, kind?: string): string {
  return counted(count, kind === undefined ? 'event' : `${kind} event`);
}

/**
 * `count` and `noun`, the noun plural unless the count is one.
 *
 * @example
 * counted(1, 'attribute'); // '1 attribute'
 */
export function counted(count: number, noun: string): string {
  return count === 1 ? `1 ${noun}` : `${count} ${noun}s`;
}
