/** The result of one delivery attempt: a value, never a throw. */
export type DeliveryOutcome =
  /** The service took the batch. `rejected` counts items it said it did not process. */
  | { readonly kind: 'delivered'; readonly rejected?: number; readonly reason?: string }
  /**
   * Worth another attempt (429, 5xx, connection error, timeout). `throttled`
   * marks the service asking every client to slow down (a 429, or a
   * `Retry-After`): the queue then pauses all its requests, not just this batch.
   */
  | { readonly kind: 'retryable'; readonly reason: string; readonly retryAfterMillis?: number; readonly throttled?: boolean }
  /**
   * Final: not retried. `configError` marks problems only the user can fix
   * (key, URL, agent id); `tooLarge` a request body the service refused for
   * its size (the queue then splits the batch).
   */
  | { readonly kind: 'rejected'; readonly reason: string; readonly configError?: boolean; readonly tooLarge?: boolean };
