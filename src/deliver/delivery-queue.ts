/**
 * A bounded in-memory queue in front of one destination. It batches items,
 * keeps a few requests in flight, retries per the retry policy (a throttling
 * answer pauses the whole queue: ThrottleGate), and counts every item it
 * could not deliver: nothing is lost without a count.
 *
 * Memory is bounded by `maxQueueSize` (items waiting) plus
 * `maxConcurrentRequests × maxBatchSize` (items in flight or backing off).
 */
import { setMaxListeners } from 'node:events';
import type { DeliveryOutcome } from '../model/delivery-outcome.js';
import { KeyedFifo } from './keyed-fifo.js';
import { retryDelayMillis, type RetryConfig } from './retry-policy.js';
import { ThrottleGate } from './throttle-gate.js';

export interface DeliveryQueueConfig<T = unknown> {
  maxQueueSize: number;
  maxBatchSize: number;
  maxConcurrentRequests: number;
  retry: RetryConfig;
  /**
   * Items with different keys never share a batch (one request per agent,
   * say), so every batch has exactly one outcome. Default: all alike.
   */
  batchKey?: (item: T) => string;
}

/** Running totals of one queue. */
export interface DeliveryStats {
  /** Items waiting to be sent. */
  queued: number;
  /** Items in requests under way or waiting for a retry. */
  inFlight: number;
  delivered: number;
  /** Refused by the destination, or retries exhausted. */
  failed: number;
  /** Never attempted: queue full, or still queued when shutdown's deadline passed. */
  dropped: number;
  /** Attempts after the first. */
  retries: number;
}

/** Told about every loss, so it can be reported. */
export interface DeliveryListener {
  onLoss(count: number, kind: 'failed' | 'dropped', reason: string): void;
  onConfigError(reason: string): void;
}

export type SendBatch<T> = (batch: T[], signal: AbortSignal) => Promise<DeliveryOutcome>;

export class DeliveryQueue<T> {
  private readonly queue = new KeyedFifo<T>();
  /** Items ever accepted into the queue, and items settled since (delivered, failed or dropped): flush compares them. */
  private accepted = 0;
  private settled = 0;
  private readonly totals = { delivered: 0, failed: 0, dropped: 0, retries: 0 };
  private inFlightItems = 0;
  private requests = 0;
  private pumpScheduled = false;
  private closed = false;
  private readonly abort = new AbortController();
  private flushWaiters: Array<{ target: number; done: () => void }> = [];
  /** A 429 pauses every batch of this queue, not only the one that got it (see ThrottleGate). */
  private readonly gate: ThrottleGate;

  constructor(
    private readonly send: SendBatch<T>,
    private readonly config: DeliveryQueueConfig<T>,
    private readonly listener: DeliveryListener,
  ) {
    // Every request and backoff in flight listens on this one shutdown signal;
    // their number is bounded by maxConcurrentRequests, not by Node's default of 10.
    setMaxListeners(0, this.abort.signal);
    this.gate = new ThrottleGate(config.retry, () => this.schedulePump(), this.abort.signal);
  }

  /** Queues items for delivery; what does not fit is dropped and counted. Never throws, never blocks. */
  enqueue(items: readonly T[]): void {
    if (items.length === 0) return;
    if (this.closed) {
      this.lose(items.length, 'dropped', 'received after shutdown');
      return;
    }
    const room = Math.max(0, this.config.maxQueueSize - this.queue.size);
    if (room < items.length) {
      this.lose(items.length - room, 'dropped', `queue full (${this.config.maxQueueSize} waiting)`);
    }
    const accepted = Math.min(room, items.length);
    for (let i = 0; i < accepted; i++) this.queue.push(this.keyOf(items[i] as T), items[i] as T);
    this.accepted += accepted;
    this.schedulePump();
  }

  stats(): DeliveryStats {
    return { queued: this.queue.size, inFlight: this.inFlightItems, ...this.totals };
  }

