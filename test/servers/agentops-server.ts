import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { AgentOpsStore, type StoredSession } from './agentops-store.js';
import { CountWaiter } from './count-waiter.js';
import {
  checkAgent,
  checkCreateSession,
  checkEventList,
  checkEventUpdate,
  checkNewEvent,
  checkReauthorize,
  checkUpdateSession,
} from './agentops-validation.js';
import { listenOnLoopback, mediaTypeOf, parseJson, readBody, sendJson } from './loopback-server.js';
import { sendScriptedReply, type ScriptedReply } from './scripted-reply.js';

export type { StoredAgentOpsEvent, StoredSession } from './agentops-store.js';

/** One request as the server saw it, recorded even when rejected or scripted. */
export interface AgentOpsRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or undefined when the body was empty or not JSON. */
  body: unknown;
  /** What the server answered; 0 while pending or when no answer was delivered. */
  status: number;
}

export type AgentOpsScript = (req: AgentOpsRequest, n: number) => ScriptedReply | undefined;

export interface AgentOpsTestServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The one valid API key. */
  apiKey: string;
  /** Every request in arrival order, rejected and scripted ones included. */
  requests: AgentOpsRequest[];
  /** Sessions in creation order. */
  sessions(): StoredSession[];
  /** create_events items whose id was already stored (answered, not stored again). */
  duplicateEvents(): number;
  /** Every JWT issued so far for the session now answers 401 "Token has expired". */
  expireJwt(sessionId: string): void;
  /** A hook consulted before normal handling (auth included); `n` counts earlier requests to the same path. */
  script(fn: AgentOpsScript | undefined): void;
  /** Resolves once every client connection opened so far is closed (by the client: a held-back reply keeps it open). */
  waitForConnectionsClosed(timeoutMillis?: number): Promise<void>;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body: unknown;
}

const API_KEY_CALLS = new Set(['/v2/create_session', '/v2/reauthorize_jwt']);
const JWT_CALLS = new Set(['/v2/update_session', '/v2/create_events', '/v2/update_events', '/v2/create_agent']);

const error = (status: number, message: string): Reply => ({ status, body: { error: message } });

/** Normal handling: route → method → auth (API key or JWT, per call) → media type → JSON → schema. */
function handle(store: AgentOpsStore, apiKey: string, req: AgentOpsRequest): Reply {
  const apiKeyCall = API_KEY_CALLS.has(req.path);
  if (!apiKeyCall && !JWT_CALLS.has(req.path)) return error(404, `no route for ${req.path}`);
  if (req.method !== 'POST') return error(405, `${req.method} not allowed on ${req.path}`);
  let sessionId = '';
  if (apiKeyCall) {
    if (req.headers['x-agentops-api-key'] !== apiKey) return error(401, 'Invalid API key (X-Agentops-Api-Key)');
  } else {
    const bearer = /^bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const jwt = bearer === undefined ? undefined : store.jwtState(bearer);
    if (jwt === undefined) return error(401, 'Invalid or missing JWT (Authorization: Bearer)');
    if (jwt.expired) return error(401, 'Token has expired');
    sessionId = jwt.sessionId;
  }
  if (mediaTypeOf(req.headers['content-type']) !== 'application/json') return error(415, 'Content-Type must be application/json');
  if (req.body === undefined) return error(400, 'body is not valid JSON');
  return route(store, req.path, req.body, sessionId);
}

