/**
 * Delivery and span-queue options → resolved config, once, at setup:
 * option > env > default, each option through the one option table. A bad
 * value passed in code throws, naming the option.
 */
import { DEFAULTS } from './defaults.js';
import { defaultSpoolRoot } from './spool-root.js';
import { readConfig } from './env.js';
import type { AuditConfig } from './option-table.js';
import { checkValue, resolveOption } from './resolve-option.js';

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
  /**
   * An event not delivered this long after it entered delivery is given up,
   * counted and recorded as `audit.loss`. While a backend cannot be reached,
   * this is the only limit (no attempt cap). Default 86400000 (24 h); env
   * `OTEL_AGENT_AUDIT_MAX_EVENT_AGE_MILLIS`.
   */
  maxEventAgeMillis?: number;
  /**
   * The write-ahead spool's folder (inside it, one folder per service name),
   * or `false` to keep events in memory only. Default: a per-user state
   * folder (`$XDG_STATE_HOME/otel-agent-audit/spool`, else one in the OS temp
   * dir); env `OTEL_AGENT_AUDIT_SPOOL_DIR` (`none` for memory only).
   */
  spoolDir?: string | false;
  /** Disk the spool may use; past it the oldest undelivered events are dropped, counted. Default 268435456 (256 MiB); env `OTEL_AGENT_AUDIT_SPOOL_MAX_BYTES`. */
  spoolMaxBytes?: number;
  /** Group commit: spooled events are written and fsynced at most this long after they were appended. Default 100; env `OTEL_AGENT_AUDIT_SPOOL_FLUSH_MILLIS`. */
  spoolFlushMillis?: number;
  /** One line on stderr at the first successful delivery of each backend, a sign that export works. Default true (env `OTEL_AGENT_AUDIT_ANNOUNCE_DELIVERY`). */
  announceDelivery?: boolean;
}

/** Where and how the spool is kept, resolved; `dir` false: memory only. */
export interface SpoolOptionsResolved {
  /** The folder holding every service's spool, or false. */
  root: string | false;
  maxBytes: number;
  flushMillis: number;
}

/**
 * The retry policy's settings, resolved. Declared here, where it is resolved,
 * so config depends on no later stage; `deliver` takes it as it is.
 */
export interface RetryConfig {
  maxAttempts: number;
  initialBackoffMillis: number;
  maxBackoffMillis: number;
  maxRetryAfterMillis: number;
  maxRetryElapsedMillis: number;
}

/** {@link DeliveryOptions}, resolved: every value set. */
export interface DeliveryConfig {
  maxQueueSize: number;
  maxConcurrentRequests: number;
  retry: RetryConfig;
  shutdownTimeoutMillis: number;
  lossReportIntervalMillis: number;
  maxEventAgeMillis: number;
  spool: SpoolOptionsResolved;
  announceDelivery: boolean;
}

/**
 * Resolves delivery options: each one passed wins, else its env variable (if
 * it has one), else its default.
 *
 * @param config env and defaults, resolved. Default: the process's, read once.
 * @throws {AuditError} `INVALID_OPTION` naming the first invalid option.
 * @example
 * resolveDeliveryConfig({ maxAttempts: 3 }).retry.maxAttempts; // 3
 */
export function resolveDeliveryConfig(options: DeliveryOptions, config: AuditConfig = readConfig()): DeliveryConfig {
  const settings = { config };
  return {
    maxQueueSize: resolveOption('maxQueueSize', options.maxQueueSize, settings),
    maxConcurrentRequests: resolveOption('maxConcurrentRequests', options.maxConcurrentRequests, settings),
    retry: {
      maxAttempts: resolveOption('maxAttempts', options.maxAttempts, settings),
      initialBackoffMillis: resolveOption('initialBackoffMillis', options.initialBackoffMillis, settings),
      maxBackoffMillis: resolveOption('maxBackoffMillis', options.maxBackoffMillis, settings),
      maxRetryAfterMillis: resolveOption('maxRetryAfterMillis', options.maxRetryAfterMillis, settings),
      maxRetryElapsedMillis: resolveOption('maxRetryElapsedMillis', options.maxRetryElapsedMillis, settings),
    },
    shutdownTimeoutMillis: resolveOption('shutdownTimeoutMillis', options.shutdownTimeoutMillis, settings),
    maxEventAgeMillis: resolveOption('maxEventAgeMillis', options.maxEventAgeMillis, settings),
    spool: {
      root: resolveOption('spoolDir', options.spoolDir, settings) ?? defaultSpoolRoot(),
      maxBytes: resolveOption('spoolMaxBytes', options.spoolMaxBytes, settings),
      flushMillis: resolveOption('spoolFlushMillis', options.spoolFlushMillis, settings),
    },
    announceDelivery: resolveOption('announceDelivery', options.announceDelivery, settings),
    // Not an option: how often losses are summarised is ours to keep readable.
    lossReportIntervalMillis: DEFAULTS.lossReportIntervalMillis,
  };
}

/** Options of the span processor, beyond delivery. */
export interface SpanQueueOptions {
  /** Finished spans waiting for conversion before new ones are dropped (and counted). Default 8192. */
  maxSpanQueueSize?: number;
  /** Spans converted per pass, one pass per turn of the event loop (more while over half the queue waits); this many waiting start a pass without waiting for `scheduledDelayMillis`; a span's end converts this many itself when the queue is full. Default 128. */
  maxSpanBatchSize?: number;
  /** How long finished spans wait when fewer than a batch are queued. Default 200. */
  scheduledDelayMillis?: number;
}

/** {@link SpanQueueOptions}, resolved: every value set. */
export interface SpanQueueConfig {
  maxSpanQueueSize: number;
  maxSpanBatchSize: number;
  scheduledDelayMillis: number;
}

/**
 * Resolves span-queue options: each one passed wins, else its default (none
 * of them has an env variable).
 *
 * @throws {AuditError} `INVALID_OPTION` naming the first invalid option.
 * @example
 * resolveSpanQueueConfig({ scheduledDelayMillis: 0 }).maxSpanBatchSize; // 128
 */
export function resolveSpanQueueConfig(options: SpanQueueOptions, config: AuditConfig = readConfig()): SpanQueueConfig {
  const settings = { config };
  return {
    maxSpanQueueSize: resolveOption('maxSpanQueueSize', options.maxSpanQueueSize, settings),
    maxSpanBatchSize: resolveOption('maxSpanBatchSize', options.maxSpanBatchSize, settings),
    scheduledDelayMillis: resolveOption('scheduledDelayMillis', options.scheduledDelayMillis, settings),
  };
}

/**
 * `value` when it is a positive integer, `undefined` when it was not passed.
 * For callers that name a nested option themselves; prefer
 * `resolveOption(name, value, { label })`, which also applies env and default.
 *
 * @throws {AuditError} `INVALID_OPTION` naming `name` when `value` is not a positive integer.
 * @example
 * positive('secureagentics.maxConnections', options.maxConnections) ?? DEFAULTS.maxConnections;
 */
export function positive(name: string, value: number | undefined): number | undefined {
  return value === undefined ? undefined : checkValue('positiveInteger', name, value);
}
