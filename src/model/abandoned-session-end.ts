import { auditEventId, type AuditEvent } from './audit-event.js';

/**
 * The `session.end` of a session whose process died (or stopped) before
 * the session ended, made from its `session.start` by the next owner of the
 * spool: outcome `abandoned`, with the reason, so no session stays open in
 * the backend forever. It has the id a real `session.end` of that span
 * would have had. Its time is when the loss was found, not when the
 * process died (which nothing recorded); it carries no duration.
 *
 * @example
 * abandonedSessionEnd(start, new Date(), 'the process ended (crash, kill, or exit without shutdown) before the session did');
 */
export function abandonedSessionEnd(start: AuditEvent, at: Date, reason: string): AuditEvent {
  return {
    ...start,
    id: auditEventId(start.traceId, start.spanId, 'session.end'),
    timestamp: at.toISOString(),
    payload: {
      name: 'session.end',
      outcome: 'abandoned',
      reason,
      span_name: start.payload['span_name'],
    },
  };
}
