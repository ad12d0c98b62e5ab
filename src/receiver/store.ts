import { AgenticEventLog } from './agentic-event-log.js';
import { eventIdOf } from './event-id.js';
import { isRetryOf } from './event-retry.js';
import { newId } from './ids.js';
import { JsonlAppender } from './jsonl-appender.js';
import type { ListQuery } from './list-query.js';
import type { NoticeSink } from './operator-notices.js';
import { ALREADY_DURABLE, PendingWrites, type StoredCopy } from './pending-writes.js';
import type { StoredAuditEvent, StoredEntry } from './stored-event.js';
import { agentLine, eventLine, readTrail, type AgentRecord, type SkippedLines, type TrailRecord } from './trail.js';
import { trailLoadNotice } from './trail-load-notice.js';
import { TrailWriteProblems } from './trail-write-problems.js';
import type { AgentRegistration, ValidEvent } from './validation.js';

interface AgentState {
  record: AgentRecord;
  /** Positions of the agent's events in the store's arrays; by time, ties by arrival, unless `unsorted`. */
  order: number[];
  /** Set when an event arrived older than the newest one; cleared by the next listing. */
  unsorted: boolean;
  newestMicros: number;
  /** Stored JSON by `payload.event_id`, the newest event per id: a retry of it is stored once. */
  byEventId: Map<string, string>;
}

/** What the store's trail went through since the receiver started. */
export interface TrailStats {
  /** Records loaded from the trail on start. */
  loadedRecords: number;
  /** Lines of the trail skipped on start, by why. */
  skippedLines: SkippedLines;
  /** Failed trail writes (each failed group commit counts once; its requests were answered 507 or 503). */
  writeFailures: number;
}

/** Told of each request's events once they are indexed (listed); must not throw. */
export type StoredListener = (entries: readonly StoredEntry[]) => void;

/** One page of an event listing, as serialised events. */
export interface EventPage {
  items: string[];
  total: number;
}

/**
 * Agents and events: an in-memory index for reads, backed by an append-only
 * JSONL trail when a file is given. With a file, an agent or event enters the
 * index only once its line is fsynced, so what is listed is what is on disk;
 * one that could not be written never enters it.
 */
export class AuditStore {
  private readonly agents = new Map<string, AgentState>();
  // The event index: parallel arrays, one slot per event in arrival order.
  // Each event is kept as its JSON string, with no index object beside it:
  // at tens of thousands of events a second, garbage-collector time grows
  // with the number of retained heap objects, and numbers in plain arrays
  // are stored unboxed. Listings are assembled from the strings directly.
  private readonly jsons: string[] = [];
  private readonly micros: number[] = [];
  private readonly types: string[] = [];
  /** Per slot, the event's `payload.event_id` and its agent, so trimming forgets exactly the ids it drops. */
  private readonly eventIds: Array<string | undefined> = [];
  private readonly owners: AgentState[] = [];
  /** Set once the trail has been replayed; replayed records are not written again. */
  private appender: JsonlAppender | undefined;
  /** Events written but not yet fsynced, by `agentId + \n + payload.event_id`, for retries that arrive meanwhile. */
  private readonly pending = new PendingWrites();
  private trimmedWarned = false;
  /** Events dropped from the front of the index so far: slot `i` holds ordinal `dropped + i`. */
  private dropped = 0;
  private readonly listeners = new Set<StoredListener>();
  private readonly writeProblems: TrailWriteProblems | undefined;
  private loaded: Pick<TrailStats, 'loadedRecords' | 'skippedLines'> = {
    loadedRecords: 0,
    skippedLines: { notJson: 0, tooDeep: 0, tooLong: 0, invalid: 0, torn: 0 },
  };
  /** AgenticAudit's `POST /v1/events` events: their own index, the same trail. */
  readonly agentic: AgenticEventLog;

