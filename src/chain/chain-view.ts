/**
 * The chain view: the part of an audit event its hash covers, built so that
 * it comes out the same from the event in memory and from every trail it can
 * be read back from (the local receiver's stored events, the Secureagentics
 * wire events, the jsonl-file backend's lines).
 */
import type { AuditEvent } from '../model/audit-event.js';
import { AUDIT_SEQUENCE_NUMBER, AUDIT_SEQUENCE_PREV_HASH, AUDIT_STREAM_ID } from './chain-fields.js';

/**
 * `{ type, timestamp, trace_id, payload }` with the event's identity (`event_id`,
 * `span_id`, `parent_span_id`, `session_id`, `agent_name`, `agent_id`) merged
 * into the payload, the payload's own keys winning: the Secureagentics wire
 * event exactly. Values read from a trail are kept as found, whatever their
 * type, so an edit to any of them changes the hash.
 */
export interface ChainView {
  readonly type: unknown;
  readonly timestamp: unknown;
  readonly trace_id: unknown;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** Where a chained event sits in its stream, read from its payload. */
export interface ChainPosition {
  readonly streamId: string;
  /** 1, 2, 3 …: a positive safe integer. */
  readonly sequence: number;
  /** Absent on sequence 1 (and on a line whose value is not a string). */
  readonly prevHash: string | undefined;
}

/** A trail line that is a chained event: its view and its place in the stream. */
export interface ChainedLine extends ChainPosition {
  readonly view: ChainView;
}

/**
 * The chain view of an event in memory, as `toWireEvent` would send it.
 *
 * @example
 * chainHash(chainViewOfEvent(event)); // the hash the next event links to
 */
export function chainViewOfEvent(event: AuditEvent): ChainView {
  // Keys in sorted order: the canonical form then needs no copy of this object.
  return {
    payload: withIdentity(event.id, event.spanId, event.parentSpanId, event.sessionId, event.agentName, event.agentId, event.payload),
    timestamp: event.timestamp,
    trace_id: event.traceId,
    type: event.type,
  };
}

/**
 * The chain view of one parsed trail line and its stream position, or
 * undefined when the line is not a chained event (not an object, no payload
 * object, no stream id or sequence number). Three forms are read:
 * the receiver's stored event and the Secureagentics wire event carry the
 * merged payload already; a jsonl-file line, told by its top-level `span_id`,
 * carries the identity beside the payload and is merged here.
 *
 * @example
 * chainViewOfLine(JSON.parse(line))?.sequence; // 42
 */
export function chainViewOfLine(line: unknown): ChainedLine | undefined {
  if (!isRecord(line)) return undefined;
  const payload = line['payload'];
  if (!isRecord(payload)) return undefined;
  const position = chainPositionOf(payload);
  if (position === undefined) return undefined;
  const view: ChainView = {
    payload:
      'span_id' in line
        ? withIdentity(line['id'], line['span_id'], line['parent_span_id'], line['session_id'], line['agent_name'], line['agent_id'], payload)
        : payload,
    timestamp: line['timestamp'],
    trace_id: line['trace_id'],
    type: line['type'],
  };
  return { view, streamId: position.streamId, sequence: position.sequence, prevHash: position.prevHash };
}

/**
 * The stream position a payload carries, or undefined when it carries none
 * (a stream id that is not a non-empty string, a sequence number that is not
 * a positive safe integer).
 *
 * @example
 * chainPositionOf(event.payload); // { streamId: '3f…', sequence: 7, prevHash: 'ab…' }
 */
export function chainPositionOf(payload: Readonly<Record<string, unknown>>): ChainPosition | undefined {
  const streamId = payload[AUDIT_STREAM_ID];
  const sequence = payload[AUDIT_SEQUENCE_NUMBER];
  if (typeof streamId !== 'string' || streamId === '') return undefined;
  if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 1) return undefined;
  const prevHash = payload[AUDIT_SEQUENCE_PREV_HASH];
  return { streamId, sequence, prevHash: typeof prevHash === 'string' ? prevHash : undefined };
}

/**
 * Identity fields, then the payload over them (`Object.assign`, as
 * `toWireEvent` does). Optional fields count only when truthy, as there:
 * an empty `parent_span_id` is not sent, so it must not be hashed either.
 */
function withIdentity(
  eventId: unknown,
  spanId: unknown,
  parentSpanId: unknown,
  sessionId: unknown,
  agentName: unknown,
  agentId: unknown,
  payload: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { event_id: eventId, span_id: spanId };
  if (parentSpanId) merged['parent_span_id'] = parentSpanId;
  if (sessionId) merged['session_id'] = sessionId;
  if (agentName) merged['agent_name'] = agentName;
  if (agentId) merged['agent_id'] = agentId;
  return Object.assign(merged, payload);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
