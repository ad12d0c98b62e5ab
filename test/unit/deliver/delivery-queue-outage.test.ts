import { describe, expect, it } from 'vitest';
import { DeliveryQueue, type DeliveryQueueConfig } from '../../../src/deliver/delivery-queue.js';
import type { DeliveryOutcome } from '../../../src/model/delivery-outcome.js';

interface Item {
  readonly n: number;
  readonly appendedAt: number;
}

const UNREACHABLE: DeliveryOutcome = { kind: 'retryable', unreachable: true, reason: 'ECONNREFUSED' };
const SERVER_ERROR: DeliveryOutcome = { kind: 'retryable', reason: '500 on POST /events' };

/** A queue whose sends follow `reply`, recording settlements, losses and reachability changes. */
function outageQueue(reply: (call: number) => DeliveryOutcome | Promise<DeliveryOutcome>, config: Partial<DeliveryQueueConfig<Item>> = {}) {
  const settled: number[] = [];
  const losses: Array<{ count: number; kind: string; reason: string }> = [];
  const reachability: boolean[] = [];
  let calls = 0;
  let rooms = 0;
  const queue = new DeliveryQueue<Item>(
    async () => reply(calls++),
    {
      maxQueueSize: 10,
      maxBatchSize: 5,
      maxConcurrentRequests: 1,
      retry: { maxAttempts: 2, initialBackoffMillis: 1, maxBackoffMillis: 4, maxRetryAfterMillis: 5, maxRetryElapsedMillis: 10_000 },
      appendedAt: (item) => item.appendedAt,
      maxEventAgeMillis: 60_000,
      ...config,
    },
    {
      onLoss: (count, kind, reason) => losses.push({ count, kind, reason }),
      onConfigError: () => {},
      onSettled: (items) => settled.push(...items.map((i) => i.n)),
      onRoom: () => rooms++,
      onReachability: (reachable) => reachability.push(reachable),
    },
  );
  return { queue, settled, losses, reachability, calls: () => calls, rooms: () => rooms };
}

const items = (from: number, to: number, appendedAt = Date.now()): Item[] => Array.from({ length: to - from }, (_, i) => ({ n: from + i, appendedAt }));

describe('DeliveryQueue outages', () => {
  it('waits out an unreachable destination past maxAttempts, then delivers, settling each item once', async () => {
    const h = outageQueue((call) => (call < 6 ? UNREACHABLE : { kind: 'delivered' }));
    h.queue.enqueue(items(0, 5));
    expect(await h.queue.flush(5_000)).toBe(true);
    expect(h.calls()).toBeGreaterThan(2); // more attempts than maxAttempts: no cap while unreachable
    expect(h.queue.stats()).toMatchObject({ delivered: 5, failed: 0, dropped: 0 });
    expect(h.settled.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4]);
    expect(h.reachability).toEqual([false, true]);
    expect(h.losses).toEqual([]);
  });

  it('calls the destination down only once the probe after a failure fails too: one blip is not an outage', async () => {
    const states: boolean[] = [];
    const h = outageQueue((call) => {
      states.push(h.queue.isDown(Date.now() + 10_000)); // as a flush ending in 10 s sees it before each answer
      return call < 3 ? UNREACHABLE : { kind: 'delivered' };
    });
    h.queue.enqueue(items(0, 2));
    expect(await h.queue.flush(5_000)).toBe(true);
    expect(states).toEqual([false, false, true, true]);
    expect(h.queue.isDown(Date.now() + 10_000)).toBe(false);
    expect(h.reachability).toEqual([false, true]); // the warning still comes with the first failure
  });

  it('does not take failures of requests already in flight for the probe: several answers of one blip are still one', async () => {
    let release!: () => void;
    const blip = new Promise<void>((resolve) => (release = resolve));
    // Both first batches answer "unreachable" together; the probe after them gets through.
    const h = outageQueue((call) => (call < 2 ? blip.then(() => UNREACHABLE) : { kind: 'delivered' }), { maxConcurrentRequests: 8, maxBatchSize: 5 });
    h.queue.enqueue(items(0, 10));
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(h.queue.isDown(Date.now() + 10_000)).toBe(false);
    expect(await h.queue.flush(5_000)).toBe(true);
    expect(h.queue.stats()).toMatchObject({ delivered: 10, failed: 0 });
  });

  it('calls the destination down at once when it asks for a pause that outlasts the flush', async () => {
    const h = outageQueue((call) => (call === 0 ? { ...UNREACHABLE, retryAfterMillis: 30_000 } : { kind: 'delivered' }), {
      retry: { maxAttempts: 2, initialBackoffMillis: 1, maxBackoffMillis: 4, maxRetryAfterMillis: 60_000, maxRetryElapsedMillis: 120_000 },
    });
    h.queue.enqueue(items(0, 1));
    await h.queue.flush(50); // the first answer is in; its pause runs 30 s
    expect(h.queue.isDown(Date.now() + 10_000)).toBe(true);
    expect(h.queue.isDown(Date.now() + 60_000)).toBe(false); // a flush that outlasts the pause waits for the probe
    await h.queue.shutdown(0);
  });

  it('still gives a batch up after maxAttempts when the destination answers (a 500 is not an outage)', async () => {
    const h = outageQueue(() => SERVER_ERROR);
    h.queue.enqueue(items(0, 3));
    expect(await h.queue.flush(5_000)).toBe(true);
    expect(h.calls()).toBe(2);
    expect(h.queue.stats()).toMatchObject({ delivered: 0, failed: 3 });
    expect(h.settled).toHaveLength(3);
  });

  it('gives up, as failed, only the items older than maxEventAgeMillis while unreachable', async () => {
    const h = outageQueue(() => UNREACHABLE, { maxEventAgeMillis: 200 });
    h.queue.enqueue(items(0, 2, Date.now() - 1_000)); // already too old
    expect(await h.queue.flush(5_000)).toBe(true);
    expect(h.queue.stats()).toMatchObject({ failed: 2, delivered: 0 });
    expect(h.losses[0]?.reason).toBe('older than maxEventAgeMillis (200 ms) before it could be sent');
    h.queue.enqueue(items(2, 3)); // fresh: waits, then expires after ~200 ms
    const started = Date.now();
    expect(await h.queue.flush(5_000)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(h.queue.stats()).toMatchObject({ failed: 3 });
    expect(h.losses[1]?.reason).toMatch(/older than maxEventAgeMillis \(200 ms\) and not delivered: ECONNREFUSED/);
  });

  it("with overflow 'refuse' takes what fits, counts nothing lost, and says when it has room again", async () => {
    let open = false;
    const h = outageQueue(() => (open ? { kind: 'delivered' } : UNREACHABLE), { overflow: 'refuse' });
    expect(h.queue.enqueue(items(0, 14))).toBe(10);
    expect(h.queue.stats()).toMatchObject({ dropped: 0 });
    open = true;
    await h.queue.flush(5_000);
    expect(h.rooms()).toBeGreaterThan(0);
    expect(h.queue.stats()).toMatchObject({ delivered: 10, dropped: 0, failed: 0 });
  });

  it("with overflow 'refuse' leaves what shutdown cut off as deferred, not lost and not settled", async () => {
    const h = outageQueue(() => UNREACHABLE, { overflow: 'refuse' });
    h.queue.enqueue(items(0, 8));
    await h.queue.shutdown(100);
    expect(h.queue.stats()).toMatchObject({ delivered: 0, failed: 0, dropped: 0, deferred: 8, queued: 0, inFlight: 0 });
    expect(h.settled).toEqual([]);
    expect(h.losses).toEqual([]);
  });
});
