/**
 * The record payloads of events, serialized once: a fit check
 * (`EventSpool.shortage`) has to know how many bytes events take before it
 * lets them in, and the commit that writes them then uses the same text, so
 * the spool weighs exactly what it measured and never serializes twice.
 * Kept per event object, weakly: one that is never written (settled from
 * memory first, or refused) costs nothing once it is dropped.
 */
import type { AuditEvent } from '../../model/audit-event.js';
import { eventJson } from './event-json.js';
import { RECORD_HEADER_BYTES } from './spool-record.js';

interface Measured {
  readonly json: string;
  readonly bytes: number;
}

/**
 * Measured records, until they are written.
 *
 * @example
 * const records = new MeasuredRecords();
 * records.bytesOf(events); // 2104: what their records take in a segment
 * records.payload(events[0]); // the JSON measured, now forgotten
 */
export class MeasuredRecords {
  private readonly records = new WeakMap<AuditEvent, Measured>();
  /** Whether anything was ever measured: a spool no fit check uses (the in-process path) skips the lookups on each append and write. */
  private measuring = false;

  /** What the records of `events` take in a segment (header and UTF-8 payload), measuring each once. */
  bytesOf(events: readonly AuditEvent[]): number {
    let bytes = 0;
    for (const event of events) bytes += this.measure(event).bytes;
    return bytes;
  }

  /** The measured size of `event`'s record, when it was measured. */
  sizeOf(event: AuditEvent): number | undefined {
    return this.measuring ? this.records.get(event)?.bytes : undefined;
  }

  /** The record payload to write for `event`: the one measured (then forgotten), else serialized now. */
  payload(event: AuditEvent): string {
    const measured = this.measuring ? this.records.get(event) : undefined;
    if (measured === undefined) return recordPayload(event);
    this.records.delete(event);
    return measured.json;
  }

  private measure(event: AuditEvent): Measured {
    let measured = this.records.get(event);
    if (measured === undefined) {
      this.measuring = true;
      const json = recordPayload(event);
      measured = { json, bytes: RECORD_HEADER_BYTES + Buffer.byteLength(json) };
      this.records.set(event, measured);
    }
    return measured;
  }
}

/**
 * The record payload of an event. One that cannot be serialized (a bug
 * upstream: conversion makes JSON values) still takes its place, as `{}`,
 * which reads back as damaged and is counted; live backends have it in memory.
 */
function recordPayload(event: AuditEvent): string {
  try {
    return eventJson(event);
  } catch {
    return '{}';
  }
}
