import { describe, expect, it } from 'vitest';
import { DELIVERED, harness, range } from './queue-harness.js';

describe('DeliveryQueue batching', () => {
  it('sends queued items in chunks of at most maxBatchSize, in order', async () => {
    const h = harness(() => DELIVERED, { maxBatchSize: 100 });
    h.queue.enqueue(range(0, 250));
    expect(await h.queue.flush(5_000)).toBe(true);
    expect(h.sent.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(h.sent.flat()).toEqual(range(0, 250));
    expect(h.queue.stats()).toEqual({ queued: 0, inFlight: 0, delivered: 250, failed: 0, dropped: 0, retries: 0, deferred: 0 });
  });

  it('joins the enqueues of one tick into one request', async () => {
    const h = harness(() => DELIVERED);
    h.queue.enqueue([1]);
    h.queue.enqueue([2, 3]);
    h.queue.enqueue([]);
    await h.queue.flush(5_000);
    expect(h.sent).toEqual([[1, 2, 3]]);
  });

  it('never sends inside the caller\'s stack', () => {
    const h = harness(() => DELIVERED);
    h.queue.enqueue([1]);
    expect(h.sent).toEqual([]);
    expect(h.queue.stats().queued).toBe(1);
  });

  it('resolves flush at once when nothing is queued', async () => {
    expect(await harness(() => DELIVERED).queue.flush(0)).toBe(true);
  });
});

describe('DeliveryQueue bounds', () => {
  it('drops what does not fit in maxQueueSize, counts it and tells the listener', async () => {
    const h = harness(() => DELIVERED, { maxQueueSize: 10 });
    h.queue.enqueue(range(0, 7));
    h.queue.enqueue(range(7, 15));
    expect(h.queue.stats()).toMatchObject({ queued: 10, dropped: 5 });
    expect(h.losses).toEqual([{ count: 5, kind: 'dropped', reason: 'queue full (10 waiting)' }]);
    await h.queue.flush(5_000);
    expect(h.sent.flat()).toEqual(range(0, 10));
    expect(h.queue.stats()).toMatchObject({ delivered: 10, dropped: 5 });
  });

  it('drops a whole enqueue when the queue is already full', () => {
    const h = harness(() => DELIVERED, { maxQueueSize: 2 });
    h.queue.enqueue([1, 2]);
    h.queue.enqueue([3, 4, 5]);
    expect(h.losses.map((l) => [l.count, l.kind])).toEqual([[3, 'dropped']]);
    expect(h.queue.stats()).toMatchObject({ queued: 2, dropped: 3 });
  });
});

describe('DeliveryQueue outcomes', () => {
  it('retries a retryable outcome up to maxAttempts, then counts the batch failed', async () => {
    const h = harness(() => ({ kind: 'retryable', reason: '503 on POST /events' }), { retry: { maxAttempts: 3 } });
    h.queue.enqueue([1, 2]);
    await h.queue.flush(5_000);
    expect(h.sent).toEqual([[1, 2], [1, 2], [1, 2]]);
    expect(h.queue.stats()).toMatchObject({ delivered: 0, failed: 2, retries: 2, inFlight: 0 });
    expect(h.losses).toEqual([{ count: 2, kind: 'failed', reason: 'gave up after 3 attempts: 503 on POST /events' }]);
  });

  it('delivers on a later attempt after retryable outcomes', async () => {
    const h = harness((_b, call) => (call < 2 ? { kind: 'retryable', reason: 'busy', retryAfterMillis: 0 } : DELIVERED), { retry: { maxAttempts: 5 } });
    h.queue.enqueue([1]);
    await h.queue.flush(5_000);
    expect(h.sent).toHaveLength(3);
    expect(h.queue.stats()).toMatchObject({ delivered: 1, failed: 0, retries: 2 });
    expect(h.losses).toEqual([]);
  });

  it('gives up without waiting when a Retry-After would pass maxRetryElapsedMillis', async () => {
    const h = harness(() => ({ kind: 'retryable', reason: '429', retryAfterMillis: 3_600_000 }), {
      retry: { maxAttempts: 5, maxRetryAfterMillis: 3_600_000, maxRetryElapsedMillis: 1_000 },
    });
    h.queue.enqueue([1]);
    expect(await h.queue.flush(5_000)).toBe(true);
    expect(h.sent).toHaveLength(1);
    expect(h.losses[0]).toMatchObject({ count: 1, kind: 'failed' });
    expect(h.losses[0]!.reason).toMatch(/^gave up after \d+ ms of retries: 429$/);
  });

  it('does not retry a rejected outcome and passes a configError to onConfigError', async () => {
    const reason = 'secureagentics: 401 on POST /v1/agents/agt_1/events/batch — 3 events not delivered. Check SECUREAGENTICS_API_KEY.';
    const h = harness(() => ({ kind: 'rejected', reason, configError: true }));
    h.queue.enqueue([1, 2, 3]);
    await h.queue.flush(5_000);
    expect(h.sent).toHaveLength(1);
    expect(h.configErrors).toEqual([reason]);
    expect(h.losses).toEqual([{ count: 3, kind: 'failed', reason }]);
    expect(h.queue.stats()).toMatchObject({ failed: 3, retries: 0 });
  });

  it('does not report a plain rejection as a configuration error', async () => {
    const h = harness(() => ({ kind: 'rejected', reason: '422' }));
    h.queue.enqueue([1]);
    await h.queue.flush(5_000);
    expect(h.configErrors).toEqual([]);
    expect(h.queue.stats().failed).toBe(1);
  });

  it('counts the items a delivered outcome says were rejected as failed', async () => {
    const h = harness(() => ({ kind: 'delivered', rejected: 2, reason: 'processed 3 of 5' }));
    h.queue.enqueue(range(0, 5));
    await h.queue.flush(5_000);
    expect(h.queue.stats()).toMatchObject({ delivered: 3, failed: 2 });
    expect(h.losses).toEqual([{ count: 2, kind: 'failed', reason: 'processed 3 of 5' }]);
  });

  it('never counts more rejected items than the batch held', async () => {
    const h = harness(() => ({ kind: 'delivered', rejected: 99 }));
    h.queue.enqueue([1, 2]);
    await h.queue.flush(5_000);
    expect(h.queue.stats()).toMatchObject({ delivered: 0, failed: 2 });
    expect(h.losses).toEqual([{ count: 2, kind: 'failed', reason: 'not processed by the service' }]);
  });

  it('treats a send that throws or rejects as retryable, without crashing', async () => {
    const h = harness((_b, call) => {
      if (call === 0) throw new Error('bug in sender');
      if (call === 1) return Promise.reject('not even an Error');
      return DELIVERED;
    }, { retry: { maxAttempts: 3 } });
    h.queue.enqueue([1]);
    await h.queue.flush(5_000);
    expect(h.sent).toHaveLength(3);
    expect(h.queue.stats()).toMatchObject({ delivered: 1, retries: 2, failed: 0 });
  });

  it('names the error of a send that always throws in the loss reason', async () => {
    const h = harness(() => {
      throw new TypeError('cannot read x');
    }, { retry: { maxAttempts: 2 } });
    h.queue.enqueue([1]);
    await h.queue.flush(5_000);
    expect(h.losses).toEqual([{ count: 1, kind: 'failed', reason: 'gave up after 2 attempts: unexpected error: cannot read x' }]);
  });

  it('keeps delivering later batches after one failed', async () => {
    const h = harness((batch) => (batch[0] === 0 ? { kind: 'rejected', reason: 'bad' } : DELIVERED), { maxBatchSize: 2 });
    h.queue.enqueue(range(0, 6));
    await h.queue.flush(5_000);
    expect(h.queue.stats()).toMatchObject({ delivered: 4, failed: 2 });
  });
});
