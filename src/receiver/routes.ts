// The Secureagentics API routes (audit-apis.md §1) and their handlers, plus
// AgenticAudit's `POST /v1/events` (agentic-audit-routes.ts), and the trail
// viewer's `/ui` routes when it is on (viewer/viewer-routes.ts).
// Status codes: 201 for creates (an agent, a single event), 200 for a batch
// (it answers a summary, `{results, total}`) and for listings. A write is
// answered only once it is durable (event-store.ts); one the disk refused throws a
// TrailWriteError, answered 507 or 503 by the receiver, one PostgreSQL refused
// an HttpError 503.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { postAgenticAuditEvent } from './agentic-audit-routes.js';
import { HttpError } from './http-error.js';
import { readJsonBody, sendJson } from './http-json.js';
import { parseListQuery } from './list-query.js';
import { evaluatePolicies, mayHoldFindings } from './policies.js';
import type { EventRequest } from './event-store.js';
import type { RouteContext } from './route-context.js';
import { toStoredEntry, type StoredEntry } from './stored-event.js';
import { isViewerPath, routeViewer } from './viewer/viewer-routes.js';
export type { RouteContext } from './route-context.js';
import { validateAgentRegistration, validateBatch, validateEvent, type ArrivalTime, type ValidEvent } from './validation.js';

type Handler = (req: IncomingMessage, res: ServerResponse, ctx: RouteContext, agentId: string, search: string) => Promise<void> | void;

interface Route {
  methods: Readonly<Record<string, Handler>>;
  agentId: string;
}

// Paths are matched exactly: no trailing slash, no extra segments.
const AGENT_EVENTS = /^\/v1\/agents\/([^/]+)\/events(\/batch)?$/;

/**
 * Routes one request: finds the handler for its path and method and runs it.
 *
 * @throws HttpError 404 for an unknown path or agent, 405 (with `allow`) for
 *   a known path with another method, and whatever the handler refuses.
 */
export async function route(req: IncomingMessage, res: ServerResponse, ctx: RouteContext): Promise<void> {
  const url = req.url ?? '/';
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const search = queryStart === -1 ? '' : url.slice(queryStart + 1);

  if (ctx.viewer !== undefined && isViewerPath(path)) return routeViewer(req, res, ctx.viewer, path);
  const matched = match(path);
  if (matched === undefined) throw new HttpError(404, `no route for ${req.method} ${path}`);
  const handler = matched.methods[req.method ?? ''];
  if (handler === undefined) {
    const allow = Object.keys(matched.methods).join(', ');
    throw new HttpError(405, `${req.method} is not allowed on ${path}; use ${allow}`, { allow });
  }
  await handler(req, res, ctx, matched.agentId, search);
}

function match(path: string): Route | undefined {
  if (path === '/v1/agents') return { methods: { POST: registerAgent }, agentId: '' };
  if (path === '/v1/events') return { methods: { POST: postAgenticAuditEvent }, agentId: '' };
  const parts = AGENT_EVENTS.exec(path);
  if (parts === null) return undefined;
  const agentId = parts[1]!;
  return parts[2] === undefined
    ? { methods: { GET: listEvents, POST: postEvent }, agentId }
    : { methods: { POST: postBatch }, agentId };
}

async function registerAgent(req: IncomingMessage, res: ServerResponse, ctx: RouteContext): Promise<void> {
  const registration = validateAgentRegistration((await readJsonBody(req, ctx.limits)).value);
  sendJson(res, 201, JSON.stringify(await ctx.events.registerAgent(registration)));
}

async function postEvent(req: IncomingMessage, res: ServerResponse, ctx: RouteContext, agentId: string): Promise<void> {
  await requireAgent(ctx, agentId);
  const body = await readJsonBody(req, ctx.limits);
  const valid = validateEvent(body.value, '', arrivalTime());
  const stored = await ctx.events.storeEvents(agentId, {
    valid: [valid],
    toEntry: (event) => toEntry(ctx, agentId, event, ''),
    batch: false,
    ...announce(ctx),
  });
  sendJson(res, 201, stored.results[0]!);
}

async function postBatch(req: IncomingMessage, res: ServerResponse, ctx: RouteContext, agentId: string): Promise<void> {
  await requireAgent(ctx, agentId);
  const body = await readJsonBody(req, ctx.limits);
  const valid = validateBatch(body.value, arrivalTime());
  const scanContent = mayHoldFindings(body.text);
  // All or nothing; a client's retry is answered with the stored event and
  // not stored again (batch-plan.ts), once the stored event is durable.
  const stored = await ctx.events.storeEvents(agentId, {
    valid,
    toEntry: (event, i) => toEntry(ctx, agentId, event, `events[${i}].`, scanContent),
    batch: true,
    ...announce(ctx),
  });
  // The stored events are already serialised; join them instead of re-serialising.
  sendJson(res, 200, `{"results":[${stored.results.join(',')}],"total":${valid.length}}`);
}

async function listEvents(_req: IncomingMessage, res: ServerResponse, ctx: RouteContext, agentId: string, search: string): Promise<void> {
  await requireAgent(ctx, agentId);
  const page = await ctx.events.listEvents(agentId, parseListQuery(search));
  sendJson(res, 200, `{"items":[${page.items.join(',')}],"total":${page.total}}`);
}

async function requireAgent(ctx: RouteContext, agentId: string): Promise<void> {
  if (!(await ctx.events.hasAgent(agentId))) {
    throw new HttpError(404, `agent '${agentId}' not found; register it with POST /v1/agents first`);
  }
}

function toEntry(ctx: RouteContext, agentId: string, valid: ValidEvent, where: string, scanContent = true): StoredEntry {
  const policyResult = evaluatePolicies(valid, ctx.deniedTools, scanContent);
  try {
    return toStoredEntry(agentId, valid, policyResult);
  } catch (error) {
    // JSON.stringify overflows the stack on payloads nested thousands deep.
    if (error instanceof RangeError) {
      const batch = where === '' ? '' : 'batch rejected, no events stored: ';
      throw new HttpError(400, `${batch}${where}payload is nested too deeply to store`);
    }
    throw error;
  }
}

/** The `onStored` of a request: tells the receiver's `onEvent`, when there is one. */
function announce(ctx: RouteContext): Pick<EventRequest, 'onStored'> {
  const onStored = ctx.onStored;
  return onStored === undefined ? {} : { onStored: (entries) => onStored(entries.map((entry) => entry.event)) };
}

/** The server time for events sent without a timestamp; one per request. */
function arrivalTime(): ArrivalTime {
  const millis = Date.now();
  return { iso: new Date(millis).toISOString(), micros: millis * 1000 };
}
