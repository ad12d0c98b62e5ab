/**
 * When a posted event is a client's retry of one already stored. The
 * Secureagentics API has no id field; our exporter sends its own id as
 * `payload.event_id` (README, "Audit events"), the same on every retry. But
 * one id can name two different events: a gated tool call is posted as
 * `status: "pending"` by the tool gate, then in its final form by the
 * exporter. So an id match alone is not a retry: the content must match too.
 */
import type { StoredAuditEvent } from './stored-event.js';
import type { ValidEvent } from './validation.js';

/**
 * True when `valid` repeats `stored`: same type, `trace_id` and payload (as
 * JSON text, so key order counts, as a client re-sending the same object
 * keeps it), and the same timestamp when the request gave one (without one,
 * the stored event's is the earlier arrival time, which a retry cannot repeat).
 *
 * @example
 * if (isRetryOf(JSON.parse(storedJson), valid)) return sendJson(res, 201, storedJson);
 */
export function isRetryOf(stored: StoredAuditEvent, valid: ValidEvent): boolean {
  if (stored.type !== valid.type || stored.trace_id !== valid.trace_id) return false;
  if (valid.timestampGiven && stored.timestamp !== valid.timestamp) return false;
  try {
    return JSON.stringify(stored.payload) === JSON.stringify(valid.payload);
  } catch {
    return false; // too deeply nested to serialise: not storable either, and refused when stored
  }
}
