/**
 * A trail as `show` prints it: by session, then by trace, each in time
 * order. Batches reach a trail concurrently, so file order is not time
 * order; within one millisecond, a turn's events are put in the order they
 * happen (as examples/demo.mjs prints a trail).
 */
import type { TrailEvent } from './trail-event.js';

/** The events of one trace, in time order. */
export interface TraceGroup {
  readonly traceId: string | undefined;
  readonly events: TrailEvent[];
}

/** The traces of one session, by their first event. */
export interface SessionGroup {
  /** `undefined` for events recorded outside any session. */
  readonly sessionId: string | undefined;
  /** The first agent named in the session. */
  readonly agentName: string | undefined;
  readonly traces: TraceGroup[];
  readonly events: number;
  readonly firstMillis: number;
  readonly lastMillis: number;
}

const TYPE_RANK: Readonly<Record<string, number>> = { prompt: 1, completion: 2, tool_call: 3, error: 4, custom: 5 };

/**
 * Groups `events` by session and trace; sessions in the order they began.
 *
 * @example
 * for (const session of groupBySession(events)) for (const trace of session.traces) print(trace.events);
 */
export function groupBySession(events: readonly TrailEvent[]): SessionGroup[] {
  const sessions = new Map<string | undefined, { agentName: string | undefined; traces: Map<string | undefined, TrailEvent[]>; events: TrailEvent[] }>();
  for (const event of [...events].sort(byTime)) {
    let session = sessions.get(event.sessionId);
    if (session === undefined) {
      session = { agentName: undefined, traces: new Map(), events: [] };
      sessions.set(event.sessionId, session);
    }
    session.agentName ??= event.agentName ?? event.agentId;
    session.events.push(event);
    const trace = session.traces.get(event.traceId);
    if (trace === undefined) session.traces.set(event.traceId, [event]);
    else trace.push(event);
  }
  return [...sessions].map(([sessionId, session]) => ({
    sessionId,
    agentName: session.agentName,
    traces: [...session.traces].map(([traceId, traceEvents]) => ({ traceId, events: traceEvents })),
    events: session.events.length,
    firstMillis: session.events[0]!.timeMillis,
    lastMillis: session.events.at(-1)!.timeMillis,
  }));
}

/**
 * Time order; within a millisecond, a session's start first and its end
 * last, a prompt before its completion and the tool call it asked for; then file order.
 *
 * @example
 * events.sort(byTime);
 */
export function byTime(a: TrailEvent, b: TrailEvent): number {
  return a.timeMillis - b.timeMillis || rank(a) - rank(b) || a.lineNumber - b.lineNumber;
}

function rank(event: TrailEvent): number {
  const name = event.payload['name'];
  if (name === 'session.start') return 0;
  if (name === 'session.end') return 9;
  return TYPE_RANK[event.type] ?? 5;
}
