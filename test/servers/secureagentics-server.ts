import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback, mediaTypeOf, parseJson, readBody, sendJson } from './loopback-server.js';
import { sendScriptedReply, type ScriptedReply } from './scripted-reply.js';
import { SecureagenticsStore, type PolicyFn, type StoredEvent } from './secureagentics-store.js';
import { checkAgent, checkBatch, checkEvent, checkListQuery } from './secureagentics-validation.js';

export type { ScriptedReply } from './scripted-reply.js';
export type { PolicyFn, StoredAgent, StoredEvent } from './secureagentics-store.js';

/** One request as the server saw it, recorded even when rejected or scripted. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or undefined when the body was empty or not JSON. */
  body: unknown;
  rawBody: string;
  /** Date.now() when the request headers arrived. */
  receivedAt: number;
  /** What the server answered; 0 while pending and when no answer was delivered (destroyed). */
  status: number;
}

export type ScriptFn = (req: RecordedRequest, n: number) => ScriptedReply | undefined;

export interface SecureagenticsTestServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The one valid API key. */
  apiKey: string;
  /** Every request in arrival order, rejected and scripted ones included. */
  requests: RecordedRequest[];
  /** Accepted events of one agent, in arrival order. */
  eventsFor(agentId: string): StoredEvent[];
  /** Accepted events across agents, in arrival order. */
  allEvents(): StoredEvent[];
  /** Registers an agent directly (arrange step, not recorded as a request); returns its id. */
  addAgent(name: string): string;
  /**
   * Installs the hook consulted before any normal handling, auth included;
   * it replaces the previous one. `n` is the zero-based count of requests
   * since the server started with the same method and path pattern
   * (e.g. `POST /v1/agents/{id}/events/batch`), rejected ones included.
   */
  script(fn: ScriptFn): void;
  /** Sets the `policy_result` of accepted events; default `{decision: 'allow'}`. */
  setPolicy(fn: PolicyFn | undefined): void;
  /** Resolves once at least `count` events were accepted; rejects after `timeoutMillis` (default 5000) saying how many arrived. */
  waitForEvents(count: number, timeoutMillis?: number): Promise<StoredEvent[]>;
  /** Closes the server and destroys every socket, keep-alive ones included. */
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

type Route =
  | { kind: 'agents'; pattern: string }
  | { kind: 'events' | 'batch'; pattern: string; agentId: string }
  | { kind: 'unknown'; pattern: string };

const EVENTS_PATH = /^\/v1\/agents\/([^/]+)\/events(\/batch)?$/;

function routeOf(path: string): Route {
  if (path === '/v1/agents') return { kind: 'agents', pattern: path };
  const match = EVENTS_PATH.exec(path);
  if (match === null) return { kind: 'unknown', pattern: path };
  let agentId: string;
  try {
    agentId = decodeURIComponent(match[1] ?? '');
  } catch {
    return { kind: 'unknown', pattern: path };
  }
  return match[2] === undefined
    ? { kind: 'events', pattern: '/v1/agents/{id}/events', agentId }
    : { kind: 'batch', pattern: '/v1/agents/{id}/events/batch', agentId };
}

function error(status: number, code: string, message: string, headers?: Record<string, string>): Reply {
  const reply: Reply = { status, body: { error: code, message } };
  if (headers !== undefined) reply.headers = headers;
  return reply;
}

const ALLOWED_METHODS: Record<Exclude<Route['kind'], 'unknown'>, string[]> = {
  agents: ['POST'],
  events: ['GET', 'POST'],
  batch: ['POST'],
};

/** Normal handling: auth → route → method → agent → media type → JSON → schema (audit-apis.md §1). */
function handle(store: SecureagenticsStore, apiKey: string, req: RecordedRequest, route: Route): Reply {
  // Bearer scheme is case-insensitive (RFC 7235 §2.1); the key must match exactly.
  const auth = /^bearer (.+)$/i.exec(req.headers.authorization ?? '');
  if (auth?.[1] !== apiKey) {
    return error(401, 'unauthorized', 'missing or invalid API key', { 'www-authenticate': 'Bearer' });
  }
  if (route.kind === 'unknown') return error(404, 'not_found', `no route for ${req.path}`);
  const allowed = ALLOWED_METHODS[route.kind];
  if (!allowed.includes(req.method)) {
    return error(405, 'method_not_allowed', `${req.method} not allowed on ${route.pattern}`, {
      allow: allowed.join(', '),
    });
  }
  if (route.kind !== 'agents' && !store.hasAgent(route.agentId)) {
    return error(404, 'agent_not_found', `agent ${route.agentId} not found`);
  }
  if (req.method === 'GET' && route.kind === 'events') {
    const query = checkListQuery(req.query);
    if (!query.ok) return error(400, 'invalid_request', query.message);
    return { status: 200, body: store.list(route.agentId, query.value) };
  }
  if (mediaTypeOf(req.headers['content-type']) !== 'application/json') {
    return error(415, 'unsupported_media_type', 'Content-Type must be application/json');
  }
  if (req.body === undefined) return error(400, 'invalid_json', 'body is not valid JSON');
  return handleCreate(store, req.body, route);
}

