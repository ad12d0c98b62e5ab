/**
 * A bounded in-memory queue in front of one destination. It batches items,
 * keeps a few requests in flight, retries per the retry policy, and counts
 * every item it could not deliver: nothing is lost without a count.
 *
 * A destination that cannot be reached (connection refused, reset, timed
 * out) or asks to slow down (429, Retry-After) pauses the whole queue
 * (ThrottleGate): one request probes with backoff, and no attempt cap
 * applies while it lasts; an item is given up only when it is older than
 * `maxEventAgeMillis`. Other retryable answers (a 500) are retried up to
 * `maxAttempts` within `maxRetryElapsedMillis`.
 *
 * With `overflow: 'refuse'` (a spool behind it) a full queue takes what
 * fits and leaves the rest where it is, and `shutdown` leaves undelivered
 * items there too (`deferred`); with `'drop'` (memory only) they are
 * dropped and counted.
 *
 * Memory is bounded by `maxQueueSize` (items waiting) plus
 * `maxConcurrentRequests × maxBatchSize` (items in flight or backing off).
 */
import { setMaxListeners } from 'node:events';
import type { DeliveryOutcome } from '../model/delivery-outcome.js';
import { KeyedFifo } from './keyed-fifo.js';
import { retryDelayMillis, type RetryConfig } from './retry-policy.js';
import { ThrottleGate, type GateTicket } from './throttle-gate.js';

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
  /** What happens to items that do not fit: dropped and counted (default), or refused (left to the caller's spool). */
  overflow?: 'drop' | 'refuse';
  /** When an item entered delivery (epoch millis), for the age limit. Without it, items never expire. */
  appendedAt?: (item: T) => number;
  /** Items older than this are given up (counted as failed) instead of attempted again. */
  maxEventAgeMillis?: number;
  /**
   * With `overflow: 'refuse'`: whether the spool still holds an item for the
   * next process. One it does not (its write failed, its segment was
   * trimmed) is counted as dropped at shutdown, not deferred.
   */
  durable?: (item: T) => boolean;
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
  /** Left undelivered in the spool at shutdown: the next process that owns it delivers them. */
  deferred: number;
}

/** Told about every loss, so it can be reported. */
export interface DeliveryListener<T = unknown> {
  /** `items`: the ones lost, when the queue had them (not for items refused at the door). */
  onLoss(count: number, kind: 'failed' | 'dropped', reason: string, items?: readonly T[]): void;
  onConfigError(reason: string): void;
  /** Items done with: delivered, or lost and counted. (Not those deferred at shutdown.) */
  onSettled?(items: readonly T[]): void;
  /** The queue has room for at least a batch again (with `overflow: 'refuse'`). */
  onRoom?(): void;
  /** The destination stopped answering (every request now waits for a probe), or answers again. */
  onReachability?(reachable: boolean, reason: string): void;
}

export type SendBatch<T> = (batch: T[], signal: AbortSignal) => Promise<DeliveryOutcome>;

