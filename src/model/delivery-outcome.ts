/** The result of one delivery attempt: a value, never a throw. */
export type DeliveryOutcome =
  /** The service took the batch. `rejected` counts items it said it did not process. */
  | { readonly kind: 'delivered'; readonly rejected?: number; readonly reason?: string }
  /**
   * Worth another attempt (429, 5xx, connection error, timeout). `throttled`
   * marks the service asking every client to slow down (a 429, or a
   * `Retry-After`); `unreachable` a service that cannot take requests at all
   * (connection refused, reset or timed out, an answer that never completed,
   * 502/503/504). Either pauses all the queue's requests, not just this batch,
   * and no attempt cap applies while the pause lasts.
   */
  | {
      readonly kind: 'retryable';
      readonly reason: string;
      readonly retryAfterMillis?: number;
      readonly throttled?: boolean;
      readonly unreachable?: boolean;
    }
  /**
   * Final: not retried. `configError` marks problems only the user can fix
   * (key, URL, agent id); `tooLarge` a request body the service refused for
   * its size (the queue then splits the batch).
   */
  | { readonly kind: 'rejected'; readonly reason: string; readonly configError?: boolean; readonly tooLarge?: boolean };