  private constructor(
    private readonly maxEventsInMemory: number,
    private readonly file: string | undefined,
    private readonly notify: NoticeSink,
    /** Set when this memory mirrors a database (its URL, without password): only then the viewer's window on it. */
    private readonly mirrorOf?: string,
  ) {
    this.agentic = new AgenticEventLog(maxEventsInMemory, (line) => this.appender?.append(line), notify);
    if (file !== undefined) this.writeProblems = new TrailWriteProblems(file, notify);
  }

  /**
   * Opens a store, replaying `file` if it exists so agents and events survive
   * a restart. Without a file the store is memory-only. At most
   * `maxEventsInMemory` events are indexed; beyond that the oldest are
   * dropped from memory (they stay in the file), so a long benchmark cannot
   * exhaust the heap. Lines of the file that are not valid records are
   * skipped, counted and reported once through `notify`; a torn last line is cut off.
   * With `mirrorOf` (a PostgreSQL store's URL, without password) it holds what this
   * receiver stored there, for the viewer, and says so when it drops events.
   *
   * @throws Error when the file exists but cannot be read, or cannot be opened for appending.
   */
  static async open(file: string | undefined, maxEventsInMemory: number, notify: NoticeSink, mirrorOf?: string): Promise<AuditStore> {
    const store = new AuditStore(maxEventsInMemory, file, notify, mirrorOf);
    if (file === undefined) return store;
    const load = await readTrail(file, (record) => store.replay(record));
    store.loaded = { loadedRecords: load.records, skippedLines: load.skipped };
    const notice = trailLoadNotice(file, load);
    if (notice !== undefined) notify(notice);
    store.appender = await JsonlAppender.open(file, load.end, store.writeProblems!);
    return store;
  }

  /** Records loaded and skipped on start, and failed writes since. */
  trailStats(): TrailStats {
    return { ...this.loaded, writeFailures: this.writeProblems?.failures ?? 0 };
  }

  /** Whether an agent with this id is registered. */
  hasAgent(agentId: string): boolean {
    return this.agents.has(agentId);
  }

  /**
   * Knows an agent registered elsewhere (in the PostgreSQL store this memory
   * mirrors), so its events can be indexed here; writes nothing.
   */
  adoptAgent(record: AgentRecord): void {
    if (!this.agents.has(record.id)) this.agents.set(record.id, newAgentState(record));
  }

  /**
   * Registers an agent under a new id (the same name twice gives two agents,
   * as in the real service) and resolves once it is on disk.
   *
   * @throws TrailWriteError when its line could not be written; the agent is then not registered.
   */
  async registerAgent(registration: AgentRegistration): Promise<AgentRecord> {
    const record: AgentRecord = { id: newId('agt'), ...registration, created_at: new Date().toISOString() };
    // Nobody knows the id before the answer, so nothing can refer to it while this waits.
    await this.appender?.append(agentLine(record));
    this.agents.set(record.id, newAgentState(record));
    return record;
  }

  /**
   * The stored event that `valid` is a client's retry of: the newest of this
   * agent's events with its `payload.event_id` (on disk, or still on its way
   * there), when the content is the same too (`isRetryOf`). Its `durable`
   * must be awaited before the retry is answered. Parsed only on an id match, which is rare.
   */
  storedRetry(agentId: string, valid: ValidEvent): StoredCopy | undefined {
    const eventId = eventIdOf(valid.payload);
    if (eventId === undefined) return undefined;
    const pending = this.pending.get(pendingKey(agentId, eventId));
    const stored = this.agents.get(agentId)?.byEventId.get(eventId);
    const copy = pending ?? (stored === undefined ? undefined : { json: stored, durable: ALREADY_DURABLE });
    return copy !== undefined && isRetryOf(JSON.parse(copy.json) as StoredAuditEvent, valid) ? copy : undefined;
  }

