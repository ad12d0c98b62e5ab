/**
 * Options → resolved config, once, at setup: option > env > default. A bad
 * value passed in code throws, naming the option.
 */
import { invalidOption } from '../errors.js';
import type { RetryConfig } from '../deliver/retry-policy.js';
import { DEFAULTS } from './defaults.js';
import { readEnv } from './env.js';

/** Delivery options shared by the exporter, the processor and `setupAudit`. */
export interface DeliveryOptions {
  /** Events waiting per backend before new ones are dropped (and counted). Default 20000; env `OTEL_AGENT_AUDIT_MAX_QUEUE_SIZE`. */
  maxQueueSize?: number;
  /** Requests in flight per backend. Default 8. */
  maxConcurrentRequests?: number;
  /** Attempts per batch, the first included. Default 5. */
  maxAttempts?: number;
  /** First retry backoff; doubles per attempt with full jitter. Default 500. */
  initialBackoffMillis?: number;
  /** Longest backoff. Default 30000. */
  maxBackoffMillis?: number;
  /** Longest `Retry-After` honoured (longer is capped). Default 60000. */
  maxRetryAfterMillis?: number;
  /** A batch is given up this long after its first attempt. Default 120000. */
  maxRetryElapsedMillis?: number;
  /** How long shutdown may take to deliver what is queued. Default 10000; env `OTEL_AGENT_AUDIT_SHUTDOWN_TIMEOUT_MILLIS`. */
  shutdownTimeoutMillis?: number;
}

export interface DeliveryConfig {
  maxQueueSize: number;
  maxConcurrentRequests: number;
  retry: RetryConfig;
  shutdownTimeoutMillis: number;
  lossReportIntervalMillis: number;
}

export function resolveDeliveryConfig(options: DeliveryOptions): DeliveryConfig {
  const env = readEnv();
  return {
    maxQueueSize: positive('maxQueueSize', options.maxQueueSize) ?? env.maxQueueSize ?? DEFAULTS.maxQueueSize,
    maxConcurrentRequests: positive('maxConcurrentRequests', options.maxConcurrentRequests) ?? DEFAULTS.maxConcurrentRequests,
    retry: {
      maxAttempts: positive('maxAttempts', options.maxAttempts) ?? DEFAULTS.maxAttempts,
      initialBackoffMillis: nonNegative('initialBackoffMillis', options.initialBackoffMillis) ?? DEFAULTS.initialBackoffMillis,
      maxBackoffMillis: nonNegative('maxBackoffMillis', options.maxBackoffMillis) ?? DEFAULTS.maxBackoffMillis,
      maxRetryAfterMillis: nonNegative('maxRetryAfterMillis', options.maxRetryAfterMillis) ?? DEFAULTS.maxRetryAfterMillis,
      maxRetryElapsedMillis: nonNegative('maxRetryElapsedMillis', options.maxRetryElapsedMillis) ?? DEFAULTS.maxRetryElapsedMillis,
    },
    shutdownTimeoutMillis:
      nonNegative('shutdownTimeoutMillis', options.shutdownTimeoutMillis) ?? env.shutdownTimeoutMillis ?? DEFAULTS.shutdownTimeoutMillis,
    lossReportIntervalMillis: DEFAULTS.lossReportIntervalMillis,
  };
}

/** Options of the span processor, beyond delivery. */
export interface SpanQueueOptions {
  /** Finished spans waiting for conversion before new ones are dropped (and counted). Default 8192. */
  maxSpanQueueSize?: number;
  /** Spans converted per pass. Default 128. */
  maxSpanBatchSize?: number;
  /** How long finished spans wait when fewer than a batch are queued. Default 200. */
  scheduledDelayMillis?: number;
}

export interface SpanQueueConfig {
  maxSpanQueueSize: number;
  maxSpanBatchSize: number;
  scheduledDelayMillis: number;
}

export function resolveSpanQueueConfig(options: SpanQueueOptions): SpanQueueConfig {
  return {
    maxSpanQueueSize: positive('maxSpanQueueSize', options.maxSpanQueueSize) ?? DEFAULTS.maxSpanQueueSize,
    maxSpanBatchSize: positive('maxSpanBatchSize', options.maxSpanBatchSize) ?? DEFAULTS.maxSpanBatchSize,
    scheduledDelayMillis: nonNegative('scheduledDelayMillis', options.scheduledDelayMillis) ?? DEFAULTS.scheduledDelayMillis,
  };
}

export function positive(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1) throw invalidOption(name, 'a positive integer', value);
  return value;
}

function nonNegative(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value < 0) throw invalidOption(name, 'a number ≥ 0', value);
  return value;
}
