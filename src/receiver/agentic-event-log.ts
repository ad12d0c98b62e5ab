import { diag } from '@opentelemetry/api';
import { clientEventId, type AgenticAuditRequest, type StoredAgenticAuditEvent } from './agentic-audit-event.js';
import { agenticEventLine } from './trail.js';

const log = diag.createComponentLogger({ namespace: 'otel-agent-audit:receiver' });

/** A stored AgenticAudit event with its serialised form, built once per request. */
export interface AgenticEntry {
  event: StoredAgenticAuditEvent;
  json: string;
}

/**
 * The AgenticAudit events the receiver holds: serialised, in arrival order,
 * at most `maxEventsInMemory` of them (the oldest quarter is dropped past
 * that; the trail file keeps them), each written to the JSONL trail.
 */
export class AgenticEventLog {
  private jsons: string[] = [];
  /** Stored JSON by `context.event_id`: a retried event is answered with the stored one. */
  private readonly byEventId = new Map<string, string>();
  private trimmedWarned = false;

  constructor(
    private readonly maxEventsInMemory: number,
    /** Queues a trail line; a no-op without a file. */
    private readonly writeLine: (line: string) => void,
  ) {}

  /**
   * The stored event a retry of `request` would duplicate: same `context.event_id`,
   * action and data. (A later event under the same id with other data, such as
   * a tool call's result after its decision, is a new record.)
   */
  storedRetry(request: AgenticAuditRequest): string | undefined {
    const eventId = clientEventId(request);
    const stored = eventId === undefined ? undefined : this.byEventId.get(eventId);
    if (stored === undefined) return undefined;
    const previous = JSON.parse(stored) as StoredAgenticAuditEvent;
    const same = previous.action === request.action && JSON.stringify(previous.data) === JSON.stringify(request.data);
    return same ? stored : undefined;
  }

  append(entry: AgenticEntry): void {
    this.index(entry.event, entry.json);
    this.writeLine(agenticEventLine(entry.json));
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
    log.warn(
      `the receiver holds more than ${this.maxEventsInMemory} AgenticAudit events; the oldest are dropped from memory ` +
        '(the trail file keeps them, if there is one). Raise maxEventsInMemory to keep more.',
    );
  }
}
