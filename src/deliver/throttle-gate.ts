/**
 * A queue-wide pause after the service said "slow down" (a 429, or any
 * retryable answer with `Retry-After`), or could not be reached at all. While it lasts, no batch of the queue
 * makes a request; when it ends, one request probes the service alone, and
 * only an answer that is not another "slow down" lets the others go again.
 * A service that throttles for hours (a daily quota) therefore sees about one
 * request per pause, not one per batch: no retry storm, no hot loop.
 */
import type { DeliveryOutcome } from '../model/delivery-outcome.js';
import { retryDelayMillis, type RetryConfig } from './retry-policy.js';

/** What {@link ThrottleGate.enter} grants: send, send as the one probe, or give up (the pause outlasts the deadline). */
export type GateTicket = 'go' | 'probe' | 'late';

interface Waiter {
  /** Epoch millis after which this batch may not be attempted any more. */
  readonly deadline: number;
  readonly resolve: (ticket: GateTicket) => void;
}

export class ThrottleGate {
  /** End of the current pause in epoch millis; 0 when not paused. */
  private pausedUntil = 0;
  /** A probe request is under way: everyone else waits for its answer. */
  private probing = false;
  /** Throttled answers in a row, for the growing backoff floor. */
  private throttles = 0;
  private readonly waiters = new Set<Waiter>();
  private timer: NodeJS.Timeout | undefined;

  /**
   * @param onReady called when new batches may start again (the queue pumps).
   * @param signal shutdown: every waiter is let go at once (the caller then sees the abort).
   */
  constructor(
    private readonly retry: RetryConfig,
    private readonly onReady: () => void,
    private readonly signal: AbortSignal,
    private readonly random: () => number = Math.random,
  ) {
    signal.addEventListener('abort', () => this.releaseAll('go'), { once: true });
  }

  /** When the current pause ends and a probe may go (epoch millis); 0 when not paused. */
  get resumesAt(): number {
    return this.pausedUntil;
  }

  /** Whether a new batch may start now: not paused, or the pause is over and it can be the probe. */
  get open(): boolean {
    if (this.probing) return false;
    return this.pausedUntil === 0 || (Date.now() >= this.pausedUntil && this.waiters.size === 0);
  }

  /**
   * The turn of one attempt. Decided synchronously when it can be (the queue's
   * pump relies on a probe being claimed before it looks at `open` again).
   */
  enter(deadline: number): GateTicket | Promise<GateTicket> {
    if (this.signal.aborted || (!this.probing && this.pausedUntil === 0)) return 'go';
    if (!this.probing) {
      if (Date.now() >= this.pausedUntil && this.waiters.size === 0) return this.claimProbe();
      if (this.pausedUntil > deadline) return 'late';
    }
    return new Promise<GateTicket>((resolve) => {
      this.waiters.add({ deadline, resolve });
      if (this.timer === undefined && !this.probing) this.review();
    });
  }

  /** Tells the gate what an attempt got; `ticket` is what {@link enter} granted it. */
  record(outcome: DeliveryOutcome, ticket: GateTicket): void {
    if (ticket === 'probe') this.probing = false;
    if (outcome.kind === 'retryable' && (outcome.throttled === true || outcome.unreachable === true)) {
      // Answers to requests sent before the pause began are one throttle, not one each.
      if (this.pausedUntil === 0 && !this.probing) this.throttles++;
      this.pausedUntil = Math.max(this.pausedUntil, Date.now() + this.pauseMillis(outcome.retryAfterMillis));
      this.review();
    } else if (ticket === 'probe') {
      // The service answered something other than "slow down": it takes requests again.
      this.pausedUntil = 0;
      this.throttles = 0;
      this.releaseAll('go');
      this.onReady();
    } else if (this.pausedUntil === 0 && !this.probing) {
      this.throttles = 0;
    }
  }

  /**
   * The service's own `Retry-After` (capped) the first time; when it keeps
   * throttling, at least the exponential backoff too, so `Retry-After: 0`
   * repeated forever cannot make a hot loop.
   */
  private pauseMillis(retryAfterMillis: number | undefined): number {
    const throttles = Math.max(1, this.throttles);
    const backoff = retryDelayMillis(throttles, this.retry, undefined, this.random);
    if (retryAfterMillis === undefined) return backoff;
    const asked = Math.min(retryAfterMillis, this.retry.maxRetryAfterMillis);
    return throttles === 1 ? asked : Math.max(asked, backoff);
  }

  private claimProbe(): GateTicket {
    this.probing = true;
    this.pausedUntil = 0;
    return 'probe';
  }

  /** Re-decides the waiters after the pause changed or ended. */
  private review(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.probing || this.signal.aborted) return; // waiters wait for the probe's answer
    const now = Date.now();
    if (now < this.pausedUntil) {
      // A batch whose retry budget ends before the pause does is given up now, not after a useless wait.
      for (const waiter of this.waiters) {
        if (this.pausedUntil > waiter.deadline) {
          this.waiters.delete(waiter);
          waiter.resolve('late');
        }
      }
      this.timer = setTimeout(() => this.review(), this.pausedUntil - now);
      this.timer.unref(); // a pause must not keep the process alive; flush/shutdown hold it while they wait
      return;
    }
    // The pause is over: the oldest waiter probes; with none, the queue starts a batch that does.
    const [first] = this.waiters;
    if (first === undefined) {
      this.onReady();
      return;
    }
    this.waiters.delete(first);
    first.resolve(this.claimProbe());
  }

  private releaseAll(ticket: GateTicket): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const waiter of waiting) waiter.resolve(ticket);
  }
}
