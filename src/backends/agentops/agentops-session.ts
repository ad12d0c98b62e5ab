/**
 * AgentOps sessions and their JWTs (audit-apis.md §2): a session is created
 * once, lazily, with the API key, and its JWT then authorises every other
 * call of the session. A JWT the service refuses is renewed with
 * `reauthorize_jwt` and the call repeated once.
 */
import type { DeliveryOutcome } from '../../model/delivery-outcome.js';
import { configurationFailure } from '../configuration-problems.js';
import { parseJsonBody } from '../response-outcome.js';
import type { ApiCall, VendorApi } from '../vendor-api.js';
import { SplitLlmCalls } from './agentops-split-calls.js';
import { uuidFor } from './derived-uuid.js';

/** One of our sessions (or the no-session one) as AgentOps knows it. */
export interface AgentOpsSession {
  /** AgentOps session id: ours when it is a UUID, else derived from it. */
  readonly id: string;
  readonly tags: readonly string[];
  /** Set once `create_session` (or `reauthorize_jwt`) answered. */
  jwt?: string;
  /** Agent names already created in this session. */
  readonly agents: Set<string>;
  /**
   * For `create_session`'s `init_timestamp`: session.start's time once a
   * batch held it, else the earliest event seen. Kept across batches, so a
   * create retried after a later batch went first still has the real start.
   */
  readonly start: { sessionStart?: string; earliest?: string };
  /** LLM calls split over batches: which halves were attempted or confirmed. */
  readonly splitCalls: SplitLlmCalls;
  ended: boolean;
  /** The tail of this session's requests: they go one batch at a time, in order. */
  lane: Promise<unknown>;
  busy: number;
}

/** What every session of one backend is created with. */
export interface AgentOpsSessionsConfig {
  tags: readonly string[];
  hostEnv: Record<string, unknown>;
}

const BACKEND = 'agentops';
/** Sessions remembered (JWT, agents, half-sent LLM calls); the oldest ended ones are forgotten first. */
const MAX_SESSIONS = 4096;
/**
 * Split LLM calls remembered per session (beyond, the oldest is forgotten and
 * costs an extra `update_events`, not an event). The no-session session
 * collects the whole process's calls outside `withSession`, so it gets more.
 */
const MAX_SPLIT_CALLS = 128;
const MAX_SPLIT_CALLS_NO_SESSION = 4096;
/** Tag of the session that collects events recorded outside any `withSession`. */
export const NO_SESSION_TAG = 'otel-agent-audit:no-session';

/**
 * The AgentOps sessions of one backend, by our session id, with their JWTs.
 *
 * @example
 * const sessions = new AgentOpsSessions(api, { tags: [], hostEnv: hostEnvironment() }, randomUUID());
 * const session = sessions.get(event.sessionId);
 * await sessions.serial(session, () => sessions.post(session, { path: '/v2/create_events', affected: '3 events' }, body, signal));
 */
export class AgentOpsSessions {
  private readonly sessions = new Map<string, AgentOpsSession>();
  /** The session of events without a session id: process-wide, never forgotten, ended at shutdown. */
  readonly noSession: AgentOpsSession;

  constructor(
    private readonly api: VendorApi,
    private readonly config: AgentOpsSessionsConfig,
    noSessionId: string,
  ) {
    this.noSession = newSession(noSessionId, [...config.tags, NO_SESSION_TAG], MAX_SPLIT_CALLS_NO_SESSION);
  }

  /** The state of our session `sessionId` (undefined: the no-session one), made on first use. */
  get(sessionId: string | undefined): AgentOpsSession {
    if (sessionId === undefined) return this.noSession;
    let session = this.sessions.get(sessionId);
    if (session) return session;
    if (this.sessions.size >= MAX_SESSIONS) this.forgetOne();
    const id = uuidFor('session', sessionId);
    // A derived id keeps ours findable in the AgentOps dashboard.
    session = newSession(id, id === sessionId.toLowerCase() ? this.config.tags : [...this.config.tags, `session_id:${sessionId}`], MAX_SPLIT_CALLS);
    this.sessions.set(sessionId, session);
    return session;
  }

  /** Runs `fn` after the session's earlier requests: one batch of a session at a time, in order. */
  serial<T>(session: AgentOpsSession, fn: () => Promise<T>): Promise<T> {
    session.busy++;
    const run = session.lane.then(fn).finally(() => session.busy--);
    session.lane = run.catch(() => undefined);
    return run;
  }

