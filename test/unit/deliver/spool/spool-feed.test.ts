/**
 * A backend's feed through the spool over several runs of a service, with
 * an in-process backend that can be down (every attempt unreachable) or up.
 */
import { readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { withToolCall } from '../../../../src/index.js';
import type { AuditBackend } from '../../../../src/model/audit-backend.js';
import type { AuditEvent } from '../../../../src/model/audit-event.js';
import type { DeliveryOutcome } from '../../../../src/model/delivery-outcome.js';
import { it } from '../../../support/audit-test.js';
import { freshSpoolDir } from '../../../support/tracing.js';

interface SwitchableBackend extends AuditBackend {
  up: boolean;
  readonly received: AuditEvent[];
}

function switchableBackend(up: boolean): SwitchableBackend {
  const received: AuditEvent[] = [];
  return {
    name: 'recording',
    maxBatchSize: 100,
    up,
    received,
    async send(events): Promise<DeliveryOutcome> {
      if (!this.up) return { kind: 'retryable', unreachable: true, reason: 'recording: connect ECONNREFUSED 127.0.0.1:9' };
      received.push(...events);
      return { kind: 'delivered' };
    },
    async shutdown() {},
  };
}

const toolNames = (events: readonly AuditEvent[]): unknown[] => events.map((e) => e.payload['tool_name']).filter((n) => n !== undefined);

function recordTools(prefix: string, count: number): void {
  for (let i = 0; i < count; i++) withToolCall(`${prefix}${i}`, { i }, () => i);
}

describe('spool feed', () => {
  it('delivers a backlog left by a run whose backend was down, once, in order, at the next start', async ({ install }) => {
    const options = { spoolDir: freshSpoolDir(), serviceName: 'backlog', shutdownTimeoutMillis: 200 };
    const first = install.backends([switchableBackend(false)], options);
    recordTools('t', 250);
    await first.tracing.close();

    const up = switchableBackend(true);
    const second = install.backends([up], options);
    await expect.poll(() => up.received.length, { timeout: 10_000 }).toBe(250);
    expect(toolNames(up.received)).toEqual(Array.from({ length: 250 }, (_, i) => `t${i}`));
    expect(second.processor.stats().backends['recording']).toMatchObject({ delivered: 250, failed: 0, dropped: 0, backlog: 0 });
  });

  it('reads back from disk what did not fit in the queue while the backend was down, and loses none of it', async ({ install }) => {
    const backend = switchableBackend(false);
    const { processor } = install.backends([backend], { spoolDir: freshSpoolDir(), serviceName: 'behind', maxQueueSize: 200 });
    recordTools('t', 1_000);
    await processor.forceFlush();
    expect(processor.stats().backends['recording']!.backlog).toBeGreaterThan(0);

    backend.up = true;
    await expect.poll(() => backend.received.length, { timeout: 15_000 }).toBe(1_000);
    expect(new Set(backend.received.map((e) => e.id)).size).toBe(1_000);
    expect(processor.stats().backends['recording']).toMatchObject({ delivered: 1_000, failed: 0, dropped: 0, backlog: 0 });
  });

  // The queue must ask for more whenever it has room, not only when a whole batch
  // fits: with maxQueueSize below maxBatchSize that never happens.
  it('catches up with its backlog while running when maxQueueSize is below the batch size', async ({ install }) => {
    const backend = switchableBackend(false);
    install.backends([backend], { spoolDir: freshSpoolDir(), serviceName: 'small-queue', maxQueueSize: 50, shutdownTimeoutMillis: 1_000 });
    recordTools('t', 120);
    await new Promise((resolve) => setTimeout(resolve, 300));
    backend.up = true;
    await expect.poll(() => backend.received.length, { timeout: 10_000 }).toBe(120);
  });

  // A run that appended nothing reads the last run's segment back, deletes it at
  // close as delivered and saves its cursor past it: the next run must number its
  // segment after that cursor, or its feed waits at a segment that never comes.
  it('delivers what a run records after a restart that recorded nothing', async ({ install }) => {
    const options = { spoolDir: freshSpoolDir(), serviceName: 'renumbered', shutdownTimeoutMillis: 300 };
    const first = switchableBackend(true);
    const run1 = install.backends([first], options);
    recordTools('first', 3);
    await run1.processor.forceFlush();
    expect(first.received).toHaveLength(3);
    await run1.tracing.close();

    const run2 = install.backends([switchableBackend(true)], options);
    // Nothing to do but read the last run's segment back (a few milliseconds).
    await new Promise((resolve) => setTimeout(resolve, 500));
    await run2.tracing.close();

    const third = switchableBackend(true);
    install.backends([third], options);
    recordTools('third', 2);
    await expect.poll(() => toolNames(third.received), { timeout: 5_000 }).toEqual(['third0', 'third1']);
  });

  // While the feed reads its backlog and the queue is empty, flush must give the
  // event loop to that read (a loop on a resolved promise would starve it).
  it('delivers the recovered backlog within a forceFlush called right after the start', async ({ install }) => {
    const options = { spoolDir: freshSpoolDir(), serviceName: 'busy-wait', shutdownTimeoutMillis: 2_000 };
    const run1 = install.backends([switchableBackend(false)], options);
    recordTools('t', 20);
    await run1.tracing.close();

    const up = switchableBackend(true);
    const run2 = install.backends([up], options);
    await run2.processor.forceFlush();
    expect(up.received).toHaveLength(20);
  });

  // A segment file deleted from under the spool (a temp cleaner, an operator freeing
  // space: the default spool is in the OS temp dir) must not stop the feed for good.
  it('counts a segment file that vanished as lost and goes on with the events after it', async ({ install }) => {
    const options = { spoolDir: freshSpoolDir(), serviceName: 'vanished', shutdownTimeoutMillis: 200, maxQueueSize: 100 };
    const run1 = install.backends([switchableBackend(false)], options);
    recordTools('old', 1_500);
    await run1.tracing.close();

    const backend = switchableBackend(false);
    const run2 = install.backends([backend], options);
    // The queue is full (100 waiting, a few batches in flight); the rest wait in segment 0.
    await expect.poll(() => run2.processor.stats().backends['recording']!.queued).toBe(100);
    const slotDir = join(options.spoolDir, 'vanished', '0');
    unlinkSync(join(slotDir, readdirSync(slotDir).filter((n) => n.endsWith('.log')).sort()[0]!));
    recordTools('new', 1);
    backend.up = true;

    await expect.poll(() => toolNames(backend.received).includes('new0'), { timeout: 10_000 }).toBe(true);
    // How many the file held may not be known any more; that some were lost must be.
    expect(run2.processor.stats().backends['recording']!.dropped).toBeGreaterThan(0);
  });
});