function route(store: AgentOpsStore, path: string, body: unknown, sessionId: string): Reply {
  switch (path) {
    case '/v2/create_session': {
      const session = checkCreateSession(body);
      if (!session.ok) return error(400, session.message);
      return { status: 200, body: { status: 'Success', jwt: store.createSession(session.value), session_url: `/drilldown?session_id=${session.value.id}` } };
    }
    case '/v2/reauthorize_jwt': {
      const id = checkReauthorize(body);
      if (!id.ok) return error(400, id.message);
      if (!store.sessions.has(id.value)) return error(404, `session ${id.value} not found`);
      return { status: 200, body: { status: 'Success', jwt: store.issueJwt(id.value) } };
    }
    case '/v2/update_session': {
      const end = checkUpdateSession(body);
      if (!end.ok) return error(400, end.message);
      if (end.value.id !== sessionId) return error(400, "session.id is not the JWT's session");
      store.endSession(sessionId, end.value);
      return { status: 200, body: { status: 'Success' } };
    }
    case '/v2/create_agent': {
      const agent = checkAgent(body);
      if (!agent.ok) return error(400, agent.message);
      store.addAgent(sessionId, agent.value);
      return { status: 200, body: { status: 'Success' } };
    }
    default:
      return routeEvents(store, path, body, sessionId);
  }
}

function routeEvents(store: AgentOpsStore, path: string, body: unknown, sessionId: string): Reply {
  const list = checkEventList(body);
  if (!list.ok) return error(400, list.message);
  const creating = path === '/v2/create_events';
  for (const [index, event] of list.value.entries()) {
    const problem = creating ? checkNewEvent(event, `events[${index}]`) : checkEventUpdate(event, `events[${index}]`);
    if (problem !== undefined) return error(400, problem);
  }
  const problem = creating ? store.addEvents(sessionId, list.value) : store.updateEvents(sessionId, list.value);
  return problem === undefined ? { status: 200, body: { status: 'Success' } } : error(400, problem);
}

/**
 * Starts a strict stand-in for the AgentOps REST API on 127.0.0.1
 * (audit-apis.md §2, seed 004). It checks the auth header each call needs
 * (API key to create a session or renew its JWT, the session's JWT for the
 * rest), required fields and UUIDs, refuses events of a session without a
 * valid JWT and more than 100 events per request, and records every request.
 *
 * @example
 * const server = await startAgentOpsServer();
 * // …run agentops({ apiKey: server.apiKey, baseUrl: server.url })…
 * server.expireJwt(server.sessions()[0]!.id); // the next JWT call gets a 401
 * await server.close();
 */
export async function startAgentOpsServer(options: { apiKey?: string } = {}): Promise<AgentOpsTestServer> {
  const apiKey = options.apiKey ?? 'ao_test_key_0123456789';
  const store = new AgentOpsStore();
  const requests: AgentOpsRequest[] = [];
  const counts = new Map<string, number>();
  const closing = new AbortController();
  let hook: AgentOpsScript | undefined;

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const record: AgentOpsRequest = { method: req.method ?? 'GET', path, headers: req.headers, body: undefined, status: 0 };
    // Recorded before the body is read, so the order is arrival order.
    requests.push(record);
    const n = counts.get(path) ?? 0;
    counts.set(path, n + 1);
    try {
      record.body = parseJson((await readBody(req)).toString('utf8'));
      const scripted = hook?.(record, n);
      if (scripted !== undefined) {
        record.status = await sendScriptedReply(req, res, scripted, closing.signal);
        return;
      }
      const reply = handle(store, apiKey, record);
      record.status = sendJson(res, reply.status, reply.body);
    } catch (cause) {
      if (!res.headersSent) record.status = sendJson(res, 500, { error: `test server error: ${String(cause)}` });
    }
  }

  const loopback = await listenOnLoopback((req, res) => void onRequest(req, res));
  const connections = { opened: 0, closed: 0 };
  const closedWaiter = new CountWaiter(() => connections.closed - connections.opened, 'open connections fewer', 'waitForConnectionsClosed');
  loopback.server.on('connection', (socket) => {
    connections.opened++;
    socket.once('close', () => {
      connections.closed++;
      closedWaiter.notify();
    });
  });
  return {
    url: loopback.url,
    apiKey,
    requests,
    sessions: () => [...store.sessions.values()],
    duplicateEvents: () => store.duplicateEvents,
    expireJwt: (sessionId) => store.expire(sessionId),
    script: (fn) => {
      hook = fn;
    },
    waitForConnectionsClosed: (timeoutMillis) => closedWaiter.wait(0, timeoutMillis),
    close: async () => {
      closing.abort();
      await loopback.close();
    },
  };
}
