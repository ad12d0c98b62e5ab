/**
 * AgenticAudit (audit-apis.md §3): a self-hosted service with no batch
 * endpoint. Each event is one `POST /v1/events`; the queue's
 * `maxConcurrentRequests` bounds how many are in flight. Every answer carries
 * the service's assessment (risk level, PII, frameworks, allow/block), which
 * is handed to the user's `onResult`.
 */
import { diag } from '@opentelemetry/api';
import { DEFAULTS } from '../../config/defaults.js';
import { readEnv } from '../../config/env.js';
import { positive } from '../../config/resolve.js';
import type { AuditEvent } from '../../model/audit-event.js';
import { invalidOption } from '../../errors.js';
import type { DeliveryOutcome } from '../../model/delivery-outcome.js';
import { HttpClient } from '../../deliver/http-client.js';
import { readAgenticAuditResult, toAgenticAuditRequest, type AgenticAuditResult } from './agentic-audit-wire.js';
import type { AuditBackend } from '../../model/audit-backend.js';
import { isHttpUrl } from '../http-url.js';
import { failureOutcome, parseJsonBody } from '../response-outcome.js';
import type { ToolDecision } from '../../model/tool-decision.js';

export type { AgenticAuditResult } from './agentic-audit-wire.js';

const log = diag.createComponentLogger({ namespace: 'otel-agent-audit:agentic-audit' });

/** Options of {@link agenticAudit}; each falls back to its env var, then the default. */
export interface AgenticAuditOptions {
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
  /** One attempt's timeout. Default 10000. */
  requestTimeoutMillis?: number;
  /** Keep-alive connections. Default 8. */
  maxConnections?: number;
}

const PATH = '/v1/events';
const CALL = `POST ${PATH}`;
const AUTH_HINT = 'Check AGENTAUDIT_KEY (or the apiKey option).';
const NOT_FOUND_HINT = `Check AGENTAUDIT_URL (or the baseUrl option): it must be the AgenticAudit server's origin, which serves ${CALL}.`;

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
  const env = readEnv();
  if (options.baseUrl !== undefined && !isHttpUrl(options.baseUrl)) {
    throw invalidOption('agenticAudit.baseUrl', 'an http(s) URL', options.baseUrl);
  }
  if (options.agentId !== undefined && (typeof options.agentId !== 'string' || options.agentId.trim() === '')) {
    throw invalidOption('agenticAudit.agentId', 'a non-empty string', options.agentId);
  }
  if (options.onResult !== undefined && typeof options.onResult !== 'function') {
    throw invalidOption('agenticAudit.onResult', 'a function', options.onResult);
  }
  return new AgenticAuditBackend({
    apiKey: options.apiKey ?? env.agenticAuditKey,
    baseUrl: options.baseUrl ?? env.agenticAuditUrl ?? DEFAULTS.agenticAuditBaseUrl,
    agentId: options.agentId,
    onResult: options.onResult,
    requestTimeoutMillis: positive('agenticAudit.requestTimeoutMillis', options.requestTimeoutMillis) ?? DEFAULTS.requestTimeoutMillis,
    maxConnections: positive('agenticAudit.maxConnections', options.maxConnections) ?? DEFAULTS.maxConnections,
  });
}

interface AgenticAuditConfig {
  apiKey: string | undefined;
  baseUrl: string;
  agentId: string | undefined;
  onResult: ((result: AgenticAuditResult, event: AuditEvent) => void) | undefined;
  requestTimeoutMillis: number;
  maxConnections: number;
}

/** One event posted: the failure outcome, or the parsed `201` body. */
type Posted = { failure: DeliveryOutcome } | { body: unknown };

class AgenticAuditBackend implements AuditBackend {
  readonly name = 'agentic-audit';
  /** No batch endpoint (audit-apis.md §3): one event per request. */
  readonly maxBatchSize = 1;
  readonly configProblem?: string;
  private readonly client: HttpClient | undefined;
  private callbackFailed = false;

