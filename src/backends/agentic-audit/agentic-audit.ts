/**
 * AgenticAudit (audit-apis.md §3): a self-hosted service with no batch
 * endpoint. Each event is one `POST /v1/events`; the queue's
 * `maxConcurrentRequests` bounds how many are in flight. Every answer carries
 * the service's assessment (risk level, PII, frameworks, allow/block), which
 * is handed to the user's `onResult`.
 */
import { DEFAULTS } from '../../config/defaults.js';
import { invalidOption } from '../../errors.js';
import type { AuditBackend } from '../../model/audit-backend.js';
import type { AuditEvent } from '../../model/audit-event.js';
import type { DeliveryOutcome } from '../../model/delivery-outcome.js';
import type { ToolDecision } from '../../model/tool-decision.js';
import { eventCount } from '../../model/event-count.js';
import { HttpBackend } from '../http-backend.js';
import { nonEmptyOption, resolveHttpBackendConfig, type HttpBackendConfig, type HttpBackendOptions } from '../http-backend-config.js';
import type { HttpVendor } from '../http-vendor.js';
import { parseJsonBody } from '../response-outcome.js';
import { readAgenticAuditResult, toAgenticAuditRequest, type AgenticAuditResult } from './agentic-audit-wire.js';
import { ResultCallback } from './result-callback.js';

export type { AgenticAuditResult } from './agentic-audit-wire.js';

/** Options of {@link agenticAudit}; each falls back to its env var, then the default. */
export interface AgenticAuditOptions extends HttpBackendOptions {
  /** API key (`aa_live_…`), sent as `Authorization: Bearer`. Env `AGENTAUDIT_KEY`. */
  apiKey?: string;
  /** Server origin. Env `AGENTAUDIT_URL`. Default `http://localhost:8000`. */
  baseUrl?: string;
  /** `agent_id` of every event. Default: the session's agent id, else its agent name, else `'agent'`. */
  agentId?: string;
  /**
   * Called with the service's assessment of each delivered event (and of each
   * tool call it was asked to decide). Keep it quick: it runs on the delivery
   * path. A throw is reported once through `diag` and never stops delivery.
   */
  onResult?: (result: AgenticAuditResult, event: AuditEvent) => void;
}

const AGENTIC_AUDIT: HttpVendor = {
  name: 'agentic-audit', factory: 'agenticAudit', title: 'AgenticAudit server', defaultBaseUrl: DEFAULTS.agenticAuditBaseUrl,
  // The AgenticAudit guide's own names.
  envNames: { apiKey: 'AGENTAUDIT_KEY', baseUrl: 'AGENTAUDIT_URL' },
  fromEnv: (env) => ({ apiKey: env.agenticAuditKey, baseUrl: env.agenticAuditUrl }),
  authHeaders: (apiKey) => ({ authorization: `Bearer ${apiKey}` }),
  maxResponseBytes: 4 * 1024 * 1024,
};

const EVENTS = '/v1/events';

/**
 * The AgenticAudit backend: one `POST /v1/events` per event. It can also
 * decide tool calls before they run (`decision: 'block'` stops the tool).
 *
 * @throws {AuditError} `INVALID_OPTION` when `baseUrl` is not an http(s) URL, `agentId` is empty, `onResult` is not a function, or a number option is not a positive integer.
 * @example
 * setupAudit({
 *   backends: [agenticAudit({ onResult: (r, e) => r.riskLevel === 'critical' && alert(e.id, r.reason) })],
 * });
 */
export function agenticAudit(options: AgenticAuditOptions = {}): AuditBackend {
  const config = resolveHttpBackendConfig(AGENTIC_AUDIT, options);
  const agentId = nonEmptyOption('agenticAudit.agentId', options.agentId);
  if (options.onResult !== undefined && typeof options.onResult !== 'function') {
    throw invalidOption('agenticAudit.onResult', 'a function', options.onResult);
  }
  return new AgenticAuditBackend(config, agentId, new ResultCallback(options.onResult));
}

/** One event posted: the failure outcome, or the parsed `201` body. */
type Posted = { failure: DeliveryOutcome } | { body: unknown };

class AgenticAuditBackend extends HttpBackend {
  /** No batch endpoint (audit-apis.md §3): one event per request. */
  readonly maxBatchSize = 1;

  constructor(
    config: HttpBackendConfig,
    private readonly agentId: string | undefined,
    private readonly onResult: ResultCallback,
  ) {
    super(AGENTIC_AUDIT, config);
  }

  /** Posts the tool call now; the answer's `decision` is the verdict. */
  async decide(event: AuditEvent, signal: AbortSignal): Promise<ToolDecision> {
    const posted = await this.post(event, signal);
    if ('failure' in posted) return { kind: 'unavailable', reason: posted.failure.reason ?? `agentic-audit: POST ${EVENTS} failed` };
    const result = this.assessed(posted.body, event);
    if (result?.decision === 'block') return { kind: 'block', reason: result.reason ?? 'blocked by AgenticAudit', raw: posted.body };
    if (result?.decision === 'allow') return { kind: 'allow', ...(result.reason && { reason: result.reason }), raw: posted.body };
    return {
      kind: 'unavailable',
      reason: `agentic-audit: POST ${EVENTS} answered without a decision ('allow' or 'block'); ${this.api.urlHint}`,
    };
  }

  protected async deliver(events: readonly AuditEvent[], signal: AbortSignal): Promise<DeliveryOutcome> {
    const event = events[0]!; // maxBatchSize is 1
    const posted = await this.post(event, signal);
    if ('failure' in posted) return posted.failure;
    this.assessed(posted.body, event);
    if ((posted.body as { stored?: unknown } | undefined)?.stored === false) {
      return { kind: 'delivered', rejected: 1, reason: `agentic-audit: POST ${EVENTS} answered stored: false — the service did not keep the event` };
    }
    return { kind: 'delivered' };
  }

  private async post(event: AuditEvent, signal: AbortSignal): Promise<Posted> {
    const agentId = this.agentId ?? event.agentId ?? event.agentName ?? DEFAULTS.agentName;
    // A 422 lands here as a plain rejection: never retried, and its reason carries the
    // server's validation message, so the loss report groups events by that message.
    const answer = await this.api.post({ path: EVENTS, affected: eventCount(1) }, toAgenticAuditRequest(event, agentId), signal);
    return answer.ok ? { body: parseJsonBody(answer.body) } : { failure: answer.failure };
  }

  /** The assessment in a `201` body, handed to the user's callback. */
  private assessed(body: unknown, event: AuditEvent): AgenticAuditResult | undefined {
    const result = readAgenticAuditResult(body);
    if (result !== undefined) this.onResult.call(result, event);
    return result;
  }
}
