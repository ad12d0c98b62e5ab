/**
 * Which events `show`, `tail` and `export` print: by session, type (or
 * custom event name), time, and verdict. Every criterion given must match;
 * within one, any of its values.
 */
import { policyVerdicts } from './event-policy.js';
import type { TrailEvent } from './trail-event.js';

/** The criteria; an absent one matches every event. */
export interface TrailFilter {
  readonly sessions?: ReadonlySet<string>;
  /** Event types (`tool_call`) and custom event names (`session.start`). */
  readonly types?: ReadonlySet<string>;
  /** Inclusive, epoch milliseconds. */
  readonly sinceMillis?: number;
  /** Inclusive, epoch milliseconds. */
  readonly untilMillis?: number;
  /** `allow`, `flag`, `block`, `unavailable`: the receiver's or the gate's verdict. */
  readonly policies?: ReadonlySet<string>;
}

/**
 * Whether `event` passes `filter`.
 *
 * @example
 * matchesFilter(event, { types: new Set(['tool_call']), policies: new Set(['block']) });
 */
export function matchesFilter(event: TrailEvent, filter: TrailFilter): boolean {
  if (filter.sessions && (event.sessionId === undefined || !filter.sessions.has(event.sessionId))) return false;
  if (filter.types && !filter.types.has(event.type) && !filter.types.has(customName(event) ?? '')) return false;
  if (filter.sinceMillis !== undefined && event.timeMillis < filter.sinceMillis) return false;
  if (filter.untilMillis !== undefined && event.timeMillis > filter.untilMillis) return false;
  if (filter.policies && !policyVerdicts(event).some((verdict) => filter.policies!.has(verdict))) return false;
  return true;
}

/**
 * Whether any criterion is set: with one, "nothing matched" is worth saying.
 *
 * @example
 * isFiltering({}); // false
 */
export function isFiltering(filter: TrailFilter): boolean {
  return Object.values(filter).some((criterion) => criterion !== undefined);
}

function customName(event: TrailEvent): string | undefined {
  const name = event.payload['name'];
  return event.type === 'custom' && typeof name === 'string' ? name : undefined;
}
