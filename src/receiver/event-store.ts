/**
 * The seam between the Secureagentics routes and where agents and events are
 * kept: the receiver's memory (with its optional JSONL trail,
 * `memory-event-store.ts`) or a PostgreSQL database shared by several
 * receivers (`postgres/postgres-event-store.ts`). Every method answers only
 * once what it did is durable (fsynced, or committed).
 */
import type { ListQuery } from './list-query.js';
import type { EventPage } from './store.js';
import type { StoredEntry } from './stored-event.js';
import type { AgentRecord } from './trail.js';
import type { AgentRegistration, ValidEvent } from './validation.js';

/** One request's validated events and how to build their stored form. */
export interface EventRequest {
  valid: readonly ValidEvent[];
  /**
   * The stored form of `valid[index]`, with its policy result.
   *
   * @throws HttpError 400 when the event cannot be stored (nested too deeply).
   */
  toEntry: (valid: ValidEvent, index: number) => StoredEntry;
  /** A batch (`/events/batch`) rather than a single event: only changes the wording of a partial failure. */
  batch: boolean;
  /** Called with the events this request stored (not the retries it repeats), once they are durable. */
  onStored?: (entries: readonly StoredEntry[]) => void;
}

/** What one request stored, and its answer. */
export interface StoredEvents {
  /** Per event of the request, in order: the stored JSON to answer with (a retry's is the first delivery's). */
  results: string[];
}

/** Agents and Secureagentics events, wherever they are kept. */
export interface EventStore {
  /** Whether an agent with this id is registered (with PostgreSQL: through any receiver of the database). */
  hasAgent(agentId: string): boolean | Promise<boolean>;
  /** Registers an agent under a new id; resolves once it is durable. */
  registerAgent(registration: AgentRegistration): Promise<AgentRecord>;
  /**
   * Stores a request's events, all or none, each at most once per
   * `payload.event_id` and content (`event-retry.ts`): a retry is answered with
   * the stored event and not stored again.
   *
   * @throws HttpError 503 / 507 (or `TrailWriteError`) when they could not be stored.
   */
  storeEvents(agentId: string, request: EventRequest): Promise<StoredEvents>;
  /** One page of an agent's events matching `query`, by time (ties in arrival order), with the count of all matches. */
  listEvents(agentId: string, query: ListQuery): EventPage | Promise<EventPage>;
  /** Releases what the store holds open (connections); the memory store's trail is closed by the receiver. */
  close(): Promise<void>;
}
