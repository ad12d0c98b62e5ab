import { CountWaiter } from './count-waiter.js';
import type { AgentInput, EventInput, EventType, ListQuery } from './secureagentics-validation.js';

/** An event as the service stores and returns it (audit-apis.md §1, "Stored event"). */
export interface StoredEvent {
  id: string;
  agent_id: string;
  type: EventType;
  payload: Record<string, unknown>;
  trace_id?: string;
  timestamp: string;
  policy_result: Record<string, unknown>;
}

/** A registered agent, as `POST /v1/agents` returns it. */
export interface StoredAgent {
  id: string;
  name: string;
  framework: string;
  created_at: string;
}

/** Decides the `policy_result` of each accepted event; the default allows everything. */
export type PolicyFn = (event: Omit<StoredEvent, 'policy_result'>) => Record<string, unknown>;

const ALLOW: PolicyFn = () => ({ decision: 'allow' });

/**
 * In-memory agents and events of one test server. Ids are sequential
 * (`agt_1`, `evt_1`) rather than random so failing assertions read easily;
 * clients must treat them as opaque anyway.
 */
export class SecureagenticsStore {
  readonly #agents = new Map<string, StoredAgent>();
  readonly #eventsByAgent = new Map<string, StoredEvent[]>();
  readonly #events: StoredEvent[] = [];
  readonly #waiter = new CountWaiter(() => this.#events.length, 'events', 'waitForEvents');
  #policy: PolicyFn = ALLOW;
  #nextAgent = 1;
  #nextEvent = 1;

  setPolicy(policy: PolicyFn | undefined): void {
    this.#policy = policy ?? ALLOW;
  }

  addAgent(input: AgentInput): StoredAgent {
    const agent: StoredAgent = {
      id: `agt_${this.#nextAgent++}`,
      name: input.name,
      framework: input.framework,
      created_at: new Date().toISOString(),
    };
    this.#agents.set(agent.id, agent);
    this.#eventsByAgent.set(agent.id, []);
    return agent;
  }

  hasAgent(agentId: string): boolean {
    return this.#agents.has(agentId);
  }

  /** Stores accepted events in order; the caller has checked that the agent exists. */
  addEvents(agentId: string, inputs: EventInput[]): StoredEvent[] {
    const stored = inputs.map((input) => this.#toStored(agentId, input));
    this.#eventsByAgent.get(agentId)?.push(...stored);
    this.#events.push(...stored);
    this.#waiter.notify();
    return stored;
  }

  #toStored(agentId: string, input: EventInput): StoredEvent {
    const base: Omit<StoredEvent, 'policy_result'> = {
      id: `evt_${this.#nextEvent++}`,
      agent_id: agentId,
      type: input.type,
      payload: input.payload,
      // The service uses its own clock when the client sends no timestamp (seed 000, step 2).
      timestamp: input.timestamp ?? new Date().toISOString(),
    };
    if (input.trace_id !== undefined) base.trace_id = input.trace_id;
    return { ...base, policy_result: this.#policy(base) };
  }

  eventsFor(agentId: string): StoredEvent[] {
    return [...(this.#eventsByAgent.get(agentId) ?? [])];
  }

  allEvents(): StoredEvent[] {
    return [...this.#events];
  }

  /** `GET /v1/agents/{id}/events`: filters in arrival order; `total` ignores paging (seed 001). */
  list(agentId: string, query: ListQuery): { items: StoredEvent[]; total: number } {
    const matching = (this.#eventsByAgent.get(agentId) ?? []).filter((event) => {
      if (query.type !== undefined && event.type !== query.type) return false;
      const at = Date.parse(event.timestamp);
      // Both bounds are inclusive ("at or after", "at or before").
      if (query.fromMillis !== undefined && at < query.fromMillis) return false;
      return query.toMillis === undefined || at <= query.toMillis;
    });
    return { items: matching.slice(query.offset, query.offset + query.limit), total: matching.length };
  }

  async waitForEvents(count: number, timeoutMillis?: number): Promise<StoredEvent[]> {
    await this.#waiter.wait(count, timeoutMillis);
    return this.allEvents();
  }
}
