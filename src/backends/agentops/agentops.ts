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
import { DEFAULTS } from '../../config/defaults.js';
import { untilAborted } from '../../deliver/until-aborted.js';
import { invalidOption } from '../../errors.js';
import type { AuditBackend } from '../../model/audit-backend.js';
import type { AuditEvent } from '../../model/audit-event.js';
import type { DeliveryOutcome } from '../../model/delivery-outcome.js';
import { eventCount } from '../../model/event-count.js';
import { HttpBackend } from '../http-backend.js';
import { resolveHttpBackendConfig, type HttpBackendConfig, type HttpBackendOptions } from '../http-backend-config.js';
import type { HttpVendor } from '../http-vendor.js';
import { planAgentOpsBatch, type AgentOpsBatchPlan } from './agentops-events.js';
import { hostEnvironment } from './agentops-host-env.js';
import { AgentOpsSessions, type AgentOpsSession } from './agentops-session.js';
import { derivedUuid } from './derived-uuid.js';
import { scrubbedLogger } from '../../redact/scrubbed-logger.js';

const log = scrubbedLogger('otel-agent-audit:agentops');

/** Options of {@link agentops}; each falls back to its env var, then the default. */
export interface AgentOpsOptions extends HttpBackendOptions {
  /** API key, sent as `X-Agentops-Api-Key` to create sessions and renew JWTs. Env `AGENTOPS_API_KEY`. */
  apiKey?: string;
  /** API origin. Env `AGENTOPS_BASE_URL`. Default `https://api.agentops.ai`. */
  baseUrl?: string;
  /** Tags of every session this backend creates. Default none. */
  tags?: string[];
}

const AGENTOPS: HttpVendor = {
  name: 'agentops', factory: 'agentops', title: 'AgentOps API', defaultBaseUrl: DEFAULTS.agentopsBaseUrl,
  envNames: { apiKey: 'AGENTOPS_API_KEY', baseUrl: 'AGENTOPS_BASE_URL' },
  fromEnv: (env) => ({ apiKey: env.agentopsApiKey, baseUrl: env.agentopsBaseUrl }),
  // The key only buys sessions their JWTs; every other call carries its session's JWT instead.
  authHeaders: (apiKey) => ({ 'x-agentops-api-key': apiKey }),
  maxResponseBytes: 1024 * 1024,
};

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
  const config = resolveHttpBackendConfig(AGENTOPS, options);
  if (options.tags !== undefined && !(Array.isArray(options.tags) && options.tags.every((t) => typeof t === 'string'))) {
    throw invalidOption('agentops.tags', 'an array of strings', options.tags);
  }
  return new AgentOpsBackend(config, [...(options.tags ?? [])]);
}

class AgentOpsBackend extends HttpBackend {
  readonly maxBatchSize = BATCH_LIMIT;
  private readonly sessions: AgentOpsSessions;
  private readonly requestTimeoutMillis: number;

  constructor(config: HttpBackendConfig, tags: string[]) {
    super(AGENTOPS, config);
    this.requestTimeoutMillis = config.requestTimeoutMillis;
    // A new no-session session per process: it is ended at shutdown, so a restart must not reuse it.
    this.sessions = new AgentOpsSessions(this.api, { tags, hostEnv: hostEnvironment() }, randomUUID());
  }

  /** One request never mixes sessions: each has its own JWT. */
  batchKey(event: AuditEvent): string {
    return event.sessionId || NO_SESSION_KEY;
  }

  /**
   * Ends the no-session session (if events used it), then closes connections.
   * `signal` is the pipeline's shutdown deadline: past it, nothing is waited for.
   */
  override async shutdown(signal?: AbortSignal): Promise<void> {
    const timeout = AbortSignal.timeout(this.requestTimeoutMillis);
    const deadline = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const noSession = this.sessions.noSession;
    const failed = await this.sessions.endIndeterminate(noSession, 'events recorded outside withSession; the process shut down', deadline);
    if (failed) {
      const { reason } = this.problems.told(failed); // a refused key already said is only named
      log.warn(`could not end the AgentOps session '${noSession.id}' of events recorded outside withSession (it stays open): ${reason}`);
    }
    // Requests cut off by the deadline were aborted (undici destroys their sockets); closing lets the idle ones go.
    await untilAborted(super.shutdown(), deadline, () => undefined);
  }

  protected deliver(events: readonly AuditEvent[], signal: AbortSignal): Promise<DeliveryOutcome> {
    const key = this.batchKey(events[0]!);
    const session = this.sessions.get(key === NO_SESSION_KEY ? undefined : key);
    return this.sessions.serial(session, () => this.deliverInOrder(session, events, signal));
  }

  /**
   * One batch, in the order the contract needs: the session's JWT, then its
   * new agents, its events, updates of half-sent LLM calls, and its end.
   */
  private async deliverInOrder(session: AgentOpsSession, events: readonly AuditEvent[], signal: AbortSignal): Promise<DeliveryOutcome> {
    const sessions = this.sessions;
    const plan = planAgentOpsBatch(events, (key) => session.splitCalls.progress(key), (name) => agentId(session, name));
    const affected = `${eventCount(events.length)} of session '${session.id}'`;
    const unauthorised = await sessions.ensureJwt(session, plan, affected, signal);
    if (unauthorised) return unauthorised;
    for (const name of plan.agentNames) {
      if (session.agents.has(name)) continue;
      const failed = await sessions.post(session, { path: '/v2/create_agent', affected, small: true }, { id: agentId(session, name), name }, signal);
      if (failed) return failed;
      session.agents.add(name);
    }
    // From here the service may store a half even if its answer is lost: later batches must not assume it absent.
    for (const [key, half] of plan.splitHalves) session.splitCalls.attempting(key, half);
    const post = (path: string, body: unknown) => sessions.post(session, { path, affected }, body, signal);
    const failed =
      (plan.create.length > 0 ? await post('/v2/create_events', { events: plan.create }) : undefined) ??
      (plan.update.length > 0 ? await post('/v2/update_events', { events: plan.update }) : undefined) ??
      (plan.end ? await post('/v2/update_session', { session: { id: session.id, ...plan.end } }) : undefined);
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
