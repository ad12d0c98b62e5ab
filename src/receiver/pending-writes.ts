/**
 * Events on their way to disk: written to the trail, not yet fsynced. They
 * are not in the store's index yet (a listing shows only what is on disk),
 * but a client's retry of one must find it, and must wait for the same fsync
 * before it is answered: answering it earlier would acknowledge an event the
 * disk may still refuse.
 */

/** A stored event's JSON and the promise of its fsync. */
export interface StoredCopy {
  json: string;
  /** Resolves once the event is on disk; rejects (a `TrailWriteError`) when it never will be. */
  durable: Promise<void>;
}

/** The `durable` of an event that is already on disk, or held in memory only. */
export const ALREADY_DURABLE: Promise<void> = Promise.resolve();

/** One event of a write: its idempotency key (if it has one) and its JSON. */
export interface PendingEvent {
  key: string | undefined;
  json: string;
}

/**
 * Pending events by idempotency key, the newest per key.
 *
 * @example
 * const durable = pending.track(events, appender.append(lines), () => index(events));
 */
export class PendingWrites {
  private readonly byKey = new Map<string, StoredCopy>();

  /**
   * Holds `events` as pending until `written` settles. Once it resolves,
   * `onDurable` runs (to index them) before they stop being pending, so a
   * retry finds them in one place or the other at every moment.
   *
   * @returns what a request awaits before it answers: `written`, after `onDurable`.
   */
  track(events: readonly PendingEvent[], written: Promise<void>, onDurable: () => void): Promise<void> {
    const settle = (): void => {
      for (const { key, json } of events) if (key !== undefined && this.byKey.get(key)?.json === json) this.byKey.delete(key);
    };
    const durable = written.then(
      () => {
        onDurable();
        settle();
      },
      (error: unknown) => {
        settle();
        throw error;
      },
    );
    for (const { key, json } of events) if (key !== undefined) this.byKey.set(key, { json, durable });
    return durable;
  }

  /** The newest pending event under `key`, if one is. */
  get(key: string): StoredCopy | undefined {
    return this.byKey.get(key);
  }
}
