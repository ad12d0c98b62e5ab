/**
 * How far one backend got through the spool. Entries are taken in position
 * order and settle (delivered, or given up and counted) in any order; the
 * cursor is the first position not yet settled, so everything before it is
 * done for this backend. After a crash, delivery resumes at the cursor:
 * what had settled beyond it is sent again, which is at most the requests
 * that were in flight.
 */
export class DeliveryCursor {
  /** Positions taken, in order; those before `head` have settled. */
  private taken: number[] = [];
  private head = 0;
  /** Settled positions not yet at the head. */
  private readonly settledAhead = new Set<number>();

  /**
   * @param next where the backend reads next when nothing it took is outstanding
   *   (the spool's end in live mode, its read position in backlog mode).
   */
  constructor(private next: () => number) {}

  /** The first `count` of `entries`, handed to the backend's queue, in increasing position order. */
  take(entries: ReadonlyArray<{ readonly position: number }>, count = entries.length): void {
    for (let i = 0; i < count; i++) this.taken.push((entries[i] as { position: number }).position);
  }

  /** Marks entries done; true when the cursor moved. */
  settle(entries: ReadonlyArray<{ readonly position: number }>): boolean {
    for (const entry of entries) this.settledAhead.add(entry.position);
    const before = this.head;
    while (this.head < this.taken.length && this.settledAhead.delete(this.taken[this.head] as number)) this.head++;
    if (this.head > 4096 && this.head * 2 > this.taken.length) {
      this.taken = this.taken.slice(this.head);
      this.head = 0;
    }
    return this.head !== before;
  }

  /** Whether `position` is done for this backend (before the cursor, or settled ahead of it). */
  isSettled(position: number): boolean {
    return position < this.position || this.settledAhead.has(position);
  }

  /** Positions taken and not settled. */
  get outstanding(): number {
    return this.taken.length - this.head;
  }

  /** The first position not done for this backend. */
  get position(): number {
    return this.head < this.taken.length ? (this.taken[this.head] as number) : this.next();
  }

  /** Where reading resumes once the outstanding entries are done. */
  follow(next: () => number): void {
    this.next = next;
  }
}
