/**
 * What a deciding backend answered about a tool call that is about to run
 * (audit-apis.md: Secureagentics' synchronous `policy_result`, AgenticAudit's
 * `decision`). A value, never a throw.
 */
export type ToolDecision =
  /** The backend let the call run. `raw` is the backend's own verdict object, for the user. */
  | { readonly kind: 'allow'; readonly reason?: string; readonly raw?: unknown }
  /** The backend blocked the call; `reason` says why, in the backend's words. */
  | { readonly kind: 'block'; readonly reason: string; readonly raw?: unknown }
  /** No verdict: backend down, timed out, refused the request or answered nonsense. */
  | { readonly kind: 'unavailable'; readonly reason: string };
