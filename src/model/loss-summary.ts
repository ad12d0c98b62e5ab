/**
 * What one backend gave up since the last report: counts by reason and the
 * range of events concerned, as the `audit.loss` event carries it.
 */
export interface LossSummary {
  /** The backend that did not get the events, e.g. `'secureagentics'`. */
  readonly backend: string;
  readonly total: number;
  /** `'failed: 401 on POST …'` → count; the kind (`failed` / `dropped`) leads each reason. */
  readonly byReason: Readonly<Record<string, number>>;
  /** The oldest and newest lost event whose identity is known (a record damaged on disk has none). */
  readonly firstEventId?: string;
  readonly lastEventId?: string;
  /** Their timestamps (ISO 8601). */
  readonly from?: string;
  readonly to?: string;
}
