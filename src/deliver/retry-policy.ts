/**
 * The one retry policy of every backend: which answers are worth another
 * attempt, and how long to wait before it.
 */

import type { RetryConfig } from '../config/resolve.js';

export type { RetryConfig } from '../config/resolve.js';

/** What an HTTP status means for delivery. */
export type StatusClass = 'success' | 'retryable' | 'rejected';

/**
 * 2xx success; 408, 429 and every 5xx except 501/505 are retried; any other
 * status is final. (Broader than OTLP's 429/502/503/504 on purpose: an audit
 * event is worth a retry, and stable event ids make a repeated POST safe.)
 */
export function classifyStatus(status: number): StatusClass {
  if (status >= 200 && status < 300) return 'success';
  if (status === 408 || status === 429) return 'retryable';
  if (status >= 500 && status !== 501 && status !== 505) return 'retryable';
  return 'rejected';
}

/**
 * Delay before attempt `attempt + 1`: the server's `Retry-After` (capped)
 * when it gave one, else exponential backoff with full jitter.
 */
export function retryDelayMillis(
  attempt: number,
  config: RetryConfig,
  retryAfterMillis: number | undefined,
  random: () => number = Math.random,
): number {
  if (retryAfterMillis !== undefined) return Math.min(retryAfterMillis, config.maxRetryAfterMillis);
  const ceiling = Math.min(config.maxBackoffMillis, config.initialBackoffMillis * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}