  /**
   * Writes a request's events to the trail as one append and indexes them once
   * they are on disk (at once without a file). The agent must exist.
   *
   * @throws TrailWriteError (as a rejection) when they could not be written; none of them is then kept.
   */
  appendEvents(agentId: string, entries: readonly StoredEntry[]): Promise<void> {
    const state = this.agents.get(agentId);
    if (state === undefined) throw new Error(`agent ${agentId} is not registered`);
    if (entries.length === 0) return ALREADY_DURABLE;
    if (this.appender === undefined) {
      this.indexEntries(state, entries);
      return ALREADY_DURABLE;
    }
    // One append per request; join builds a flat string, cheaper to encode than `+=` ropes.
    const written = this.appender.append(entries.map((entry) => eventLine(entry.json)).join(''));
    const events = entries.map((entry) => {
      const eventId = eventIdOf(entry.event.payload);
      return { key: eventId === undefined ? undefined : pendingKey(agentId, eventId), json: entry.json };
    });
    return this.pending.track(events, written, () => this.indexEntries(state, entries));
  }

  /** One page of an agent's events matching `query`, with the total count of matches. */
  listEvents(agentId: string, query: ListQuery): EventPage {
    const order = this.sortedOrder(agentId);
    const low = query.fromMicros === undefined ? 0 : this.firstAfter(order, query.fromMicros - 1);
    const high = query.toMicros === undefined ? order.length : this.firstAfter(order, query.toMicros);
    const end = query.offset + query.limit;
    const items: string[] = [];
    let total = 0;
    if (query.type === undefined) {
      total = Math.max(0, high - low);
      const first = low + Math.min(query.offset, total);
      const last = low + Math.min(end, total);
      for (let i = first; i < last; i++) items.push(this.jsons[order[i]!]!);
      return { items, total };
    }
    for (let i = low; i < high; i++) {
      const position = order[i]!;
      if (this.types[position] !== query.type) continue;
      if (total >= query.offset && total < end) items.push(this.jsons[position]!);
      total++;
    }
    return { items, total };
  }

