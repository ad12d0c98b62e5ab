import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeliveryOutcome } from '../../../src/model/delivery-outcome.js';
import { DELIVERED, harness, range } from './queue-harness.js';

// The production retry settings, on a fake clock: a day passes in moments.
const PRODUCTION_RETRY = { maxAttempts: 5, initialBackoffMillis: 500, maxBackoffMillis: 30_000, maxRetryAfterMillis: 60_000, maxRetryElapsedMillis: 120_000 };
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const QUOTA_SPENT: DeliveryOutcome = { kind: 'retryable', reason: '429 on POST /ingest-event', retryAfterMillis: DAY, throttled: true };

beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(Math, 'random').mockReturnValue(0.5); // the backoff jitter, made repeatable
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('DeliveryQueue under a throttling service', () => {
  it('spends about one request per pause on a day of 429s, keeps memory bounded and counts every loss', async () => {
    let throttled = true;
    const h = harness(() => (throttled ? QUOTA_SPENT : DELIVERED), {
      maxQueueSize: 100, maxBatchSize: 1, maxConcurrentRequests: 8, retry: PRODUCTION_RETRY,
    });
    let enqueued = 0;
    let peakQueued = 0;
    // An agent producing 100 events every 10 minutes, all day.
    for (let tick = 0; tick < DAY / (10 * MINUTE); tick++) {
      h.queue.enqueue(range(enqueued, enqueued + 100));
      enqueued += 100;
      peakQueued = Math.max(peakQueued, h.queue.stats().queued);
      await vi.advanceTimersByTimeAsync(10 * MINUTE);
    }
    // The first 8 went out together before any answer; then one probe per (capped) minute.
    expect(h.sent.length).toBeGreaterThan(DAY / MINUTE - 60);
    expect(h.sent.length).toBeLessThanOrEqual(8 + DAY / MINUTE);
    expect(peakQueued).toBeLessThanOrEqual(100);
    const stats = h.queue.stats();
    expect(stats.delivered).toBe(0);
    expect(stats.failed + stats.dropped + stats.queued + stats.inFlight).toBe(enqueued);
    expect(h.losses.some((l) => l.kind === 'dropped' && l.reason === 'queue full (100 waiting)')).toBe(true);
    expect(h.losses.some((l) => l.kind === 'failed' && l.reason.endsWith(': 429 on POST /ingest-event'))).toBe(true);

    // The quota resets: the next probe gets through and the queue drains at full concurrency.
    throttled = false;
    const before = h.sent.length;
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(h.queue.stats()).toMatchObject({ queued: 0, inFlight: 0 });
    expect(h.queue.stats().delivered).toBe(h.sent.length - before);
    expect(h.queue.stats().delivered).toBeGreaterThan(50);
  });

  it('does not make a hot loop of a service that answers 429 with Retry-After: 0 forever', async () => {
    const h = harness(() => ({ ...QUOTA_SPENT, retryAfterMillis: 0 }), {
      maxQueueSize: 100, maxBatchSize: 1, maxConcurrentRequests: 8, retry: PRODUCTION_RETRY,
    });
    h.queue.enqueue(range(0, 100));
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    // The backoff floor grows to 15 s (half of maxBackoffMillis, at this jitter): about 40 probes in 10 minutes.
    expect(h.sent.length).toBeLessThan(60);
    expect(h.sent.length).toBeGreaterThan(20);
  });

  it('pauses every batch, not only the throttled one, then lets them all go once a probe gets through', async () => {
    let active = 0;
    const concurrencyAtCall: number[] = [];
    const h = harness(async (_batch, call) => {
      concurrencyAtCall.push(++active);
      await new Promise((resolve) => setTimeout(resolve, 10));
      active--;
      return call < 4 ? { kind: 'retryable', reason: '429', retryAfterMillis: 5_000, throttled: true } : DELIVERED;
    }, { maxBatchSize: 1, maxConcurrentRequests: 4, retry: PRODUCTION_RETRY });
    h.queue.enqueue(range(0, 12));
    await vi.advanceTimersByTimeAsync(4_000);
    expect(h.sent).toHaveLength(4); // the first wave, then nothing during the pause
    await vi.advanceTimersByTimeAsync(1_015); // the pause began when the answers came, 10 ms in
    expect(h.sent).toHaveLength(5); // one probe alone
    expect(concurrencyAtCall[4]).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.queue.stats()).toMatchObject({ queued: 0, inFlight: 0, delivered: 12, failed: 0, dropped: 0, retries: 4 });
    expect(Math.max(...concurrencyAtCall.slice(5))).toBe(4); // full concurrency again
  });

  it('gives a batch up at once when the pause outlasts its retry budget', async () => {
    const h = harness(() => QUOTA_SPENT, { maxBatchSize: 1, retry: { ...PRODUCTION_RETRY, maxRetryAfterMillis: DAY } });
    h.queue.enqueue([1]);
    await vi.advanceTimersByTimeAsync(0);
    expect(h.sent).toHaveLength(1);
    expect(h.losses).toEqual([{ count: 1, kind: 'failed', reason: 'gave up after 120000 ms of retries: 429 on POST /ingest-event' }]);
  });
});