  /**
   * Creates the session unless it has a JWT already; the outcome when that
   * failed. `start` is what this batch knows of the session's start.
   */
  async ensureJwt(
    session: AgentOpsSession,
    start: { sessionStart?: string; earliest: string },
    affected: string,
    signal: AbortSignal,
  ): Promise<DeliveryOutcome | undefined> {
    const known = session.start;
    known.sessionStart ??= start.sessionStart;
    if (known.earliest === undefined || start.earliest < known.earliest) known.earliest = start.earliest;
    if (session.jwt !== undefined) return undefined;
    const initTimestamp = known.sessionStart ?? known.earliest;
    const body = { session: { id: session.id, init_timestamp: initTimestamp, tags: session.tags, host_env: this.config.hostEnv } };
    return this.authorise(session, '/v2/create_session', body, affected, signal);
  }

  /**
   * POSTs `payload` with the session's JWT. A 401 renews the JWT and repeats
   * the call once; a 401 to the repeat is a configuration error.
   */
  async post(session: AgentOpsSession, call: ApiCall, payload: unknown, signal: AbortSignal): Promise<DeliveryOutcome | undefined> {
    const usedJwt = session.jwt ?? '';
    let answer = await this.api.post(call, payload, signal, bearer(usedJwt));
    if (!answer.ok && answer.status === 401) {
      // Another call may have renewed it meanwhile: then only the repeat is needed.
      if (session.jwt === usedJwt) {
        const refused = await this.authorise(session, '/v2/reauthorize_jwt', { session_id: session.id }, call.affected, signal);
        if (refused) return refused;
      }
      answer = await this.api.post(call, payload, signal, bearer(session.jwt ?? ''));
      if (!answer.ok && answer.status === 401) {
        return configurationFailure(
          `${BACKEND}: 401 on POST ${call.path} with a renewed JWT`,
          `${BACKEND}: 401 on POST ${call.path} with a JWT just renewed by POST /v2/reauthorize_jwt — ${call.affected} not delivered. ${this.api.urlHint}`,
        );
      }
    }
    return answer.ok ? undefined : answer.failure;
  }

  /**
   * Ends a session that will get no `session.end` of its own (the no-session
   * one, at shutdown), after its batches under way. Gives up when `signal`
   * aborts, while waiting for them as well as during the request.
   */
  endIndeterminate(session: AgentOpsSession, reason: string, signal: AbortSignal): Promise<DeliveryOutcome | undefined> {
    const gaveUp = (): DeliveryOutcome => ({ kind: 'retryable', reason: `${BACKEND}: the shutdown deadline passed before update_session was answered` });
    const ended = this.serial(session, async () => {
      if (session.jwt === undefined || session.ended) return undefined;
      if (signal.aborted) return gaveUp();
      const end = { id: session.id, end_timestamp: new Date().toISOString(), end_state: 'Indeterminate', end_state_reason: reason };
      const failed = await this.post(session, { path: '/v2/update_session', affected: 'the end of the no-session session' }, { session: end }, signal);
      if (!failed) session.ended = true;
      return failed;
    });
    return new Promise((resolve) => {
      // A session never created has nothing to end.
      const onAbort = (): void => resolve(session.jwt === undefined || session.ended ? undefined : gaveUp());
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      const settle = (outcome: DeliveryOutcome | undefined): void => {
        signal.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      ended.then(settle, (error: unknown) => settle({ kind: 'retryable', reason: `${BACKEND}: unexpected error: ${String(error)}` }));
    });
  }

  /** `create_session` or `reauthorize_jwt`: the API key (the vendor's header) buys the session a JWT. */
  private async authorise(session: AgentOpsSession, path: string, payload: unknown, affected: string, signal: AbortSignal): Promise<DeliveryOutcome | undefined> {
    const answer = await this.api.post({ path, affected, small: true }, payload, signal);
    if (!answer.ok) return answer.failure;
    const jwt = (parseJsonBody(answer.body) as { jwt?: unknown } | undefined)?.jwt;
    if (typeof jwt !== 'string' || jwt === '') {
      return { kind: 'retryable', reason: `${BACKEND}: POST ${path} answered without a jwt. ${this.api.urlHint}` };
    }
    session.jwt = jwt;
    return undefined;
  }

  /** Forgets the oldest idle session, an ended one if there is one: it stays bounded when sessions never end. */
  private forgetOne(): void {
    let victim: string | undefined;
    for (const [key, session] of this.sessions) {
      if (session.busy > 0) continue;
      victim ??= key;
      if (session.ended) {
        victim = key;
        break;
      }
    }
    if (victim !== undefined) this.sessions.delete(victim);
  }
}

function newSession(id: string, tags: readonly string[], maxSplitCalls: number): AgentOpsSession {
  return { id, tags, agents: new Set(), start: {}, splitCalls: new SplitLlmCalls(maxSplitCalls), ended: false, lane: Promise.resolve(), busy: 0 };
}

function bearer(jwt: string): Record<string, string> {
  return { authorization: `Bearer ${jwt}` };
}
