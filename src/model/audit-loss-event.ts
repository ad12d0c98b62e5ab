import { randomBytes } from 'node:crypto';
import { auditEventId, type AuditEvent } from './audit-event.js';
import type { LossSummary } from './loss-summary.js';

/**
 * The `custom` event `audit.loss` that records, in the trail itself, that
 * events were given up: which backend, how many, why, and which range. It
 * is sent to every backend, so the gap shows where the trail is read, not
 * only in a local log line. Its trace and span ids are fresh: it belongs to
 * no span.
 *
 * @example
 * auditLossEvent({ backend: 'secureagentics', total: 3, byReason: { 'failed: 400 …': 3 } }, new Date());
 */
export function auditLossEvent(summary: LossSummary, at: Date, resource?: AuditEvent['resource']): AuditEvent {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return {
    id: auditEventId(traceId, spanId, 'audit.loss'),
    type: 'custom',
    traceId,
    spanId,
    timestamp: at.toISOString(),
    payload: {
      name: 'audit.loss',
      backend: summary.backend,
      lost: summary.total,
      by_reason: { ...summary.byReason },
      first_event_id: summary.firstEventId,
      last_event_id: summary.lastEventId,
      from: summary.from,
      to: summary.to,
    },
    ...(resource && { resource }),
  };
}