  /**
   * Calls `listener` with each request's events once they are indexed (with a
   * file: once fsynced), in index order. Replayed records are not announced.
   * Returns the function that unsubscribes it.
   */
  subscribe(listener: StoredListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Ordinals number indexed events from 0 in arrival order and never change,
   * so a reader can resume where it stopped: events
   * `[firstOrdinal, endOrdinal)` are in memory; below `firstOrdinal` they were
   * dropped (maxEventsInMemory).
   */
  get firstOrdinal(): number {
    return this.dropped;
  }

  /** One past the ordinal of the newest indexed event. */
  get endOrdinal(): number {
    return this.dropped + this.jsons.length;
  }

  /** The stored JSON of the event with this ordinal, or `undefined` once it is dropped or not yet indexed. */
  jsonAt(ordinal: number): string | undefined {
    return this.jsons[ordinal - this.dropped];
  }

  /** The timestamp (µs since the epoch) of the event with this ordinal, or `NaN` when it is not in memory. */
  microsAt(ordinal: number): number {
    return this.micros[ordinal - this.dropped] ?? NaN;
  }

  /** Every stored event in arrival order, parsed afresh (for inspection, not the hot path). */
  events(): StoredAuditEvent[] {
    return this.jsons.map((json) => JSON.parse(json) as StoredAuditEvent);
  }

  /** Waits for queued writes and closes the trail. */
  async close(): Promise<void> {
    await this.appender?.close();
  }

  private indexEntries(state: AgentState, entries: readonly StoredEntry[]): void {
    for (const entry of entries) {
      this.index(state, entry.event.type, entry.json, entry.timestampMicros, eventIdOf(entry.event.payload));
    }
    for (const listener of this.listeners) {
      try {
        listener(entries);
      } catch {
        // The events are stored whatever a listener does; a failing listener
        // (a viewer's stream) must not turn a stored write into an error answer.
      }
    }
  }

  private replay(record: TrailRecord): boolean {
    if (record.record === 'agentic_event') return this.agentic.replay(record.event, record.json);
    if (record.record === 'agent') {
      if (this.agents.has(record.agent.id)) return false;
      this.agents.set(record.agent.id, newAgentState(record.agent));
      return true;
    }
    const state = this.agents.get(record.event.agent_id);
    if (state === undefined) return false;
    this.index(state, record.event.type, record.json, record.timestampMicros, eventIdOf(record.event.payload));
    return true;
  }

  private index(state: AgentState, type: string, json: string, timestampMicros: number, eventId: string | undefined): void {
    if (eventId !== undefined) state.byEventId.set(eventId, json);
    this.eventIds.push(eventId);
    this.owners.push(state);
    const position = this.jsons.length;
    this.jsons.push(json);
    this.micros.push(timestampMicros);
    this.types.push(type);
    // Ingestion only appends: inserting out-of-order events in place costs
    // O(n) each (concurrent senders and retries make them common), so the
    // sort is deferred to the next listing, which is rare and not hot.
    if (timestampMicros < state.newestMicros) state.unsorted = true;
    else state.newestMicros = timestampMicros;
    state.order.push(position);
    if (this.jsons.length > this.maxEventsInMemory) this.dropOldest();
  }

  /**
   * Drops the oldest quarter of the index at once, so the O(n) re-numbering
   * happens once per `maxEventsInMemory / 4` events, not on every event.
   */
  private dropOldest(): void {
    const drop = this.jsons.length - Math.floor(this.maxEventsInMemory * 0.75);
    for (let i = 0; i < drop; i++) {
      const eventId = this.eventIds[i];
      // Only if the id still names this event, not a newer one under the same id.
      const byEventId = this.owners[i]!.byEventId;
      if (eventId !== undefined && byEventId.get(eventId) === this.jsons[i]) byEventId.delete(eventId);
    }
    this.dropped += drop;
    this.eventIds.splice(0, drop);
    this.owners.splice(0, drop);
    this.jsons.splice(0, drop);
    this.micros.splice(0, drop);
    this.types.splice(0, drop);
    for (const state of this.agents.values()) {
      let kept = 0;
      for (const position of state.order) if (position >= drop) state.order[kept++] = position - drop;
      state.order.length = kept;
    }
    if (this.trimmedWarned) return;
    this.trimmedWarned = true;
    if (this.mirrorOf !== undefined) {
      this.notify(
        `the receiver holds more than ${this.maxEventsInMemory} events in memory; the trail viewer no longer shows the ` +
          `oldest (they remain in ${this.mirrorOf}, and listed by GET /v1/agents/{id}/events). Raise maxEventsInMemory to show more.`,
      );
      return;
    }
    const where = this.file === undefined ? 'are gone (no file is kept)' : `remain in ${this.file}`;
    this.notify(
      `the receiver holds more than ${this.maxEventsInMemory} events; the oldest are no longer listed ` +
        `by GET /v1/agents/{id}/events and ${where}. Raise maxEventsInMemory to keep more.`,
    );
  }

  private sortedOrder(agentId: string): readonly number[] {
    const state = this.agents.get(agentId);
    if (state === undefined) return [];
    if (state.unsorted) {
      const micros = this.micros;
      state.order.sort((a, b) => micros[a]! - micros[b]! || a - b);
      state.unsorted = false;
    }
    return state.order;
  }

  /** Index into `order` of the first event with a timestamp strictly after `micros`. */
  private firstAfter(order: readonly number[], micros: number): number {
    let low = 0;
    let high = order.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.micros[order[mid]!]! <= micros) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

function pendingKey(agentId: string, eventId: string): string {
  return `${agentId}\n${eventId}`;
}

function newAgentState(record: AgentRecord): AgentState {
  return { record, order: [], unsorted: false, newestMicros: -Infinity, byEventId: new Map() };
}
