import { diag } from '@opentelemetry/api';
import { newId } from './ids.js';
import { JsonlAppender } from './jsonl-appender.js';
import type { ListQuery } from './list-query.js';
import type { StoredAuditEvent, StoredEntry } from './stored-event.js';
import { agentLine, eventLine, readTrail, type AgentRecord, type TrailRecord } from './trail.js';
import type { AgentRegistration } from './validation.js';

const log = diag.createComponentLogger({ namespace: 'otel-agent-audit:receiver' });

/**
 * One stored event in the in-memory index. The event is kept serialised:
 * one string per event costs far less heap and GC work than the parsed
 * payload, and list responses are assembled from these strings directly.
 */
interface IndexedEvent {
  seq: number;
  timestampMicros: number;
  type: string;
  json: string;
}

interface AgentState {
  record: AgentRecord;
  /** The agent's events; sorted by timestamp, ties by arrival (`seq`), unless `unsorted`. */
  byTime: IndexedEvent[];
  /** Set when an event arrived older than the newest one; cleared by the next listing. */
  unsorted: boolean;
}

/** One page of an event listing, as serialised events. */
export interface EventPage {
  items: string[];
  total: number;
}

/**
 * Agents and events: an in-memory index for reads, backed by an append-only
 * JSONL trail when a file is given. Writes to the trail are queued on a
 * buffered stream, never awaited on the request path.
 */
export class AuditStore {
  private readonly agents = new Map<string, AgentState>();
  private readonly arrival: IndexedEvent[] = [];
  private seq = 0;
  /** Set once the trail has been replayed; replayed records are not written again. */
  private appender: JsonlAppender | undefined;

  private constructor() {}

  /**
   * Opens a store, replaying `file` if it exists so agents and events survive
   * a restart. Without a file the store is memory-only.
   *
   * @throws Error when the file exists but cannot be read, or cannot be opened for appending.
   */
  static async open(file?: string): Promise<AuditStore> {
    const store = new AuditStore();
    if (file === undefined) return store;
    const { records, skipped } = await readTrail(file, (record) => store.replay(record));
    if (skipped > 0) {
      log.warn(`skipped ${skipped} malformed line(s) in the audit trail ${file}; ${records} record(s) loaded`);
    }
    store.appender = await JsonlAppender.open(file);
    return store;
  }

  /** Whether an agent with this id is registered. */
  hasAgent(agentId: string): boolean {
    return this.agents.has(agentId);
  }

  /** Registers an agent under a new id; the same name twice gives two agents, as in the real service. */
  registerAgent(registration: AgentRegistration): AgentRecord {
    const record: AgentRecord = { id: newId('agt'), ...registration, created_at: new Date().toISOString() };
    this.agents.set(record.id, { record, byTime: [], unsorted: false });
    this.appender?.append(agentLine(record));
    return record;
  }

  /** Indexes a request's events and queues them as one trail write. The agent must exist. */
  appendEvents(agentId: string, entries: readonly StoredEntry[]): void {
    const state = this.agents.get(agentId);
    if (state === undefined) throw new Error(`agent ${agentId} is not registered`);
    const lines = this.appender === undefined ? undefined : new Array<string>(entries.length);
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      this.index(state, entry.event.type, entry.json, entry.timestampMicros);
      if (lines !== undefined) lines[i] = eventLine(entry.jsonFields);
    }
    // One write per request; join builds a flat string, cheaper to encode than `+=` ropes.
    if (lines !== undefined && lines.length > 0) this.appender?.append(lines.join(''));
  }

  /** One page of an agent's events matching `query`, with the total count of matches. */
  listEvents(agentId: string, query: ListQuery): EventPage {
    const events = this.sortedEvents(agentId);
    const low = query.fromMicros === undefined ? 0 : firstAfter(events, query.fromMicros - 1);
    const high = query.toMicros === undefined ? events.length : firstAfter(events, query.toMicros);
    const end = query.offset + query.limit;
    if (query.type === undefined) {
      const total = Math.max(0, high - low);
      const items = events.slice(low + Math.min(query.offset, total), low + Math.min(end, total));
      return { items: items.map((event) => event.json), total };
    }
    const items: string[] = [];
    let total = 0;
    for (let i = low; i < high; i++) {
      const event = events[i]!;
      if (event.type !== query.type) continue;
      if (total >= query.offset && total < end) items.push(event.json);
      total++;
    }
    return { items, total };
  }

  /** Every stored event in arrival order, parsed afresh (for inspection, not the hot path). */
  events(): StoredAuditEvent[] {
    return this.arrival.map((event) => JSON.parse(event.json) as StoredAuditEvent);
  }

  /** Flushes and closes the trail. */
  async close(): Promise<void> {
    await this.appender?.close();
  }

  private replay(record: TrailRecord): boolean {
    if (record.record === 'agent') {
      if (this.agents.has(record.agent.id)) return false;
      this.agents.set(record.agent.id, { record: record.agent, byTime: [], unsorted: false });
      return true;
    }
    const state = this.agents.get(record.event.agent_id);
    if (state === undefined) return false;
    this.index(state, record.event.type, record.json, record.timestampMicros);
    return true;
  }

  private index(state: AgentState, type: string, json: string, timestampMicros: number): void {
    const event: IndexedEvent = { seq: this.seq++, timestampMicros, type, json };
    this.arrival.push(event);
    const byTime = state.byTime;
    const last = byTime[byTime.length - 1];
    // Ingestion only appends: inserting out-of-order events in place costs
    // O(n) each (concurrent senders and retries make them common), so the
    // sort is deferred to the next listing, which is rare and not hot.
    if (last !== undefined && last.timestampMicros > timestampMicros) state.unsorted = true;
    byTime.push(event);
  }

  private sortedEvents(agentId: string): readonly IndexedEvent[] {
    const state = this.agents.get(agentId);
    if (state === undefined) return [];
    if (state.unsorted) {
      state.byTime.sort((a, b) => a.timestampMicros - b.timestampMicros || a.seq - b.seq);
      state.unsorted = false;
    }
    return state.byTime;
  }
}

/** Index of the first event with a timestamp strictly after `micros`. */
function firstAfter(events: readonly IndexedEvent[], micros: number): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (events[mid]!.timestampMicros <= micros) low = mid + 1;
    else high = mid;
  }
  return low;
}
