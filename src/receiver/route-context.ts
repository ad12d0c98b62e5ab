/**
 * What every route handler of the receiver is given: the store, the demo
 * policies' settings, the body limits and the hooks of the running receiver.
 */
import type { StoredAgenticAuditEvent } from './agentic-audit-event.js';
import type { EventStore } from './event-store.js';
import type { BodyLimits } from './http-json.js';
import type { AuditStore } from './store.js';
import type { StoredAuditEvent } from './stored-event.js';
import type { TrailViewer } from './viewer/trail-viewer.js';

/** What every handler needs from the running receiver. */
export interface RouteContext {
  /** Agents and Secureagentics events: the memory store below, or PostgreSQL (`store` option). */
  events: EventStore;
  /** The receiver's memory: AgenticAudit's events, and what the trail viewer shows. */
  store: AuditStore;
  deniedTools: ReadonlySet<string>;
  /** How large and how deeply nested a request body may be. */
  limits: BodyLimits;
  /** Called with each request's events once stored (on disk, with a file); absent on the hot path of a bare receiver. */
  onStored?: (events: readonly StoredAuditEvent[]) => void;
  /** The trail viewer, when the receiver serves it (`ui`); without it `/ui` paths are unknown routes. */
  viewer?: TrailViewer;
  /** Called with each AgenticAudit event once stored. */
  onAgenticStored?: (event: StoredAgenticAuditEvent) => void;
}

