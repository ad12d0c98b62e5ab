import { describe, expect, it } from 'vitest';
import type { DeliveryOutcome } from '../../../src/model/delivery-outcome.js';
import { DELIVERED, harness, range, untilAborted } from './queue-harness.js';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000 && !condition(); i++) await nextTurn();
  expect(condition()).toBe(true);
}

describe('DeliveryQueue.flush', () => {
  it('resolves false when the timeout passes before everything settled', async () => {
    const h = harness((_b, _n, signal) => untilAborted(signal));
    h.queue.enqueue([1]);
    expect(await h.queue.flush(5)).toBe(false);
    expect(h.queue.stats()).toMatchObject({ inFlight: 1, delivered: 0 });
    await h.queue.shutdown(0);
  });

  it('resolves true only once retries have settled', async () => {
    const h = harness((_b, call) => (call === 0 ? { kind: 'retryable', reason: 'busy' } : DELIVERED));
    h.queue.enqueue([1]);
    expect(await h.queue.flush(5_000)).toBe(true);
    expect(h.queue.stats()).toMatchObject({ delivered: 1, inFlight: 0, queued: 0 });
  });
});

describe('DeliveryQueue.shutdown', () => {
  it('delivers everything queued when that fits in the deadline', async () => {
    const h = harness(async () => {
      await nextTurn();
      return DELIVERED;
    }, { maxBatchSize: 100 });
    h.queue.enqueue(range(0, 250));
    await h.queue.shutdown(5_000);
    expect(h.queue.stats()).toEqual({ queued: 0, inFlight: 0, delivered: 250, failed: 0, dropped: 0, retries: 0, deferred: 0 });
    expect(h.signals.every((s) => !s.aborted)).toBe(true);
  });

  it('drops and counts what is enqueued after shutdown', async () => {
    const h = harness(() => DELIVERED);
    await h.queue.shutdown(100);
    h.queue.enqueue([1, 2]);
    expect(h.losses).toEqual([{ count: 2, kind: 'dropped', reason: 'received after shutdown' }]);
    expect(h.sent).toEqual([]);
  });

  it('aborts the request under way at the deadline and counts it and the rest of the queue as dropped', async () => {
    const h = harness((_b, _n, signal) => untilAborted(signal), { maxBatchSize: 1, maxConcurrentRequests: 1, retry: { maxAttempts: 5 } });
    h.queue.enqueue([1, 2, 3]);
    await until(() => h.sent.length === 1);
    await h.queue.shutdown(5);
    expect(h.signals[0]!.aborted).toBe(true);
    expect(h.sent).toEqual([[1]]);
    expect(h.queue.stats()).toEqual({ queued: 0, inFlight: 0, delivered: 0, failed: 0, dropped: 3, retries: 0, deferred: 0 });
    expect(h.losses).toEqual([
      { count: 2, kind: 'dropped', reason: 'still queued when the shutdown deadline passed' },
      { count: 1, kind: 'dropped', reason: 'under way when the shutdown deadline passed' },
    ]);
  });

  it('cuts a long backoff short at the deadline instead of waiting it out', async () => {
    const hour = 3_600_000;
    const h = harness(() => ({ kind: 'retryable', reason: '429', retryAfterMillis: hour }), {
      retry: { maxAttempts: 5, maxRetryAfterMillis: hour, maxRetryElapsedMillis: 2 * hour },
    });
    h.queue.enqueue([1]);
    await until(() => h.sent.length === 1);
    await nextTurn(); // now in its backoff
    await h.queue.shutdown(5);
    expect(h.sent).toHaveLength(1);
    // The retry never happened, so it is not counted as one.
    expect(h.queue.stats()).toMatchObject({ inFlight: 0, dropped: 1, delivered: 0, retries: 0 });
  });

  it('can be called twice', async () => {
    const h = harness(() => DELIVERED);
    h.queue.enqueue([1]);
    await h.queue.shutdown(1_000);
    await expect(h.queue.shutdown(1_000)).resolves.toBeUndefined();
    expect(h.queue.stats().delivered).toBe(1);
  });
});

describe('DeliveryQueue concurrency', () => {
  async function peakConcurrency(maxConcurrentRequests: number, script: (call: number) => DeliveryOutcome = () => DELIVERED): Promise<number> {
    let active = 0;
    let peak = 0;
    const h = harness(async (_b, call) => {
      peak = Math.max(peak, ++active);
      await new Promise((resolve) => setTimeout(resolve, 1));
      active--;
      return script(call);
    }, { maxBatchSize: 1, maxConcurrentRequests, retry: { maxAttempts: 3 } });
    h.queue.enqueue(range(0, 20));
    expect(await h.queue.flush(5_000)).toBe(true);
    expect(h.queue.stats().delivered + h.queue.stats().failed).toBe(20);
    return peak;
  }

  it('keeps at most maxConcurrentRequests requests in flight, and uses them all', async () => {
    expect(await peakConcurrency(3)).toBe(3);
    expect(await peakConcurrency(1)).toBe(1);
  });

  it('counts a batch waiting for a retry against the limit', async () => {
    expect(await peakConcurrency(2, (call) => (call % 3 === 0 ? { kind: 'retryable', reason: 'x', retryAfterMillis: 1 } : DELIVERED))).toBe(2);
  });
});
