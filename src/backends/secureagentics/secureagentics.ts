/**
 * Secureagentics (audit-apis.md §1): our event model is theirs. Events go to
 * `POST /v1/agents/{id}/events/batch` as `{events}` (≤ 100); an agent known
 * only by name is registered once with `POST /v1/agents`.
 */
import { DEFAULTS } from '../../config/defaults.js';
import type { AuditBackend } from '../../model/audit-backend.js';
import type { AuditEvent } from '../../model/audit-event.js';
import type { DeliveryOutcome } from '../../model/delivery-outcome.js';
import type { ToolDecision } from '../../model/tool-decision.js';
import { eventCount } from '../../model/event-count.js';
import { HttpBackend } from '../http-backend.js';
import { JsonBody } from '../vendor-api.js';
import { resolveHttpBackendConfig, type HttpBackendConfig, type HttpBackendOptions } from '../http-backend-config.js';
import type { HttpVendor, VendorEnv } from '../http-vendor.js';
import { SecureagenticsAgents } from './secureagentics-agents.js';
import { batchOutcome, policyBlocks, policyVerdict, wireEventJson } from './secureagentics-wire.js';

/** Options of {@link secureagentics}; each falls back to its env var, then the default. */
export interface SecureagenticsOptions extends HttpBackendOptions {
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
  /**
   * Reads a block from a tool call's `policy_result` (used by the tool gate).
   * Default: `decision: "block"`, `action: "block"`, `allowed: false` or `blocked: true`.
   */
  isBlocked?: (policyResult: unknown) => boolean;
}

interface SecureagenticsEnv extends VendorEnv {
  readonly agentId?: string;
  readonly agentName?: string;
}

const SECUREAGENTICS: HttpVendor<SecureagenticsEnv> = {
  name: 'secureagentics', factory: 'secureagentics', title: 'Secureagentics API', defaultBaseUrl: DEFAULTS.secureagenticsBaseUrl,
  envNames: { apiKey: 'SECUREAGENTICS_API_KEY', baseUrl: 'SECUREAGENTICS_BASE_URL' },
  fromEnv: (env) => ({
    apiKey: env.secureagenticsApiKey, baseUrl: env.secureagenticsBaseUrl, agentId: env.secureagenticsAgentId, agentName: env.secureagenticsAgentName,
  }),
  authHeaders: (apiKey) => ({ authorization: `Bearer ${apiKey}` }),
  // Its batch answer echoes the events.
  maxResponseBytes: 4 * 1024 * 1024,
};

/** `POST /v1/agents/{id}/events/batch` takes at most 100 events. */
const BATCH_LIMIT = 100;

/**
 * The Secureagentics backend.
 *
 * @throws {AuditError} `INVALID_OPTION` when `baseUrl` is not an http(s) URL, or a number option is not a positive integer.
 * @example
 * setupAudit({ backends: [secureagentics({ agentName: 'support-bot' })] });
 */
export function secureagentics(options: SecureagenticsOptions = {}): AuditBackend {
  const config = resolveHttpBackendConfig(SECUREAGENTICS, options);
  return new SecureagenticsBackend(config, {
    agentId: options.agentId ?? config.env.agentId,
    agentName: options.agentName ?? config.env.agentName,
    isBlocked: options.isBlocked ?? policyBlocks,
  });
}

interface SecureagenticsAgentConfig {
  agentId: string | undefined;
  agentName: string | undefined;
  isBlocked: (policyResult: unknown) => boolean;
}

class SecureagenticsBackend extends HttpBackend {
  readonly maxBatchSize = BATCH_LIMIT;
  /** The wire event is the chain view: a chained event goes as its canonical text (chain-text.ts). */
  readonly sendsChainText = true;
  private readonly agents: SecureagenticsAgents;

  constructor(
    config: HttpBackendConfig,
    private readonly own: SecureagenticsAgentConfig,
  ) {
    super(SECUREAGENTICS, config);
    this.agents = new SecureagenticsAgents(this.api, own.agentId);
  }

  /** One request per agent: a batch never mixes agents, so it has one outcome. */
  batchKey(event: AuditEvent): string {
    return this.own.agentId ?? this.own.agentName ?? event.agentName ?? DEFAULTS.agentName;
  }

  override shutdown(signal?: AbortSignal): Promise<void> {
    this.agents.close();
    return super.shutdown(signal);
  }

  /** Posts the event alone (`POST /v1/agents/{id}/events`): the answer carries its `policy_result`. */
  async decide(event: AuditEvent, signal: AbortSignal): Promise<ToolDecision> {
    const agentName = this.batchKey(event);
    const agent = await this.agents.until(this.agents.idOf(agentName), signal);
    if ('outcome' in agent) return { kind: 'unavailable', reason: agent.outcome.reason ?? `secureagentics: could not register agent '${agentName}'` };
    const path = `/v1/agents/${encodeURIComponent(agent.id)}/events`;
    const answer = await this.api.post(
      {
        path,
        route: '/v1/agents/{id}/events',
        affected: `the verdict on tool '${String(event.payload['tool_name'])}'`,
        notFoundHint: 'Check SECUREAGENTICS_AGENT_ID and SECUREAGENTICS_BASE_URL.',
      },
      new JsonBody(() => wireEventJson(event)),
      signal,
    );
    if (!answer.ok) return { kind: 'unavailable', reason: answer.failure.reason ?? `secureagentics: POST ${path} failed` };
    return policyVerdict(answer.body, `POST ${path}`, this.own.isBlocked);
  }

  protected async deliver(events: readonly AuditEvent[], signal: AbortSignal): Promise<DeliveryOutcome> {
    const agentName = this.batchKey(events[0]!);
    const lookup = this.agents.idOf(agentName);
    const agent = await this.agents.until(lookup, signal);
    if ('outcome' in agent) return agent.outcome;
    const call = {
      path: `/v1/agents/${encodeURIComponent(agent.id)}/events/batch`,
      route: '/v1/agents/{id}/events/batch',
      affected: eventCount(events.length),
      notFoundHint: this.own.agentId
        ? 'Check SECUREAGENTICS_AGENT_ID (or the agentId option).'
        : `Agent '${agentName}' was just registered, yet its events path is not found: check SECUREAGENTICS_BASE_URL.`,
    };
    const answer = await this.api.post(call, new JsonBody(() => `{"events":[${events.map(wireEventJson).join(',')}]}`), signal);
    if (answer.ok) {
      this.agents.worked(lookup);
      return batchOutcome(answer.body, events.length);
    }
    // An agent we registered ourselves may have been forgotten by the service (a restarted receiver).
    if (answer.status === 404 && this.agents.forgot(agentName, lookup)) {
      return { kind: 'retryable', reason: `secureagentics: agent '${agentName}' (${agent.id}) unknown to the service; registering it again` };
    }
    return answer.failure;
  }
}
