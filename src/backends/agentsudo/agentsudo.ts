/**
 * AgentSudo (audit-apis.md §4): one `POST /ingest-event` per event, key in
 * `X-API-Key`. Its quotas (1,000 events a day on the free tier) mean long
 * runs of `429`: the delivery queue then pauses this backend alone (one probe
 * per pause), keeps at most `maxQueueSize` events and counts the rest as
 * dropped, while other backends deliver as usual.
 */
import { DEFAULTS } from '../../config/defaults.js';
import type { AuditBackend } from '../../model/audit-backend.js';
import type { AuditEvent } from '../../model/audit-event.js';
import type { DeliveryOutcome } from '../../model/delivery-outcome.js';
import { eventCount } from '../../model/event-count.js';
import { HttpBackend } from '../http-backend.js';
import { nonEmptyOption, resolveHttpBackendConfig, type HttpBackendConfig, type HttpBackendOptions } from '../http-backend-config.js';
import type { HttpVendor } from '../http-vendor.js';
import { toAgentSudoRequest } from './agentsudo-wire.js';

/** Options of {@link agentSudo}; each falls back to its env var, then the default. */
export interface AgentSudoOptions extends HttpBackendOptions {
  /** Project API key (`as_…`), sent as `X-API-Key`. Env `AGENTSUDO_API_KEY`. */
  apiKey?: string;
  /** API origin. Env `AGENTSUDO_BASE_URL`. Default `https://api.agentsudo.dev`. */
  baseUrl?: string;
  /** `agent_name` of events recorded outside a session (a session's own agent name wins). Default `'agent'`. */
  agentName?: string;
}

const AGENTSUDO: HttpVendor = {
  name: 'agentsudo', factory: 'agentSudo', title: 'AgentSudo API', defaultBaseUrl: DEFAULTS.agentsudoBaseUrl,
  envNames: { apiKey: 'AGENTSUDO_API_KEY', baseUrl: 'AGENTSUDO_BASE_URL' },
  fromEnv: (env) => ({ apiKey: env.agentsudoApiKey, baseUrl: env.agentsudoBaseUrl }),
  authHeaders: (apiKey) => ({ 'x-api-key': apiKey }),
  maxResponseBytes: 64 * 1024, // the answer is a short receipt; nothing in it is read
};

/**
 * The AgentSudo backend. Record permission checks with `recordPermissionCheck`;
 * they arrive as AgentSudo `permission_check` events.
 *
 * @throws {AuditError} `INVALID_OPTION` when `baseUrl` is not an http(s) URL, `agentName` is empty, or a number option is not a positive integer.
 * @example
 * setupAudit({ backends: [agentSudo({ agentName: 'SupportBot' }), secureagentics()] });
 */
export function agentSudo(options: AgentSudoOptions = {}): AuditBackend {
  const config = resolveHttpBackendConfig(AGENTSUDO, options);
  return new AgentSudoBackend(config, nonEmptyOption('agentSudo.agentName', options.agentName) ?? DEFAULTS.agentName);
}

class AgentSudoBackend extends HttpBackend {
  /** No batch endpoint (audit-apis.md §4): one event per request. */
  readonly maxBatchSize = 1;

  constructor(config: HttpBackendConfig, private readonly agentName: string) {
    super(AGENTSUDO, config);
  }

  protected async deliver(events: readonly AuditEvent[], signal: AbortSignal): Promise<DeliveryOutcome> {
    const event = events[0]!; // maxBatchSize is 1
    const body = toAgentSudoRequest(event, event.agentName ?? this.agentName);
    // 400 INVALID_PAYLOAD is final and says which field; 429 RATE_LIMITED and 500 are retried.
    const answer = await this.api.post({ path: '/ingest-event', affected: eventCount(events.length) }, body, signal);
    return answer.ok ? { kind: 'delivered' } : answer.failure;
  }
}
