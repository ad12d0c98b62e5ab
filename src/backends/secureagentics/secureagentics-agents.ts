/**
 * Secureagentics agent ids by name (audit-apis.md §1). An agent known only
 * by name is registered once with `POST /v1/agents`, and every caller shares
 * that registration. A service that forgot an agent (a restarted in-memory
 * receiver) gets it registered again, once.
 */
import type { DeliveryOutcome } from '../../model/delivery-outcome.js';
import { untilAborted } from '../../deliver/until-aborted.js';
import { parseJsonBody } from '../response-outcome.js';
import type { VendorApi } from '../vendor-api.js';

/** An agent's id, or the outcome for the events that needed it. */
export type AgentLookup = { id: string } | { outcome: DeliveryOutcome };

/**
 * The agents of one backend. With a fixed agent id (the `agentId` option)
 * nothing is registered: every name maps to it.
 *
 * @example
 * const lookup = agents.idOf('support-bot');
 * const agent = await agents.until(lookup, signal); // { id: 'agt_…' } or { outcome }
 */
export class SecureagenticsAgents {
  private readonly fixed: Promise<AgentLookup> | undefined;
  /** Agent ids by name, or the registration under way (one per name). */
  private readonly agents = new Map<string, Promise<AgentLookup>>();
  /** Names whose next registration renews one the service forgot. */
  private readonly renewNext = new Set<string>();
  /** Registrations that renewed a forgotten one: a 404 for one of these is a configuration error. */
  private readonly renewals = new WeakSet<Promise<AgentLookup>>();
  /** Aborted at shutdown: what runs on it is shared by callers with signals of their own. */
  private readonly lifetime = new AbortController();

  constructor(
    private readonly api: VendorApi,
    fixedId: string | undefined,
  ) {
    if (fixedId) this.fixed = Promise.resolve({ id: fixedId });
  }

  /**
   * The agent's id: registered once, shared by every caller. The registration
   * runs on the backend's own signal, so one caller giving up (a tool gate
   * past its budget) does not cancel it for the others.
   */
  idOf(name: string): Promise<AgentLookup> {
    if (this.fixed) return this.fixed;
    let lookup = this.agents.get(name);
    if (!lookup) {
      lookup = this.register(name, this.lifetime.signal);
      this.agents.set(name, lookup);
      if (this.renewNext.delete(name)) this.renewals.add(lookup);
      // A failed registration is forgotten so the next attempt tries again.
      void lookup.then((l) => 'outcome' in l && this.agents.delete(name));
    }
    return lookup;
  }

  /** Waits for `lookup` until `signal` aborts; the registration itself goes on for the others. */
  until(lookup: Promise<AgentLookup>, signal: AbortSignal): Promise<AgentLookup> {
    return untilAborted(lookup, signal, () => ({ outcome: { kind: 'retryable', reason: 'secureagentics: gave up waiting for the agent registration' } }));
  }

  /**
   * The service answered 404 for the events of `name`, whose id came from
   * `lookup`. True when the id is one we registered and may have been
   * forgotten: the agent is registered again on the retry. False when the id
   * is fixed, or is that very renewal: a configuration error. Batches in
   * flight with the old id simply retry with the new one.
   */
  forgot(name: string, lookup: Promise<AgentLookup>): boolean {
    if (this.fixed || this.renewals.has(lookup)) return false;
    if (this.agents.get(name) === lookup) {
      this.agents.delete(name);
      this.renewNext.add(name);
    }
    return true;
  }

  /** Events went through with `lookup`'s id: a later 404 means a new restart, not a bad URL. */
  worked(lookup: Promise<AgentLookup>): void {
    this.renewals.delete(lookup);
  }

  /** Stops registrations under way (shutdown). */
  close(): void {
    this.lifetime.abort();
  }

  private async register(name: string, signal: AbortSignal): Promise<AgentLookup> {
    const body = { name, framework: 'custom', description: 'Registered by otel-agent-audit' };
    const call = { path: '/v1/agents', purpose: `registering agent '${name}'`, affected: 'its events', small: true };
    const answer = await this.api.post(call, body, signal);
    if (!answer.ok) return { outcome: answer.failure };
    const id = (parseJsonBody(answer.body) as { id?: unknown } | undefined)?.id;
    if (typeof id !== 'string' || id === '') {
      return { outcome: { kind: 'retryable', reason: `secureagentics: POST /v1/agents answered without an agent id. ${this.api.urlHint}` } };
    }
    return { id };
  }
}
