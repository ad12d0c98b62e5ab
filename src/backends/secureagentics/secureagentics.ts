/**
 * Secureagentics (audit-apis.md §1): our event model is theirs. Events go to
 * `POST /v1/agents/{id}/events/batch` as `{events}` (≤ 100); an agent known
 * only by name is registered once with `POST /v1/agents`.
 */
import { DEFAULTS } from '../../config/defaults.js';
import { readEnv } from '../../config/env.js';
import { positive } from '../../config/resolve.js';
import type { AuditEvent } from '../../model/audit-event.js';
import { invalidOption } from '../../errors.js';
import type { DeliveryOutcome } from '../../model/delivery-outcome.js';
import { HttpClient } from '../../deliver/http-client.js';
import { untilAborted } from '../../deliver/until-aborted.js';
import type { AuditBackend } from '../../model/audit-backend.js';
import { failureOutcome, parseJsonBody } from '../response-outcome.js';
import { isHttpUrl } from '../http-url.js';
import { batchOutcome, policyBlocks, policyReason, toWireEvent } from './secureagentics-wire.js';
import type { ToolDecision } from '../../model/tool-decision.js';

/** Options of {@link secureagentics}; each falls back to its env var, then the default. */
export interface SecureagenticsOptions {
  /** API key, sent as `Authorization: Bearer`. Env `SECUREAGENTICS_API_KEY`. */
  apiKey?: string;
  /** A registered agent id (`agt_…`): every event goes to it. Env `SECUREAGENTICS_AGENT_ID`. */
  agentId?: string;
  /**
   * Agent name to register once and send every event under. Env
   * `SECUREAGENTICS_AGENT_NAME`. With neither id nor name, each session's
   * agent name (from `withSession`) is registered and used.
   */
  agentName?: string;
  /** API origin. Env `SECUREAGENTICS_BASE_URL`. Default `https://api.secureagentics.ai`. */
  baseUrl?: string;
  /** One attempt's timeout. Default 10000. */
  requestTimeoutMillis?: number;
  /** Keep-alive connections. Default 8. */
  maxConnections?: number;
  /**
   * Reads a block from a tool call's `policy_result` (used by the tool gate).
   * Default: `decision: "block"`, `action: "block"`, `allowed: false` or `blocked: true`.
   */
  isBlocked?: (policyResult: unknown) => boolean;
}

const BATCH_LIMIT = 100;
const AUTH_HINT = 'Check SECUREAGENTICS_API_KEY (or the apiKey option).';

/**
 * The Secureagentics backend.
 *
 * @throws {AuditError} `INVALID_OPTION` when `baseUrl` is not an http(s) URL.
 * @example
 * setupAudit({ backends: [secureagentics({ agentName: 'support-bot' })] });
 */
export function secureagentics(options: SecureagenticsOptions = {}): AuditBackend {
  const env = readEnv();
  const baseUrl = options.baseUrl ?? env.secureagenticsBaseUrl ?? DEFAULTS.secureagenticsBaseUrl;
  if (!isHttpUrl(baseUrl)) {
    if (options.baseUrl !== undefined) throw invalidOption('secureagentics.baseUrl', 'an http(s) URL', options.baseUrl);
  }
  return new SecureagenticsBackend({
    apiKey: options.apiKey ?? env.secureagenticsApiKey,
    agentId: options.agentId ?? env.secureagenticsAgentId,
    agentName: options.agentName ?? env.secureagenticsAgentName,
    baseUrl,
    requestTimeoutMillis: positive('secureagentics.requestTimeoutMillis', options.requestTimeoutMillis) ?? DEFAULTS.requestTimeoutMillis,
    maxConnections: positive('secureagentics.maxConnections', options.maxConnections) ?? DEFAULTS.maxConnections,
    isBlocked: options.isBlocked ?? policyBlocks,
  });
}

interface SecureagenticsConfig {
  apiKey: string | undefined;
  agentId: string | undefined;
  agentName: string | undefined;
  baseUrl: string;
  requestTimeoutMillis: number;
  maxConnections: number;
  isBlocked: (policyResult: unknown) => boolean;
}

type AgentLookup = { id: string } | { outcome: DeliveryOutcome };

