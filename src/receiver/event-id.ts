/** The client's own id for an event (`payload.event_id`), used to store a retried event once. */
export function eventIdOf(payload: Record<string, unknown>): string | undefined {
  const id = payload.event_id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}