export class DeliveryQueue<T> {
  private readonly queue = new KeyedFifo<T>();
  /** Items ever accepted into the queue, and items settled since (delivered, failed or dropped): flush compares them. */
  private accepted = 0;
  private settled = 0;
  private readonly totals = { delivered: 0, failed: 0, dropped: 0, retries: 0, deferred: 0 };
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
    private readonly listener: DeliveryListener<T>,
  ) {
    // Every request and backoff in flight listens on this one shutdown signal;
    // their number is bounded by maxConcurrentRequests, not by Node's default of 10.
    setMaxListeners(0, this.abort.signal);
    this.gate = new ThrottleGate(config.retry, () => this.schedulePump(), this.abort.signal);
  }

  /**
   * Queues items for delivery and returns how many it took (the first
   * ones). What does not fit is dropped and counted, or with
   * `overflow: 'refuse'` left to the caller. Never throws, never blocks.
   */
  enqueue(items: readonly T[]): number {
    if (items.length === 0) return 0;
    const refuse = this.config.overflow === 'refuse';
    if (this.closed) {
      if (!refuse) this.report(items.length, 'dropped', 'received after shutdown', items);
      return 0;
    }
    const room = this.room();
    const accepted = Math.min(room, items.length);
    for (let i = 0; i < accepted; i++) this.queue.push(this.keyOf(items[i] as T), items[i] as T);
    this.accepted += accepted;
    if (accepted > 0) this.schedulePump();
    // Reported after the queue took its part: a listener that enqueues (the audit.loss record) sees the queue as it is.
    if (accepted < items.length && !refuse) {
      this.report(items.length - accepted, 'dropped', `queue full (${this.config.maxQueueSize} waiting)`, items.slice(accepted));
    }
    return accepted;
  }

  /** Items the queue can take now. */
  room(): number {
    return this.closed ? 0 : Math.max(0, this.config.maxQueueSize - this.queue.size);
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
    const left = this.queue.drain();
    if (left.length > 0) {
      if (this.config.overflow === 'refuse') this.defer(left, 'still queued');
      else this.report(left.length, 'dropped', 'still queued when the shutdown deadline passed');
      this.settle(left.length);
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
        if (this.listener.onRoom && this.room() > 0) this.listener.onRoom();
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

  /** Delivers `batch`, or counts it lost; every item is settled exactly once (or deferred at shutdown). */
  private async deliver(batch: T[]): Promise<void> {
    const started = Date.now();
    const budget = this.config.retry.maxRetryElapsedMillis;
    let lastReason: string | undefined;
    let cappedAttempts = 0;
    for (let attempt = 1; ; attempt++) {
      if (this.abort.signal.aborted) return this.abandon(batch);
      batch = this.withoutExpired(batch, lastReason);
      if (batch.length === 0) return;
      const deadline = this.pauseDeadline(batch, started + budget);
      const ticket = await this.gate.enter(deadline);
      if (this.abort.signal.aborted) return this.abandon(batch);
      if (ticket === 'late') {
        if (this.config.appendedAt === undefined) return this.lose(batch, 'failed', `gave up after ${budget} ms of retries: ${lastReason ?? 'the service asked to pause sending'}`);
        // The pause outlasts the oldest item's age limit: wait until then, and give up what expired.
        await sleep(Math.max(1, deadline - Date.now() + 1), this.abort.signal);
        continue;
      }
      // Counted when made: a retry cut off by shutdown during its backoff never happened.
      if (attempt > 1) this.totals.retries++;
      const outcome = await this.attempt(batch);
      this.gate.record(outcome, ticket);
      this.noteReachability(outcome, ticket);
      if (outcome.kind === 'delivered') {
        const rejected = Math.min(outcome.rejected ?? 0, batch.length);
        this.totals.delivered += batch.length - rejected;
        if (rejected > 0) this.report(rejected, 'failed', outcome.reason ?? 'not processed by the service');
        this.listener.onSettled?.(batch);
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
        return this.lose(batch, 'failed', outcome.reason);
      }
      lastReason = outcome.reason;
      // Paused (unreachable, or throttled): the gate holds the retry until a probe gets through; no attempt cap.
      if (outcome.throttled === true || outcome.unreachable === true) continue;
      cappedAttempts++;
      if (cappedAttempts >= this.config.retry.maxAttempts) {
        return this.lose(batch, 'failed', `gave up after ${attempt} attempts: ${outcome.reason}`);
      }
      const delay = retryDelayMillis(cappedAttempts, this.config.retry, outcome.retryAfterMillis);
      if (Date.now() - started + delay > budget) {
        return this.lose(batch, 'failed', `gave up after ${budget} ms of retries: ${outcome.reason}`);
      }
      await sleep(delay, this.abort.signal);
    }
  }

  /** The latest time the batch may wait for a pause to end: its oldest item's age limit, else the retry budget. */
  private pauseDeadline(batch: readonly T[], budgetEnd: number): number {
    const appendedAt = this.config.appendedAt;
    if (appendedAt === undefined) return budgetEnd;
    let oldest = Number.POSITIVE_INFINITY;
    for (const item of batch) oldest = Math.min(oldest, appendedAt(item));
    return oldest + (this.config.maxEventAgeMillis ?? Number.POSITIVE_INFINITY);
  }

  /** Gives up the items past their age limit (counted, settled) and returns the rest. */
  private withoutExpired(batch: T[], lastReason: string | undefined): T[] {
    const { appendedAt, maxEventAgeMillis } = this.config;
    if (appendedAt === undefined || maxEventAgeMillis === undefined) return batch;
    const oldest = Date.now() - maxEventAgeMillis;
    if (batch.every((item) => appendedAt(item) >= oldest)) return batch; // the usual case: nothing to split
    const kept: T[] = [];
    const expired: T[] = [];
    for (const item of batch) (appendedAt(item) < oldest ? expired : kept).push(item);
    this.lose(expired, 'failed', `older than maxEventAgeMillis (${maxEventAgeMillis} ms) ${lastReason === undefined ? 'before it could be sent' : `and not delivered: ${lastReason}`}`);
    return kept;
  }

  /** Shutdown's deadline cut the batch off: in the spool it waits for the next process; in memory it is lost. */
  private abandon(batch: T[]): void {
    if (this.config.overflow === 'refuse') this.defer(batch, 'under way');
    else this.lose(batch, 'dropped', 'under way when the shutdown deadline passed');
  }

  /** Left for the next process: what the spool holds is deferred; what it does not (memory only) is lost, counted. */
  private defer(items: readonly T[], state: string): void {
    const durable = this.config.durable;
    const lost = durable === undefined ? [] : items.filter((item) => !durable(item));
    this.totals.deferred += items.length - lost.length;
    if (lost.length > 0) this.report(lost.length, 'dropped', `${state} when the shutdown deadline passed, and not in the spool (its write failed, or the spool was full)`, lost);
  }

  private unreachableSince: number | undefined;
  /** Since the destination became unreachable, a probe (the one request sent after the pause) failed to reach it too. */
  private probeFailed = false;

  /**
   * Whether the destination is down as far as a flush ending at `end` can
   * tell: its last answer said it cannot be reached, and either the probe
   * sent after that failed too, or no probe comes before `end` (a
   * `Retry-After` longer than what is left). One such answer alone may be a
   * blip that the first probe gets past, so a flush waits for that probe
   * rather than leave the events for the next start.
   */
  isDown(end: number): boolean {
    if (this.unreachableSince === undefined) return false;
    return this.probeFailed || this.gate.resumesAt > end;
  }

  private noteReachability(outcome: DeliveryOutcome, ticket: GateTicket): void {
    const unreachable = outcome.kind === 'retryable' && outcome.unreachable === true;
    if (unreachable && this.unreachableSince === undefined) {
      this.unreachableSince = Date.now();
      this.listener.onReachability?.(false, outcome.reason);
    } else if (!unreachable && this.unreachableSince !== undefined) {
      const since = this.unreachableSince;
      this.unreachableSince = undefined;
      this.listener.onReachability?.(true, `reachable again after ${Math.round((Date.now() - since) / 1000)} s`);
    }
    // Answers of requests already in flight when the blip began are not probes: only the probe's failure says "down".
    this.probeFailed = unreachable && (this.probeFailed || ticket === 'probe');
  }

  private async attempt(batch: T[]): Promise<DeliveryOutcome> {
    try {
      return await this.send(batch, this.abort.signal);
    } catch (error) {
      // Senders return values; a throw is a bug, but it must not lose the batch silently.
      return { kind: 'retryable', reason: `unexpected error: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  /** Items given up: counted, reported with their reason, and settled. */
  private lose(items: readonly T[], kind: 'failed' | 'dropped', reason: string): void {
    this.report(items.length, kind, reason, items);
    this.listener.onSettled?.(items);
  }

  private report(count: number, kind: 'failed' | 'dropped', reason: string, items?: readonly T[]): void {
    this.totals[kind] += count;
    this.listener.onLoss(count, kind, reason, items);
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
