/**
 * AgentOps (audit-apis.md §2): each of our sessions is an AgentOps session,
 * created with the API key (`create_session`), whose JWT then carries its
 * agents, events and end. Requests of one session go one batch attempt at a
 * time, so `update_session` follows every attempt started before it. It does
 * not wait for an earlier batch backing off between retries: a backend sees
 * attempts, never the queue giving a batch up, so waiting would either stall
 * the end for good or spend the end's own retries (one lost batch would lose
 * the end too). The AgentOps document does not refuse events after
 * `update_session`, and they carry their own timestamps: only their arrival
 * order differs.
 */
import { randomUUID } from 'node:crypto';
import { diag } from '@opentelemetry/api';
import { DEFAULTS } from '../../config/defaults.js';
import { readEnv } from '../../config/env.js';
import { positive } from '../../config/resolve.js';
import type { AuditEvent } from '../../model/audit-event.js';
import { invalidOption } from '../../errors.js';
import type { DeliveryOutcome } from '../../model/delivery-outcome.js';
import { HttpClient } from '../../deliver/http-client.js';
import { untilAborted } from '../../deliver/until-aborted.js';
import type { AuditBackend } from '../../model/audit-backend.js';
import { planAgentOpsBatch, type AgentOpsBatchPlan } from './agentops-events.js';
import { hostEnvironment } from './agentops-host-env.js';
import { AgentOpsSessions, type AgentOpsSession } from './agentops-session.js';
import { derivedUuid } from './derived-uuid.js';
import { isHttpUrl } from '../http-url.js';

const log = diag.createComponentLogger({ namespace: 'otel-agent-audit:agentops' });

/** Options of {@link agentops}; each falls back to its env var, then the default. */
export interface AgentOpsOptions {
  /** API key, sent as `X-Agentops-Api-Key` to create sessions and renew JWTs. Env `AGENTOPS_API_KEY`. */
  apiKey?: string;
  /** API origin. Env `AGENTOPS_BASE_URL`. Default `https://api.agentops.ai`. */
  baseUrl?: string;
  /** Tags of every session this backend creates. Default none. */
  tags?: string[];
  /** One attempt's timeout. Default 10000. */
  requestTimeoutMillis?: number;
  /** Keep-alive connections. Default 8. */
  maxConnections?: number;
}

/** `create_events` takes at most 100 events; one of ours never becomes more than one of theirs. */
const BATCH_LIMIT = 100;
/** batchKey of events recorded outside any session. */
const NO_SESSION_KEY = '';

/**
 * The AgentOps backend. Events recorded outside `withSession` go to one
 * process-wide AgentOps session, tagged `otel-agent-audit:no-session` and
 * ended `Indeterminate` at shutdown.
 *
 * @throws {AuditError} `INVALID_OPTION` when `baseUrl` is not an http(s) URL, or an option is not a positive integer / a string array.
 * @example
 * setupAudit({ backends: [agentops({ tags: ['production'] })] }); // AGENTOPS_API_KEY from the environment
 */
export function agentops(options: AgentOpsOptions = {}): AuditBackend {
  const env = readEnv();
  const baseUrl = options.baseUrl ?? env.agentopsBaseUrl ?? DEFAULTS.agentopsBaseUrl;
  if (options.baseUrl !== undefined && !isHttpUrl(options.baseUrl)) throw invalidOption('agentops.baseUrl', 'an http(s) URL', options.baseUrl);
  if (options.tags !== undefined && !(Array.isArray(options.tags) && options.tags.every((t) => typeof t === 'string'))) {
    throw invalidOption('agentops.tags', 'an array of strings', options.tags);
  }
  return new AgentOpsBackend({
    apiKey: options.apiKey ?? env.agentopsApiKey,
    baseUrl,
    tags: [...(options.tags ?? [])],
    requestTimeoutMillis: positive('agentops.requestTimeoutMillis', options.requestTimeoutMillis) ?? DEFAULTS.requestTimeoutMillis,
    maxConnections: positive('agentops.maxConnections', options.maxConnections) ?? DEFAULTS.maxConnections,
  });
}

interface AgentOpsConfig {
  apiKey: string | undefined;
  baseUrl: string;
  tags: string[];
  requestTimeoutMillis: number;
  maxConnections: number;
}

class AgentOpsBackend implements AuditBackend {
  readonly name = 'agentops';
  readonly maxBatchSize = BATCH_LIMIT;
  readonly configProblem?: string;
  private readonly client: HttpClient | undefined;
  private readonly sessions: AgentOpsSessions | undefined;

