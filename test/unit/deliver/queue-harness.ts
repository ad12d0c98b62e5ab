/**
 * A DeliveryQueue with a scripted `send` (our own SendBatch interface, not
 * HTTP) and a listener that records every loss and configuration error.
 */
import type { DeliveryOutcome } from '../../../src/model/delivery-outcome.js';
import { DeliveryQueue, type DeliveryQueueConfig } from '../../../src/deliver/delivery-queue.js';

export interface Loss {
  count: number;
  kind: 'failed' | 'dropped';
  reason: string;
}

export interface QueueHarness {
  queue: DeliveryQueue<number>;
  /** Every batch `send` was called with, in call order (retries included). */
  sent: number[][];
  /** The signal of every call. */
  signals: AbortSignal[];
  losses: Loss[];
  configErrors: string[];
}

/** `reply(batch, call)` decides each attempt; `call` counts from 0 across all batches. */
export type Script = (batch: number[], call: number, signal: AbortSignal) => Promise<DeliveryOutcome> | DeliveryOutcome;

export const DELIVERED: DeliveryOutcome = { kind: 'delivered' };

export function harness(script: Script, config: Partial<Omit<DeliveryQueueConfig, 'retry'>> & { retry?: Partial<DeliveryQueueConfig['retry']> } = {}): QueueHarness {
  const sent: number[][] = [];
  const signals: AbortSignal[] = [];
  const losses: Loss[] = [];
  const configErrors: string[] = [];
  const queue = new DeliveryQueue<number>(
    async (batch, signal) => {
      sent.push([...batch]);
      signals.push(signal);
      return script(batch, sent.length - 1, signal);
    },
    {
      maxQueueSize: config.maxQueueSize ?? 1_000,
      maxBatchSize: config.maxBatchSize ?? 100,
      maxConcurrentRequests: config.maxConcurrentRequests ?? 1,
      retry: { maxAttempts: 3, initialBackoffMillis: 1, maxBackoffMillis: 2, maxRetryAfterMillis: 5, maxRetryElapsedMillis: 10_000, ...config.retry },
    },
    {
      onLoss: (count, kind, reason) => losses.push({ count, kind, reason }),
      onConfigError: (reason) => configErrors.push(reason),
    },
  );
  return { queue, sent, signals, losses, configErrors };
}

export const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

/** A send that waits until `signal` aborts, then reports the abort as retryable. */
export function untilAborted(signal: AbortSignal): Promise<DeliveryOutcome> {
  return new Promise((resolve) => {
    const done = (): void => resolve({ kind: 'retryable', reason: 'aborted' });
    if (signal.aborted) done();
    else signal.addEventListener('abort', done, { once: true });
  });
}
