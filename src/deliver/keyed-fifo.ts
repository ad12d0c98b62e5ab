/**
 * FIFO queues by key, taken in turn: a batch is always items of one key, in
 * arrival order, and costs O(batch) to take however long the queues are.
 */
export class KeyedFifo<T> {
  /** Map order is the turn order: a key that gave a batch moves to the back. */
  private readonly queues = new Map<string, T[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(key: string, item: T): void {
    const queue = this.queues.get(key);
    if (queue) queue.push(item);
    else this.queues.set(key, [item]);
    this.count++;
  }

  /** Up to `max` of the oldest items of the next key in turn; empty when nothing is queued. */
  take(max: number): T[] {
    for (const [key, queue] of this.queues) {
      const batch = queue.length <= max ? queue : queue.splice(0, max);
      this.queues.delete(key);
      if (batch !== queue) this.queues.set(key, queue);
      this.count -= batch.length;
      return batch;
    }
    return [];
  }

  /** Empties every queue; returns the items that were in them. */
  drain(): T[] {
    const items: T[] = [];
    for (const queue of this.queues.values()) items.push(...queue);
    this.queues.clear();
    this.count = 0;
    return items;
  }
}
