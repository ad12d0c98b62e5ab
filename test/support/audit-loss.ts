/**
 * Requests that carry the agent's activity, without those that only carry
 * an `audit.loss` record (the pipeline sends one to every backend when it
 * gives events up): for tests that count what one failure costs.
 */
export function activityRequests<T extends { rawBody: string }>(requests: readonly T[]): T[] {
  return requests.filter((r) => !r.rawBody.includes('"audit.loss"'));
}

/** Whether a request carries an `audit.loss` record. */
export function isLossRecordRequest(request: { rawBody: string }): boolean {
  return request.rawBody.includes('"audit.loss"');
}
