// The trail viewer's view of the store: sessions and trail totals, kept up
// to date incrementally. Each request reads only the events stored since the
// last one (by the store's ordinals), so listing sessions stays cheap however
// long the trail; when the store dropped events from memory, the index is
// rebuilt from what is left, so it never counts what the store no longer has.
import type { AuditStore } from '../store.js';
import { eventFacts } from './event-facts.js';

/** One session as `GET /ui/api/sessions` lists it. */
export interface SessionSummary {
  /** `payload.session_id`, or `no-session.<agent id>` for events outside a session. */
  id: string;
  /** The receiver's `agt_` id of the session's first event. */
  agentId: string;
  /** `payload.agent_name` of the first event that has one. */
  agentName: string | null;
  /** Timestamps of the session's earliest and latest events. */
  first: string;
  last: string;
  events: number;
  /** Events per type (`prompt`, `completion`, `tool_call`, `error`, `custom`). */
  counts: Record<string, number>;
  /** `error` events. */
  errors: number;
  /** Tool calls (a gated call and its outcome count once) blocked by the receiver's policy or the gate. */
  blockedToolCalls: number;
  /** Tool calls flagged by the receiver's policy. */
  flaggedToolCalls: number;
  redactions: number;
}

/** What the header bar of the viewer shows: `GET /ui/api/summary`. */
export interface TrailTotals {
  /** Events in memory (the store may have dropped older ones: maxEventsInMemory). */
  events: number;
  sessions: number;
  /** `audit.loss` events: reports, in the trail itself, that events were given up. */
  lossEvents: number;
  /** The events those reports say were lost, summed. */
  lostEvents: number;
  /** `[REDACTED:` markers over all events. */
  redactions: number;
}

interface SessionState {
  summary: SessionSummary;
  firstMicros: number;
  lastMicros: number;
  /** The store ordinals of the session's events, in arrival order. */
  ordinals: number[];
  blocked: Set<string>;
  flagged: Set<string>;
}

/**
 * Sessions and totals over an {@link AuditStore}, read lazily: nothing is
 * done until the viewer asks, and then only for the new events.
 */
export class SessionIndex {
  private readonly sessions = new Map<string, SessionState>();
  private base = 0;
  private end = 0;
  private lossEvents = 0;
  private lostEvents = 0;
  private redactions = 0;

  constructor(private readonly store: AuditStore) {}

  /** Every session, the most recently active first. */
  list(): SessionSummary[] {
    this.refresh();
    const states = [...this.sessions.values()];
    states.sort((a, b) => b.lastMicros - a.lastMicros || (a.summary.id < b.summary.id ? -1 : 1));
    return states.map((state) => state.summary);
  }

  /**
   * One session and its events' stored JSON, in time order (ties in arrival
   * order), or `undefined` for an unknown session.
   */
  events(sessionId: string): { summary: SessionSummary; events: string[] } | undefined {
    this.refresh();
    const state = this.sessions.get(sessionId);
    if (state === undefined) return undefined;
    const ordinals = [...state.ordinals];
    // Batches arrive concurrently, so arrival order is not time order.
    ordinals.sort((a, b) => this.store.microsAt(a) - this.store.microsAt(b) || a - b);
    return { summary: state.summary, events: ordinals.map((ordinal) => this.store.jsonAt(ordinal)!) };
  }

  /** The counts the header bar shows. */
  totals(): TrailTotals {
    this.refresh();
    return {
      events: this.end - this.base,
      sessions: this.sessions.size,
      lossEvents: this.lossEvents,
      lostEvents: this.lostEvents,
      redactions: this.redactions,
    };
  }

  private refresh(): void {
    if (this.store.firstOrdinal !== this.base) this.reset(this.store.firstOrdinal);
    const end = this.store.endOrdinal;
    for (let ordinal = this.end; ordinal < end; ordinal++) this.add(ordinal, this.store.jsonAt(ordinal)!);
    this.end = end;
  }

  private reset(base: number): void {
    this.sessions.clear();
    this.base = base;
    this.end = base;
    this.lossEvents = 0;
    this.lostEvents = 0;
    this.redactions = 0;
  }

  private add(ordinal: number, json: string): void {
    const facts = eventFacts(json);
    const micros = this.store.microsAt(ordinal);
    let state = this.sessions.get(facts.sessionId);
    if (state === undefined) {
      state = {
        summary: {
          id: facts.sessionId,
          agentId: facts.agentId,
          agentName: null,
          first: facts.timestamp,
          last: facts.timestamp,
          events: 0,
          counts: {},
          errors: 0,
          blockedToolCalls: 0,
          flaggedToolCalls: 0,
          redactions: 0,
        },
        firstMicros: micros,
        lastMicros: micros,
        ordinals: [],
        blocked: new Set(),
        flagged: new Set(),
      };
      this.sessions.set(facts.sessionId, state);
    }
    const summary = state.summary;
    state.ordinals.push(ordinal);
    if (micros < state.firstMicros) [state.firstMicros, summary.first] = [micros, facts.timestamp];
    if (micros > state.lastMicros) [state.lastMicros, summary.last] = [micros, facts.timestamp];
    summary.agentName ??= facts.agentName ?? null;
    summary.events++;
    summary.counts[facts.type] = (summary.counts[facts.type] ?? 0) + 1;
    if (facts.type === 'error') summary.errors++;
    if (facts.blocked) summary.blockedToolCalls = state.blocked.add(facts.callKey).size;
    if (facts.flagged) summary.flaggedToolCalls = state.flagged.add(facts.callKey).size;
    summary.redactions += facts.redactions;
    this.redactions += facts.redactions;
    if (facts.isLoss) {
      this.lossEvents++;
      this.lostEvents += facts.lost;
    }
  }
}
