// The trail viewer of one running receiver: its session index and its open
// event streams, made when the receiver starts with `ui` on and closed with it.
import type { AuditStore } from '../store.js';
import { EventStreams } from './event-stream.js';
import { SessionIndex } from './session-index.js';

/** The longest pause between two writes on an event stream. */
const HEARTBEAT_MILLIS = 15_000;

/** What the viewer's routes need from the running receiver. */
export interface TrailViewer {
  readonly sessions: SessionIndex;
  readonly streams: EventStreams;
  /** Ends the open event streams; the receiver calls it first thing in `close()`. */
  close(): void;
}

/**
 * Makes the viewer over `store`. The heartbeat is at most 15 s and at most
 * half the receiver's `idleTimeoutMillis`, or the idle timeout would cut a
 * quiet stream.
 *
 * @example
 * const viewer = createTrailViewer(store, config.idleTimeoutMillis);
 */
export function createTrailViewer(store: AuditStore, idleTimeoutMillis: number): TrailViewer {
  const heartbeatMillis = Math.max(1, Math.min(HEARTBEAT_MILLIS, Math.floor(idleTimeoutMillis / 2)));
  const streams = new EventStreams(store, heartbeatMillis);
  return { sessions: new SessionIndex(store), streams, close: () => streams.close() };
}