class SecureagenticsBackend implements AuditBackend {
  readonly name = 'secureagentics';
  readonly maxBatchSize = BATCH_LIMIT;
  readonly configProblem?: string;
  private readonly client: HttpClient | undefined;
  private readonly fixedAgent: Promise<AgentLookup>;
  /** Agent ids by name, or the registration under way (one per name). */
  private readonly agents = new Map<string, Promise<AgentLookup>>();
  /** Names whose next registration renews one the service forgot. */
  private readonly renewNext = new Set<string>();
  /** Registrations that renewed a forgotten one: a 404 for one of these is a configuration error. */
  private readonly renewals = new WeakSet<Promise<AgentLookup>>();
  /** Aborted at shutdown: what runs on it is shared by callers with signals of their own. */
  private readonly lifetime = new AbortController();

  constructor(private readonly config: SecureagenticsConfig) {
    if (!config.apiKey) {
      this.configProblem = 'secureagentics: no API key. Set SECUREAGENTICS_API_KEY or pass { apiKey }; until then its audit events are not delivered.';
    } else if (!isHttpUrl(config.baseUrl)) {
      this.configProblem = `secureagentics: SECUREAGENTICS_BASE_URL=${JSON.stringify(config.baseUrl)} is not an http(s) URL; its audit events are not delivered.`;
    }
    this.fixedAgent = Promise.resolve({ id: config.agentId ?? '' });
    if (!this.configProblem) {
      this.client = new HttpClient(config.baseUrl, {
        maxConnections: config.maxConnections,
        timeoutMillis: config.requestTimeoutMillis,
        maxResponseBytes: 4 * 1024 * 1024,
      });
    }
  }

  /** One request per agent: a batch never mixes agents, so it has one outcome. */
  batchKey(event: AuditEvent): string {
    return this.config.agentId ?? this.config.agentName ?? event.agentName ?? DEFAULTS.agentName;
  }

  async send(events: readonly AuditEvent[], signal: AbortSignal): Promise<DeliveryOutcome> {
    if (!this.client || this.configProblem) return { kind: 'rejected', configError: true, reason: this.configProblem ?? 'not configured' };
    const first = events[0];
    if (first === undefined) return { kind: 'delivered' };
    return this.sendBatch(this.client, this.batchKey(first), events, signal);
  }

  shutdown(): Promise<void> {
    this.lifetime.abort();
    return this.client?.close() ?? Promise.resolve();
  }

  /** Posts the event alone (`POST /v1/agents/{id}/events`): the answer carries its `policy_result`. */
  async decide(event: AuditEvent, signal: AbortSignal): Promise<ToolDecision> {
    if (!this.client || this.configProblem) return { kind: 'unavailable', reason: this.configProblem ?? 'not configured' };
    const agentName = this.batchKey(event);
    const agent = await untilAborted(this.agentId(this.client, agentName), signal, (): AgentLookup => ({ outcome: { kind: 'retryable', reason: 'secureagentics: gave up waiting for the agent registration' } }));
    if ('outcome' in agent) return { kind: 'unavailable', reason: agent.outcome.reason ?? `secureagentics: could not register agent '${agentName}'` };
    const path = `/v1/agents/${encodeURIComponent(agent.id)}/events`;
    const result = await this.client.request('POST', path, this.headers(), JSON.stringify(toWireEvent(event)), signal);
    const failure = failureOutcome(result, {
      backend: this.name,
      call: `POST ${path}`,
      affected: `the verdict on tool '${String(event.payload['tool_name'])}'`,
      authHint: AUTH_HINT,
      notFoundHint: 'Check SECUREAGENTICS_AGENT_ID and SECUREAGENTICS_BASE_URL.',
    });
    if (failure) return { kind: 'unavailable', reason: failure.reason ?? `secureagentics: POST ${path} failed` };
    const stored = parseJsonBody(result.ok ? result.response.body : '') as { policy_result?: unknown } | undefined;
    if (!stored || typeof stored.policy_result !== 'object' || stored.policy_result === null) {
      return { kind: 'unavailable', reason: `secureagentics: POST ${path} answered without a policy_result object` };
    }
    const raw = stored.policy_result;
    let blocked: boolean;
    try {
      blocked = this.config.isBlocked(raw) === true;
    } catch (error) {
      return { kind: 'unavailable', reason: `secureagentics: the isBlocked option threw: ${error instanceof Error ? error.message : String(error)}` };
    }
    const reason = policyReason(raw);
    return blocked ? { kind: 'block', reason: reason ?? 'blocked by policy', raw } : { kind: 'allow', ...(reason && { reason }), raw };
  }

