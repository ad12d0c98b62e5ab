/**
 * A burst: the agent ends spans faster than the processor's timer gets to
 * convert them — here a loop that never yields, so no timer runs until it
 * is over. The span queue must not drop a span: once it is full, the span's
 * end converts the oldest batch itself, and the queue stays within its bound.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect } from 'vitest';
import { auditSpanProcessor, withToolCall } from '../../src/index.js';
import { it } from '../support/audit-test.js';
import { recordingBackend } from '../support/recording-backend.js';
import { FAST_RETRY } from '../support/tracing.js';

const QUEUE = 64;
const CALLS = 2_000;

describe('a burst past the span queue', () => {
  it('converts on the spot instead of dropping: every tool call reaches the backend, the queue stays bounded', async ({ install }) => {
    const backend = recordingBackend();
    const processor = auditSpanProcessor({ backends: [backend], ...FAST_RETRY, maxSpanQueueSize: QUEUE, maxSpanBatchSize: 16, maxQueueSize: 10_000 });
    install.tracing([processor]);

    let mostQueued = 0;
    for (let i = 0; i < CALLS; i++) {
      withToolCall('lookup_order', { orderId: i }, () => ({ status: 'shipped' }));
      mostQueued = Math.max(mostQueued, processor.stats().spansQueued);
    }
    expect(mostQueued).toBe(QUEUE);
    await processor.forceFlush();

    const stats = processor.stats();
    expect(stats.spansDropped).toBe(0);
    const orders = backend.events().filter((e) => e.type === 'tool_call').map((e) => (e.payload['arguments'] as { orderId: number }).orderId);
    expect(orders).toHaveLength(CALLS);
    expect(new Set(orders).size).toBe(CALLS);
    await processor.shutdown();
  });

  it('keeps pace with an agent that yields only now and then: past half the queue, one turn of the loop converts back down to half', async ({ install }) => {
    const backend = recordingBackend();
    const processor = auditSpanProcessor({ backends: [backend], ...FAST_RETRY, maxSpanQueueSize: 4_096, maxSpanBatchSize: 16, maxQueueSize: 10_000 });
    install.tracing([processor]);

    // 3,000 spans in one synchronous stretch (past half of 4,096, short of full: nothing converted inline) …
    for (let i = 0; i < 3_000; i++) withToolCall('lookup_order', { orderId: i }, () => ({ status: 'shipped' }));
    expect(processor.stats().spansQueued).toBe(3_000);
    // … then one turn of the loop: many batches, not one, and the queue is back to half.
    await nextTurn();
    expect(processor.stats().spansQueued).toBeLessThanOrEqual(2_048);
    expect(processor.stats().spansQueued).toBeGreaterThan(2_000); // and no further: the rest waits for the next turns
    await processor.forceFlush();
    expect(backend.events().filter((e) => e.type === 'tool_call')).toHaveLength(3_000);
    expect(processor.stats().spansDropped).toBe(0);
    await processor.shutdown();
  });
});
