import type { AuditEvent } from '../../model/audit-event.js';

/**
 * One audit event as delivery holds it: the event, when it entered the
 * spool (its age decides when it is given up), and where it sits there.
 * Without a spool, `position` still orders events and `segment` is -1.
 */
export interface SpoolEntry {
  readonly event: AuditEvent;
  readonly appendedAt: number;
  readonly position: number;
  readonly segment: number;
  /** Byte offset of its record in the segment file; -1 until written (and for one never written: delivered before its commit); -2 when its write failed (memory only). */
  offset: number;
}
