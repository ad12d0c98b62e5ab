/**
 * AgentSudo (audit-apis.md §4): one `POST /ingest-event` per event, key in
 * `X-API-Key`. Its quotas (1,000 events a day on the free tier) mean long
 * runs of `429`: the delivery queue then pauses this backend alone (one probe
 * per pause), keeps at most `maxQueueSize` events and counts the rest as
 * dropped, while other backends deliver as usual.
 */
import { DEFAULTS } from '../../config/defaults.js';
import { readEnv } from '../../config/env.js';
import { positive } from '../../config/resolve.js';
import type { AuditEvent } from '../../model/audit-event.js';
import { invalidOption } from '../../errors.js';
import type { DeliveryOutcome } from '../../model/delivery-outcome.js';
import { HttpClient } from '../../deliver/http-client.js';
import { toAgentSudoRequest } from './agentsudo-wire.js';
import type { AuditBackend } from '../../model/audit-backend.js';
import { isHttpUrl } from '../http-url.js';
import { failureOutcome } from '../response-outcome.js';

/** Options of {@link agentSudo}; each falls back to its env var, then the default. */
export interface AgentSudoOptions {
  /** Project API key (`as_…`), sent as `X-API-Key`. Env `AGENTSUDO_API_KEY`. */
  apiKey?: string;
  /** API origin. Env `AGENTSUDO_BASE_URL`. Default `https://api.agentsudo.dev`. */
  baseUrl?: string;
  /** `agent_name` of events recorded outside a session (a session's own agent name wins). Default `'agent'`. */
  agentName?: string;
  /** One attempt's timeout. Default 10000. */
  requestTimeoutMillis?: number;
  /** Keep-alive connections. Default 8. */
  maxConnections?: number;
}

const PATH = '/ingest-event';
const CALL = `POST ${PATH}`;

/**
 * The AgentSudo backend. Record permission checks with `recordPermissionCheck`;
 * they arrive as AgentSudo `permission_check` events.
 *
 * @throws {AuditError} `INVALID_OPTION` when `baseUrl` is not an http(s) URL, `agentName` is empty, or a number option is not a positive integer.
 * @example
 * setupAudit({ backends: [agentSudo({ agentName: 'SupportBot' }), secureagentics()] });
 */
export function agentSudo(options: AgentSudoOptions = {}): AuditBackend {
  const env = readEnv();
  if (options.baseUrl !== undefined && !isHttpUrl(options.baseUrl)) {
    throw invalidOption('agentSudo.baseUrl', 'an http(s) URL', options.baseUrl);
  }
  if (options.agentName !== undefined && (typeof options.agentName !== 'string' || options.agentName.trim() === '')) {
    throw invalidOption('agentSudo.agentName', 'a non-empty string', options.agentName);
  }
  return new AgentSudoBackend({
    apiKey: options.apiKey ?? env.agentsudoApiKey,
    baseUrl: options.baseUrl ?? env.agentsudoBaseUrl ?? DEFAULTS.agentsudoBaseUrl,
    agentName: options.agentName ?? DEFAULTS.agentName,
    requestTimeoutMillis: positive('agentSudo.requestTimeoutMillis', options.requestTimeoutMillis) ?? DEFAULTS.requestTimeoutMillis,
    maxConnections: positive('agentSudo.maxConnections', options.maxConnections) ?? DEFAULTS.maxConnections,
  });
}

interface AgentSudoConfig {
  apiKey: string | undefined;
  baseUrl: string;
  agentName: string;
  requestTimeoutMillis: number;
  maxConnections: number;
}

class AgentSudoBackend implements AuditBackend {
  readonly name = 'agentsudo';
  /** No batch endpoint (audit-apis.md §4): one event per request. */
  readonly maxBatchSize = 1;
  readonly configProblem?: string;
  private readonly client: HttpClient | undefined;

  constructor(private readonly config: AgentSudoConfig) {
    if (!config.apiKey) {
      this.configProblem = 'agentsudo: no API key. Set AGENTSUDO_API_KEY or pass { apiKey }; until then its audit events are not delivered.';
    } else if (!isHttpUrl(config.baseUrl)) {
      this.configProblem = `agentsudo: AGENTSUDO_BASE_URL=${JSON.stringify(config.baseUrl)} is not an http(s) URL; its audit events are not delivered.`;
    } else {
      this.client = new HttpClient(config.baseUrl, {
        maxConnections: config.maxConnections,
        timeoutMillis: config.requestTimeoutMillis,
        // The answer is a short receipt; nothing in it is read.
        maxResponseBytes: 64 * 1024,
      });
    }
  }

  async send(events: readonly AuditEvent[], signal: AbortSignal): Promise<DeliveryOutcome> {
    if (!this.client || this.configProblem) return { kind: 'rejected', configError: true, reason: this.configProblem ?? 'agentsudo: not configured' };
    const event = events[0]; // maxBatchSize is 1
    if (event === undefined) return { kind: 'delivered' };
    let body: string;
    try {
      body = JSON.stringify(toAgentSudoRequest(event, event.agentName ?? this.config.agentName));
    } catch {
      // Past V8's string length limit: too large to send, like a 413.
      return { kind: 'rejected', reason: `agentsudo: event ${event.id} too large to serialise into a request` };
    }
    const result = await this.client.request('POST', PATH, { 'x-api-key': this.config.apiKey ?? '' }, body, signal);
    // 400 INVALID_PAYLOAD is final and says which field; 429 RATE_LIMITED and 500 are retried.
    const failure = failureOutcome(result, {
      backend: this.name,
      call: CALL,
      affected: 'the event',
      authHint: 'Check AGENTSUDO_API_KEY (or the apiKey option).',
      notFoundHint: `Check AGENTSUDO_BASE_URL (or the baseUrl option): it must be the AgentSudo API origin, which serves ${CALL}.`,
    });
    return failure ?? { kind: 'delivered' };
  }

  shutdown(): Promise<void> {
    return this.client?.close() ?? Promise.resolve();
  }
}
