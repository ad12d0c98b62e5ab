/** The result of one delivery attempt: a value, never a throw. */
export type DeliveryOutcome =
  /** The service took the batch. `rejected` counts items it said it did not process. */
  | { readonly kind: 'delivered'; readonly rejected?: number; readonly reason?: string }
  /** Worth another attempt (429, 5xx, connection error, timeout). */
  | { readonly kind: 'retryable'; readonly reason: string; readonly retryAfterMillis?: number }
  /**
   * Final: not retried. `configError` marks problems only the user can fix
   * (key, URL, agent id); `tooLarge` a request body the service refused for
   * its size (the queue then splits the batch).
   */
  | { readonly kind: 'rejected'; readonly reason: string; readonly configError?: boolean; readonly tooLarge?: boolean };