  /**
   * Resolves true once as many items have settled as had been accepted when
   * it was called (later items count too: batches settle out of order), or
   * false when `timeoutMillis` passes first.
   */
  flush(timeoutMillis: number): Promise<boolean> {
    const target = this.accepted;
    if (this.settled >= target) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = { target, done: () => (clearTimeout(timer), resolve(true)) };
      const timer = setTimeout(() => {
        this.flushWaiters = this.flushWaiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMillis);
      this.flushWaiters.push(waiter);
    });
  }

  /**
   * Delivers what is queued within `timeoutMillis`; then aborts what is
   * still under way and counts everything left as dropped.
   */
  async shutdown(timeoutMillis: number): Promise<void> {
    this.closed = true;
    if (await this.flush(timeoutMillis)) return;
    this.abort.abort();
    const left = this.queue.clear();
    if (left > 0) {
      this.lose(left, 'dropped', 'still queued when the shutdown deadline passed');
      this.settle(left);
    }
    await this.flush(1_000);
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    // Deferred so the enqueues of one tick share requests, and so sending
    // never runs inside the caller's stack.
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    // While the service throttles, new batches stay queued (bounded, drops counted) instead of joining the wait.
    while (this.requests < this.config.maxConcurrentRequests && this.queue.size > 0 && this.gate.open) {
      const batch = this.queue.take(this.config.maxBatchSize);
      this.requests++;
      this.inFlightItems += batch.length;
      void this.deliver(batch).finally(() => {
        this.requests--;
        this.inFlightItems -= batch.length;
        this.settle(batch.length);
        this.pump();
      });
    }
  }

  /** The batch key of an item; a key function that throws must not stall or crash the queue. */
  private keyOf(item: T): string {
    if (!this.config.batchKey) return '';
    try {
      return this.config.batchKey(item);
    } catch {
      return '';
    }
  }

  private async deliver(batch: T[]): Promise<void> {
    const started = Date.now();
    const budget = this.config.retry.maxRetryElapsedMillis;
    let lastReason = 'the service asked to pause sending';
    for (let attempt = 1; ; attempt++) {
      if (this.abort.signal.aborted) return this.lose(batch.length, 'dropped', 'under way when the shutdown deadline passed');
      const ticket = await this.gate.enter(started + budget);
      if (this.abort.signal.aborted) return this.lose(batch.length, 'dropped', 'under way when the shutdown deadline passed');
      if (ticket === 'late') return this.lose(batch.length, 'failed', `gave up after ${budget} ms of retries: ${lastReason}`);
      // Counted when made: a retry cut off by shutdown during its backoff never happened.
      if (attempt > 1) this.totals.retries++;
      const outcome = await this.attempt(batch);
      this.gate.record(outcome, ticket);
      if (outcome.kind === 'delivered') {
        const rejected = Math.min(outcome.rejected ?? 0, batch.length);
        this.totals.delivered += batch.length - rejected;
        if (rejected > 0) this.lose(rejected, 'failed', outcome.reason ?? 'not processed by the service');
        return;
      }
      if (outcome.kind === 'rejected') {
        // One oversized event must not take a whole batch down with it.
        if (outcome.tooLarge && batch.length > 1) {
          const half = Math.ceil(batch.length / 2);
          await this.deliver(batch.slice(0, half));
          return this.deliver(batch.slice(half));
        }
        if (outcome.configError) this.listener.onConfigError(outcome.reason);
        return this.lose(batch.length, 'failed', outcome.reason);
      }
      if (attempt >= this.config.retry.maxAttempts) {
        return this.lose(batch.length, 'failed', `gave up after ${attempt} attempts: ${outcome.reason}`);
      }
      lastReason = outcome.reason;
      if (outcome.throttled) continue; // the gate holds the retry until the pause ends, or gives it up
      const delay = retryDelayMillis(attempt, this.config.retry, outcome.retryAfterMillis);
      if (Date.now() - started + delay > budget) {
        return this.lose(batch.length, 'failed', `gave up after ${budget} ms of retries: ${outcome.reason}`);
      }
      await sleep(delay, this.abort.signal);
    }
  }

  private async attempt(batch: T[]): Promise<DeliveryOutcome> {
    try {
      return await this.send(batch, this.abort.signal);
    } catch (error) {
      // Senders return values; a throw is a bug, but it must not lose the batch silently.
      return { kind: 'retryable', reason: `unexpected error: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  private lose(count: number, kind: 'failed' | 'dropped', reason: string): void {
    this.totals[kind] += count;
    this.listener.onLoss(count, kind, reason);
  }

  private settle(count: number): void {
    this.settled += count;
    if (this.flushWaiters.length === 0) return;
    const ready = this.flushWaiters.filter((w) => this.settled >= w.target);
    this.flushWaiters = this.flushWaiters.filter((w) => this.settled < w.target);
    for (const waiter of ready) waiter.done();
  }
}

/** Waits without keeping the process alive; an abort ends the wait early. */
function sleep(millis: number, signal: AbortSignal): Promise<void> {
  if (millis <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, millis);
    timer.unref();
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