  constructor(private readonly config: AgentOpsConfig) {
    if (!config.apiKey) {
      this.configProblem = 'agentops: no API key. Set AGENTOPS_API_KEY or pass { apiKey }; until then its audit events are not delivered.';
    } else if (!isHttpUrl(config.baseUrl)) {
      this.configProblem = `agentops: AGENTOPS_BASE_URL=${JSON.stringify(config.baseUrl)} is not an http(s) URL; its audit events are not delivered.`;
    }
    if (this.configProblem || !config.apiKey) return;
    this.client = new HttpClient(config.baseUrl, {
      maxConnections: config.maxConnections,
      timeoutMillis: config.requestTimeoutMillis,
      maxResponseBytes: 1024 * 1024,
    });
    // A new no-session session per process: it is ended at shutdown, so a restart must not reuse it.
    this.sessions = new AgentOpsSessions(this.client, { apiKey: config.apiKey, tags: config.tags, hostEnv: hostEnvironment() }, randomUUID());
  }

  /** One request never mixes sessions: each has its own JWT. */
  batchKey(event: AuditEvent): string {
    return event.sessionId || NO_SESSION_KEY;
  }

  async send(events: readonly AuditEvent[], signal: AbortSignal): Promise<DeliveryOutcome> {
    const sessions = this.sessions;
    if (!sessions || this.configProblem) return { kind: 'rejected', configError: true, reason: this.configProblem ?? 'not configured' };
    const first = events[0];
    if (first === undefined) return { kind: 'delivered' };
    const key = this.batchKey(first);
    const session = sessions.get(key === NO_SESSION_KEY ? undefined : key);
    return sessions.serial(session, () => this.deliver(sessions, session, events, signal));
  }

  /**
   * Ends the no-session session (if events used it), then closes connections.
   * `signal` is the pipeline's shutdown deadline: past it, nothing is waited for.
   */
  async shutdown(signal?: AbortSignal): Promise<void> {
    const timeout = AbortSignal.timeout(this.config.requestTimeoutMillis);
    const deadline = signal ? AbortSignal.any([signal, timeout]) : timeout;
    if (this.sessions) {
      const failed = await this.sessions.endIndeterminate(this.sessions.noSession, 'events recorded outside withSession; the process shut down', deadline);
      if (failed) {
        log.warn(`could not end the AgentOps session '${this.sessions.noSession.id}' of events recorded outside withSession (it stays open): ${failed.reason}`);
      }
    }
    // Requests cut off by the deadline were aborted (undici destroys their sockets); close() lets the idle ones go.
    if (this.client) await untilAborted(this.client.close(), deadline, () => undefined);
  }

  /**
   * One batch, in the order the contract needs: the session's JWT, then its
   * new agents, its events, updates of half-sent LLM calls, and its end.
   */
  private async deliver(sessions: AgentOpsSessions, session: AgentOpsSession, events: readonly AuditEvent[], signal: AbortSignal): Promise<DeliveryOutcome> {
    const plan = planAgentOpsBatch(events, (key) => session.splitCalls.progress(key), (name) => agentId(session, name));
    const affected = `${events.length} events of session '${session.id}'`;
    const unauthorised = await sessions.ensureJwt(session, plan, affected, signal);
    if (unauthorised) return unauthorised;
    for (const name of plan.agentNames) {
      if (session.agents.has(name)) continue;
      const failed = await sessions.post(session, '/v2/create_agent', { id: agentId(session, name), name }, affected, signal);
      if (failed) return failed.kind === 'rejected' ? { ...failed, tooLarge: false } : failed;
      session.agents.add(name);
    }
    // From here the service may store a half even if its answer is lost: later batches must not assume it absent.
    for (const [key, half] of plan.splitHalves) session.splitCalls.attempting(key, half);
    const failed =
      (plan.create.length > 0 ? await sessions.post(session, '/v2/create_events', { events: plan.create }, affected, signal) : undefined) ??
      (plan.update.length > 0 ? await sessions.post(session, '/v2/update_events', { events: plan.update }, affected, signal) : undefined) ??
      (plan.end ? await sessions.post(session, '/v2/update_session', { session: { id: session.id, ...plan.end } }, affected, signal) : undefined);
    // A retry re-sends the whole batch with the same ids, so halves are confirmed only once all of it went through.
    if (failed) return failed;
    recordDelivered(session, plan);
    return { kind: 'delivered' };
  }
}

function recordDelivered(session: AgentOpsSession, plan: AgentOpsBatchPlan): void {
  for (const [key, half] of plan.splitHalves) session.splitCalls.confirmed(key, half);
  for (const key of plan.failedSpans) session.splitCalls.failed(key);
  if (plan.end) session.ended = true;
}

/** An agent is registered per session (its JWT binds it there), under an id stable across retries. */
function agentId(session: AgentOpsSession, name: string): string {
  return derivedUuid(`agent:${session.id}:${name}`);
}