function handleCreate(store: SecureagenticsStore, body: unknown, route: Exclude<Route, { kind: 'unknown' }>): Reply {
  if (route.kind === 'agents') {
    const agent = checkAgent(body);
    if (!agent.ok) return error(400, 'invalid_request', agent.message);
    return { status: 201, body: store.addAgent(agent.value) };
  }
  if (route.kind === 'events') {
    const event = checkEvent(body);
    if (!event.ok) return error(400, 'invalid_request', event.message);
    return { status: 201, body: store.addEvents(route.agentId, [event.value])[0] };
  }
  const batch = checkBatch(body);
  if (!batch.ok) return error(400, 'invalid_request', batch.message);
  const results = store.addEvents(route.agentId, batch.value);
  return { status: 200, body: { results, total: results.length } };
}

/**
 * Starts a strict stand-in for the Secureagentics API on 127.0.0.1 (audit-apis.md §1).
 * It rejects what the real service rejects, records every request, and lets a
 * test script replies per request, as undici's tests do with `switch (counter++)`.
 *
 * @example
 * const server = await startSecureagenticsServer();
 * const agentId = server.addAgent('checkout-bot');
 * server.script((req, n) => (n === 0 ? { status: 429, headers: { 'retry-after': '0' } } : undefined));
 * // …run the client against server.url with server.apiKey…
 * await server.waitForEvents(2);
 * await server.close();
 */
export async function startSecureagenticsServer(options: { apiKey?: string } = {}): Promise<SecureagenticsTestServer> {
  const apiKey = options.apiKey ?? 'sa_test_key_0123456789';
  const store = new SecureagenticsStore();
  const requests: RecordedRequest[] = [];
  const counts = new Map<string, number>();
  const closing = new AbortController();
  let hook: ScriptFn | undefined;

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const record: RecordedRequest = {
      method, path: url.pathname, query: url.searchParams, headers: req.headers,
      body: undefined, rawBody: '', receivedAt: Date.now(), status: 0,
    };
    // Recorded and counted before the body is read, so order is arrival order.
    requests.push(record);
    const route = routeOf(url.pathname);
    const key = `${method} ${route.pattern}`;
    const n = counts.get(key) ?? 0;
    counts.set(key, n + 1);
    try {
      record.rawBody = (await readBody(req)).toString('utf8');
      record.body = parseJson(record.rawBody);
      const scripted = hook?.(record, n);
      if (scripted !== undefined) {
        record.status = await sendScriptedReply(req, res, scripted, closing.signal);
        return;
      }
      const reply = handle(store, apiKey, record, route);
      record.status = sendJson(res, reply.status, reply.body, reply.headers);
    } catch (cause) {
      // A client that aborts mid-body lands here (nothing to answer); anything
      // else is a bug in a script or in this server, surfaced as a recorded 500.
      if (!res.headersSent) record.status = sendJson(res, 500, { error: 'test_server_error', message: String(cause) });
    }
  }

  const loopback = await listenOnLoopback((req, res) => void onRequest(req, res));

  return {
    url: loopback.url,
    apiKey,
    requests,
    eventsFor: (agentId) => store.eventsFor(agentId),
    allEvents: () => store.allEvents(),
    addAgent: (name) => store.addAgent({ name, framework: 'custom' }).id,
    script: (fn) => { hook = fn; },
    setPolicy: (fn) => store.setPolicy(fn),
    waitForEvents: (count, timeoutMillis) => store.waitForEvents(count, timeoutMillis),
    close: async () => {
      closing.abort();
      await loopback.close();
    },
  };
}