  constructor(private readonly config: AgenticAuditConfig) {
    if (!config.apiKey) {
      this.configProblem = 'agentic-audit: no API key. Set AGENTAUDIT_KEY or pass { apiKey }; until then its audit events are not delivered.';
    } else if (!isHttpUrl(config.baseUrl)) {
      this.configProblem = `agentic-audit: AGENTAUDIT_URL=${JSON.stringify(config.baseUrl)} is not an http(s) URL; its audit events are not delivered.`;
    } else {
      this.client = new HttpClient(config.baseUrl, {
        maxConnections: config.maxConnections,
        timeoutMillis: config.requestTimeoutMillis,
        maxResponseBytes: 4 * 1024 * 1024,
      });
    }
  }

  async send(events: readonly AuditEvent[], signal: AbortSignal): Promise<DeliveryOutcome> {
    const event = events[0]; // maxBatchSize is 1
    if (event === undefined) return { kind: 'delivered' };
    const posted = await this.post(event, signal);
    if ('failure' in posted) return posted.failure;
    const result = readAgenticAuditResult(posted.body);
    if (result !== undefined) this.report(result, event);
    if ((posted.body as { stored?: unknown } | undefined)?.stored === false) {
      return { kind: 'delivered', rejected: 1, reason: `agentic-audit: ${CALL} answered stored: false — the service did not keep the event` };
    }
    return { kind: 'delivered' };
  }

  /** Posts the tool call now; the answer's `decision` is the verdict. */
  async decide(event: AuditEvent, signal: AbortSignal): Promise<ToolDecision> {
    const posted = await this.post(event, signal);
    if ('failure' in posted) return { kind: 'unavailable', reason: posted.failure.reason ?? `agentic-audit: ${CALL} failed` };
    const result = readAgenticAuditResult(posted.body);
    if (result !== undefined) this.report(result, event);
    if (result?.decision === 'block') return { kind: 'block', reason: result.reason ?? 'blocked by AgenticAudit', raw: posted.body };
    if (result?.decision === 'allow') return { kind: 'allow', ...(result.reason && { reason: result.reason }), raw: posted.body };
    return {
      kind: 'unavailable',
      reason: `agentic-audit: ${CALL} answered without a decision ('allow' or 'block'); check AGENTAUDIT_URL points at an AgenticAudit server`,
    };
  }

  shutdown(): Promise<void> {
    return this.client?.close() ?? Promise.resolve();
  }

  private async post(event: AuditEvent, signal: AbortSignal): Promise<Posted> {
    if (!this.client || this.configProblem) {
      return { failure: { kind: 'rejected', configError: true, reason: this.configProblem ?? 'agentic-audit: not configured' } };
    }
    let body: string;
    try {
      body = JSON.stringify(toAgenticAuditRequest(event, this.agentIdOf(event)));
    } catch {
      // Past V8's string length limit: too large to send, like a 413.
      return { failure: { kind: 'rejected', reason: `agentic-audit: event ${event.id} too large to serialise into a request` } };
    }
    const result = await this.client.request('POST', PATH, { authorization: `Bearer ${this.config.apiKey ?? ''}` }, body, signal);
    // A 422 lands here as a plain rejection: never retried, and its reason carries the
    // server's validation message, so the loss report groups events by that message.
    const failure = failureOutcome(result, {
      backend: this.name,
      call: CALL,
      affected: 'the event',
      authHint: AUTH_HINT,
      notFoundHint: NOT_FOUND_HINT,
    });
    if (failure) return { failure };
    return { body: parseJsonBody(result.ok ? result.response.body : '') };
  }

  private agentIdOf(event: AuditEvent): string {
    return this.config.agentId ?? event.agentId ?? event.agentName ?? DEFAULTS.agentName;
  }

  /** Hands a result to the user's callback; its failures (sync or async) never reach delivery. */
  private report(result: AgenticAuditResult, event: AuditEvent): void {
    const onResult = this.config.onResult;
    if (onResult === undefined) return;
    try {
      const returned: unknown = onResult(result, event);
      if (returned instanceof Promise) returned.catch((error: unknown) => this.callbackThrew(error));
    } catch (error) {
      this.callbackThrew(error);
    }
  }

  private callbackThrew(error: unknown): void {
    if (this.callbackFailed) return;
    this.callbackFailed = true;
    log.warn(
      `agentic-audit: the onResult callback threw (${error instanceof Error ? error.message : String(error)}); ` +
        'events are still delivered and results still passed to it, but this is said only once. Fix the callback.',
    );
  }
}
