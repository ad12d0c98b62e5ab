/**
 * An audit event as one CSV record, in a fixed set of columns, so a
 * spreadsheet or a SIEM import sees the same columns from every trail.
 */
import { csvRecord } from './csv.js';
import { isoTime } from './event-line.js';
import { policyText } from './event-policy.js';
import { eventStatus, eventSubject, eventSummary } from './event-summary.js';
import type { TrailEvent } from './trail-event.js';

/**
 * The columns, in order. `name` is the model (prompt, completion), the tool
 * (tool_call), the error type, or the custom event's name; `policy` the
 * receiver's or the tool gate's verdict.
 */
export const CSV_COLUMNS = ['id', 'timestamp', 'type', 'session', 'trace', 'span', 'agent', 'name', 'status', 'policy', 'summary'] as const;

/**
 * The header record.
 *
 * @example
 * csvHeader(); // 'id,timestamp,type,session,trace,span,agent,name,status,policy,summary\r\n'
 */
export function csvHeader(): string {
  return csvRecord(CSV_COLUMNS);
}

/**
 * The record of `event`; absent fields are empty.
 *
 * @example
 * eventCsvRecord(toolCall); // 'abc-tool_call,2026-05-04T10:30:00.002Z,tool_call,sess-1,…\r\n'
 */
export function eventCsvRecord(event: TrailEvent): string {
  return csvRecord([
    event.id,
    isoTime(event),
    event.type,
    event.sessionId ?? '',
    event.traceId ?? '',
    event.spanId ?? '',
    event.agentName ?? event.agentId ?? '',
    eventSubject(event),
    eventStatus(event),
    policyText(event),
    eventSummary(event),
  ]);
}
