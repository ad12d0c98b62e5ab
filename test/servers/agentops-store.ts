import { randomUUID } from 'node:crypto';
import type { SessionEndInput, SessionInput } from './agentops-validation.js';

/** An event as stored: its create_events fields with later update_events merged in. */
export type StoredAgentOpsEvent = { id: string; type: string; init_timestamp: string } & Record<string, unknown>;

export interface StoredSession {
  id: string;
  init_timestamp: string;
  tags?: string[];
  host_env?: Record<string, unknown>;
  /** Set by update_session. */
  end?: SessionEndInput;
  agents: Array<{ id: string; name: string }>;
  /** In arrival order. */
  events: StoredAgentOpsEvent[];
}

type JwtState = { sessionId: string; expired: boolean };

/**
 * The AgentOps test server's state: sessions, the JWTs issued for them, and
 * what each session received. All-or-nothing per request, as a validating
 * service is.
 */
export class AgentOpsStore {
  readonly sessions = new Map<string, StoredSession>();
  private readonly jwts = new Map<string, JwtState>();
  /** create_events items whose id was already stored (answered 200, not stored twice). */
  duplicateEvents = 0;

  /** Creates the session, or keeps the one with that id (a retried create), and issues a JWT. */
  createSession(input: SessionInput): string {
    if (!this.sessions.has(input.id)) {
      const session: StoredSession = { id: input.id, init_timestamp: input.init_timestamp, agents: [], events: [] };
      if (input.tags !== undefined) session.tags = input.tags;
      if (input.host_env !== undefined) session.host_env = input.host_env;
      this.sessions.set(input.id, session);
    }
    return this.issueJwt(input.id);
  }

  issueJwt(sessionId: string): string {
    const jwt = `eyJ.${randomUUID()}`;
    this.jwts.set(jwt, { sessionId, expired: false });
    return jwt;
  }

  jwtState(jwt: string): JwtState | undefined {
    return this.jwts.get(jwt);
  }

  /** Every JWT issued so far for the session stops working (a 24 h expiry, now). */
  expire(sessionId: string): void {
    for (const state of this.jwts.values()) if (state.sessionId === sessionId) state.expired = true;
  }

  /** Idempotent per id within the session. */
  addAgent(sessionId: string, agent: { id: string; name: string }): void {
    const session = this.sessions.get(sessionId)!;
    if (!session.agents.some((a) => a.id === agent.id)) session.agents.push(agent);
  }

  /** Stores new events; an id already stored is counted as a duplicate and skipped. Returns an error message or undefined. */
  addEvents(sessionId: string, events: Array<Record<string, unknown>>): string | undefined {
    const session = this.sessions.get(sessionId)!;
    // Decision of this server: an event may name only an agent created in its session.
    const agentIds = new Set(session.agents.map((a) => a.id));
    const stray = events.findIndex((e) => e.agent_id !== undefined && !agentIds.has(e.agent_id as string));
    if (stray >= 0) return `events[${stray}].agent_id is not an agent of this session (create_agent first)`;
    const known = new Set(session.events.map((e) => e.id));
    for (const event of events) {
      const id = typeof event.id === 'string' ? event.id.toLowerCase() : randomUUID();
      if (known.has(id)) {
        this.duplicateEvents++;
        continue;
      }
      known.add(id);
      session.events.push({ ...event, id } as StoredAgentOpsEvent);
    }
    return undefined;
  }

  /** Merges updates into stored events; an unknown event_id fails the whole request. */
  updateEvents(sessionId: string, updates: Array<Record<string, unknown>>): string | undefined {
    const session = this.sessions.get(sessionId)!;
    const targets = updates.map((u) => session.events.find((e) => e.id === String(u.event_id).toLowerCase()));
    const missing = targets.findIndex((t) => t === undefined);
    if (missing >= 0) return `events[${missing}].event_id is not an event of this session`;
    updates.forEach((update, i) => {
      const { event_id: _ignored, ...fields } = update;
      Object.assign(targets[i]!, fields);
    });
    return undefined;
  }

  endSession(sessionId: string, end: SessionEndInput): void {
    this.sessions.get(sessionId)!.end = end;
  }
}
