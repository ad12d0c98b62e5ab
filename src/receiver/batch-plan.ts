/**
 * Which of a request's events are new and which repeat an event already
 * stored, decided the same way for every store. A client's retry (same
 * `payload.event_id` and same content as the newest event under that id,
 * this request's own included: `isRetryOf`) is answered with the stored
 * event and not stored again; the same id with other content is a new record.
 */
import { isRetryOf } from './event-retry.js';
import { eventIdOf } from './event-id.js';
import type { StoredEntry } from './stored-event.js';
import type { ValidEvent } from './validation.js';

/** What to store and what to answer, for one request. */
export interface BatchPlan<Copy extends { json: string }> {
  /** Per event, in request order: the JSON to answer with. */
  results: string[];
  /** The events to store, in request order. */
  fresh: StoredEntry[];
  /** The stored copies the request repeats (a memory store waits for theirs to be on disk). */
  repeated: Copy[];
}

/**
 * Plans one request. Builds every new entry before anything is stored, so a
 * batch with an event that cannot be stored is refused whole.
 *
 * @example
 * const plan = planBatch(valid, (event) => store.storedRetry(agentId, event), toEntry);
 */
export function planBatch<Copy extends { json: string }>(
  valid: readonly ValidEvent[],
  storedRetry: (event: ValidEvent) => Copy | undefined,
  toEntry: (event: ValidEvent, index: number) => StoredEntry,
): BatchPlan<Copy> {
  const results = new Array<string>(valid.length);
  const fresh: StoredEntry[] = [];
  const repeated: Copy[] = [];
  const inBatch = new Map<string, StoredEntry>();
  for (let i = 0; i < valid.length; i++) {
    const event = valid[i]!;
    const eventId = eventIdOf(event.payload);
    const earlier = eventId === undefined ? undefined : inBatch.get(eventId);
    if (earlier !== undefined && isRetryOf(earlier.event, event)) {
      results[i] = earlier.json; // stored with this request's own events
      continue;
    }
    const stored = earlier === undefined ? storedRetry(event) : undefined;
    if (stored !== undefined) {
      results[i] = stored.json;
      repeated.push(stored);
      continue;
    }
    const entry = toEntry(event, i);
    fresh.push(entry);
    results[i] = entry.json;
    if (eventId !== undefined) inBatch.set(eventId, entry);
  }
  return { results, fresh, repeated };
}
