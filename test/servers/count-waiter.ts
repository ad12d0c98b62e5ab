interface Waiter {
  count: number;
  resolve: () => void;
}

/**
 * Lets a test await "at least N things arrived" without polling: the server
 * calls `notify()` after each arrival. A timeout rejects with how many did
 * arrive, so a failing test says how far the client got.
 *
 * @example
 * const waiter = new CountWaiter(() => events.length, 'events', 'waitForEvents');
 * await waiter.wait(3); // after each push: waiter.notify()
 */
export class CountWaiter {
  readonly #waiters = new Set<Waiter>();

  constructor(
    private readonly current: () => number,
    private readonly noun: string,
    private readonly caller: string,
  ) {}

  /** Resolves once `current() >= count`; rejects after `timeoutMillis` (default 5000). */
  wait(count: number, timeoutMillis = 5000): Promise<void> {
    if (this.current() >= count) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        count,
        resolve: () => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(
          `${this.caller}: expected ${count} ${this.noun}, ${this.current()} arrived within ${timeoutMillis} ms`,
        ));
      }, timeoutMillis);
      this.#waiters.add(waiter);
    });
  }

  /** Call after every arrival. */
  notify(): void {
    const now = this.current();
    for (const waiter of [...this.#waiters]) {
      if (now >= waiter.count) waiter.resolve();
    }
  }
}