  private async sendBatch(client: HttpClient, agentName: string, events: readonly AuditEvent[], signal: AbortSignal): Promise<DeliveryOutcome> {
    const lookup = this.agentId(client, agentName);
    const agent = await untilAborted(lookup, signal, (): AgentLookup => ({ outcome: { kind: 'retryable', reason: 'secureagentics: gave up waiting for the agent registration' } }));
    if ('outcome' in agent) return agent.outcome;
    const path = `/v1/agents/${encodeURIComponent(agent.id)}/events/batch`;
    let body: string;
    try {
      body = JSON.stringify({ events: events.map(toWireEvent) });
    } catch {
      // Past V8's string length limit: too large to send, like a 413.
      return { kind: 'rejected', tooLarge: true, reason: `secureagentics: ${events.length} events too large to serialise into one request` };
    }
    const result = await client.request('POST', path, this.headers(), body, signal);
    const failure = failureOutcome(result, {
      backend: this.name,
      call: `POST ${path}`,
      affected: `${events.length} events`,
      authHint: AUTH_HINT,
      notFoundHint: this.config.agentId
        ? 'Check SECUREAGENTICS_AGENT_ID (or the agentId option).'
        : `Agent '${agentName}' was just registered, yet its events path is not found: check SECUREAGENTICS_BASE_URL.`,
    });
    if (failure) {
      // An agent we registered ourselves may have been forgotten by the service
      // (a restarted receiver): register it again on the retry. Only a 404 for
      // the renewed registration itself is a configuration error; batches that
      // were in flight with the old id simply retry with the new one.
      if (result.ok && result.response.status === 404 && !this.config.agentId && !this.renewals.has(lookup)) {
        if (this.agents.get(agentName) === lookup) {
          this.agents.delete(agentName);
          this.renewNext.add(agentName);
        }
        return { kind: 'retryable', reason: `secureagentics: agent '${agentName}' (${agent.id}) unknown to the service; registering it again` };
      }
      return failure;
    }
    this.renewals.delete(lookup); // it worked: a later 404 means a new restart, not a bad URL
    return batchOutcome(result.ok ? result.response.body : '', events.length);
  }

  /**
   * The agent's id: registered once, shared by every caller. The registration
   * runs on the backend's own signal, so one caller giving up (a tool gate
   * past its budget) does not cancel it for the others.
   */
  private agentId(client: HttpClient, agentName: string): Promise<AgentLookup> {
    if (this.config.agentId) return this.fixedAgent;
    let lookup = this.agents.get(agentName);
    if (!lookup) {
      lookup = this.register(client, agentName, this.lifetime.signal);
      this.agents.set(agentName, lookup);
      if (this.renewNext.delete(agentName)) this.renewals.add(lookup);
      // A failed registration is forgotten so the next attempt tries again.
      void lookup.then((l) => 'outcome' in l && this.agents.delete(agentName));
    }
    return lookup;
  }

  private async register(client: HttpClient, name: string, signal: AbortSignal): Promise<AgentLookup> {
    const body = JSON.stringify({ name, framework: 'custom', description: 'Registered by otel-agent-audit' });
    const result = await client.request('POST', '/v1/agents', this.headers(), body, signal);
    const failure = failureOutcome(result, {
      backend: this.name,
      call: `POST /v1/agents (registering agent '${name}')`,
      affected: 'its events',
      authHint: AUTH_HINT,
      notFoundHint: 'Check SECUREAGENTICS_BASE_URL.',
    });
    // A 413 here is not a batch to split: registration bodies are tiny.
    if (failure) return { outcome: failure.kind === 'rejected' ? { ...failure, tooLarge: false } : failure };
    const id = (parseJsonBody(result.ok ? result.response.body : '') as { id?: unknown } | undefined)?.id;
    if (typeof id !== 'string' || id === '') {
      return { outcome: { kind: 'retryable', reason: `secureagentics: POST /v1/agents answered without an agent id; check SECUREAGENTICS_BASE_URL points at the Secureagentics API` } };
    }
    return { id };
  }

  private headers(): Record<string, string> {
    return { authorization: `Bearer ${this.config.apiKey ?? ''}` };
  }
}
