import { clientEventId, type AgenticAuditRequest, type StoredAgenticAuditEvent } from './agentic-audit-event.js';
import type { NoticeSink } from './operator-notices.js';
import { ALREADY_DURABLE, PendingWrites, type StoredCopy } from './pending-writes.js';
import { agenticEventLine } from './trail.js';

/** A stored AgenticAudit event with its serialised form, built once per request. */
export interface AgenticEntry {
  event: StoredAgenticAuditEvent;
  json: string;
}

/**
 * The AgenticAudit events the receiver holds: serialised, in arrival order,
 * at most `maxEventsInMemory` of them (the oldest quarter is dropped past
 * that; the trail file keeps them), each written to the JSONL trail and held
 * only once it is on disk.
 */
export class AgenticEventLog {
  private jsons: string[] = [];
  /** Stored JSON by `context.event_id`: a retried event is answered with the stored one. */
  private readonly byEventId = new Map<string, string>();
  /** Events written but not yet fsynced, by `context.event_id`. */
  private readonly pending = new PendingWrites();
  private trimmedWarned = false;

  constructor(
    private readonly maxEventsInMemory: number,
    /** Appends a trail line and resolves once it is on disk; `undefined` without a file. */
    private readonly writeLine: (line: string) => Promise<void> | undefined,
    private readonly notify: NoticeSink,
  ) {}

  /**
   * The stored event a retry of `request` would duplicate: same `context.event_id`,
   * action and data, on disk or on its way there (await its `durable` before
   * answering). A later event under the same id with other data, such as a
   * tool call's result after its decision, is a new record.
   */
  storedRetry(request: AgenticAuditRequest): StoredCopy | undefined {
    const eventId = clientEventId(request);
    if (eventId === undefined) return undefined;
    const stored = this.byEventId.get(eventId);
    const copy = this.pending.get(eventId) ?? (stored === undefined ? undefined : { json: stored, durable: ALREADY_DURABLE });
    if (copy === undefined) return undefined;
    const previous = JSON.parse(copy.json) as StoredAgenticAuditEvent;
    const same = previous.action === request.action && JSON.stringify(previous.data) === JSON.stringify(request.data);
    return same ? copy : undefined;
  }

  /**
   * Writes the event to the trail and holds it once it is on disk.
   *
   * @throws TrailWriteError (as a rejection) when it could not be written; it is then not held.
   */
  append(entry: AgenticEntry): Promise<void> {
    const written = this.writeLine(agenticEventLine(entry.json));
    if (written === undefined) {
      this.index(entry.event, entry.json);
      return ALREADY_DURABLE;
    }
    const events = [{ key: clientEventId(entry.event), json: entry.json }];
    return this.pending.track(events, written, () => this.index(entry.event, entry.json));
  }

  /** Indexes an event read back from the trail. */
  replay(event: StoredAgenticAuditEvent, json: string): boolean {
    this.index(event, json);
    return true;
  }

  /** Every held event in arrival order, parsed afresh (for inspection, not the hot path). */
  events(): StoredAgenticAuditEvent[] {
    return this.jsons.map((json) => JSON.parse(json) as StoredAgenticAuditEvent);
  }

  private index(event: StoredAgenticAuditEvent, json: string): void {
    const eventId = clientEventId(event);
    if (eventId !== undefined) this.byEventId.set(eventId, json);
    this.jsons.push(json);
    if (this.jsons.length > this.maxEventsInMemory) this.dropOldest();
  }

  private dropOldest(): void {
    const drop = this.jsons.length - Math.floor(this.maxEventsInMemory * 0.75);
    for (const json of this.jsons.slice(0, drop)) {
      const eventId = clientEventId(JSON.parse(json) as StoredAgenticAuditEvent);
      if (eventId !== undefined && this.byEventId.get(eventId) === json) this.byEventId.delete(eventId);
    }
    this.jsons = this.jsons.slice(drop);
    if (this.trimmedWarned) return;
    this.trimmedWarned = true;
    this.notify(
      `the receiver holds more than ${this.maxEventsInMemory} AgenticAudit events; the oldest are dropped from memory ` +
        '(the trail file keeps them, if there is one). Raise maxEventsInMemory to keep more.',
    );
  }
}
