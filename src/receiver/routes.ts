// The Secureagentics API routes (audit-apis.md §1) and their handlers, plus
// AgenticAudit's `POST /v1/events` (agentic-audit-routes.ts), and the trail
// viewer's `/ui` routes when it is on (viewer/viewer-routes.ts).
// Status codes: 201 for creates (an agent, a single event), 200 for a batch
// (it answers a summary, `{results, total}`) and for listings. A write is
// answered only once it is on disk (store.ts); one the disk refused throws a
// TrailWriteError, answered 507 or 503 by the receiver.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { postAgenticAuditEvent } from './agentic-audit-routes.js';
import { HttpError } from './http-error.js';
import { readJsonBody, sendJson } from './http-json.js';
import { parseListQuery } from './list-query.js';
import { evaluatePolicies, mayHoldFindings } from './policies.js';
import { isRetryOf } from './event-retry.js';
import { ALREADY_DURABLE } from './pending-writes.js';
import { eventIdOf } from './store.js';
import type { RouteContext } from './route-context.js';
import { storageRefusal, TrailWriteError } from './trail-write-error.js';
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
  sendJson(res, 201, JSON.stringify(await ctx.store.registerAgent(registration)));
}

async function postEvent(req: IncomingMessage, res: ServerResponse, ctx: RouteContext, agentId: string): Promise<void> {
  requireAgent(ctx, agentId);
  const body = await readJsonBody(req, ctx.limits);
  const valid = validateEvent(body.value, '', arrivalTime());
  const stored = ctx.store.storedRetry(agentId, valid);
  if (stored !== undefined) {
    // Not before the stored event is on disk: it may still be on its way.
    await stored.durable;
    return sendJson(res, 201, stored.json);
  }
  const entry = toEntry(ctx, agentId, valid, '');
  await commit(ctx, agentId, [entry]);
  sendJson(res, 201, entry.json);
}

async function postBatch(req: IncomingMessage, res: ServerResponse, ctx: RouteContext, agentId: string): Promise<void> {
  requireAgent(ctx, agentId);
  const body = await readJsonBody(req, ctx.limits);
  const valid = validateBatch(body.value, arrivalTime());
  const scanContent = mayHoldFindings(body.text);
  // Build every entry before storing any, so a batch is all-or-nothing. A
  // client's retry (same payload.event_id and same content as the newest event
  // under that id, this batch's included) is answered with the stored event
  // and not stored again (but answered only once it is on disk); the same id
  // with other content is a new record. No await until commit: a concurrent
  // request must see this batch's events as stored or pending.
  const results = new Array<string>(valid.length);
  const retried: Array<Promise<void>> = [];
  const fresh: StoredEntry[] = [];
  const inBatch = new Map<string, StoredEntry>();
  for (let i = 0; i < valid.length; i++) {
    const eventId = eventIdOf(valid[i]!.payload);
    const earlier = eventId === undefined ? undefined : inBatch.get(eventId);
    if (earlier !== undefined && isRetryOf(earlier.event, valid[i]!)) {
      results[i] = earlier.json; // on disk with this batch's own commit
      continue;
    }
    const stored = earlier === undefined ? ctx.store.storedRetry(agentId, valid[i]!) : undefined;
    if (stored !== undefined) {
      results[i] = stored.json;
      if (stored.durable !== ALREADY_DURABLE) retried.push(stored.durable);
      continue;
    }
    const entry = toEntry(ctx, agentId, valid[i]!, `events[${i}].`, scanContent);
    fresh.push(entry);
    results[i] = entry.json;
    if (eventId !== undefined) inBatch.set(eventId, entry);
  }
  const [own, ...repeated] = await Promise.allSettled([commit(ctx, agentId, fresh), ...retried]);
  if (own!.status === 'rejected') throw own!.reason;
  // This batch's own events are stored, but an event it repeats was in a write that failed.
  const lost = repeated.find((outcome) => outcome.status === 'rejected');
  if (lost !== undefined) {
    const reason: unknown = lost.reason;
    throw reason instanceof TrailWriteError ? storageRefusal(reason, { stored: fresh.length }) : reason;
  }
  // The stored events are already serialised; join them instead of re-serialising.
  sendJson(res, 200, `{"results":[${results.join(',')}],"total":${valid.length}}`);
}

function listEvents(_req: IncomingMessage, res: ServerResponse, ctx: RouteContext, agentId: string, search: string): void {
  requireAgent(ctx, agentId);
  const page = ctx.store.listEvents(agentId, parseListQuery(search));
  sendJson(res, 200, `{"items":[${page.items.join(',')}],"total":${page.total}}`);
}

function requireAgent(ctx: RouteContext, agentId: string): void {
  if (!ctx.store.hasAgent(agentId)) {
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

/** Stores `entries` and, once they are on disk, tells `onStored`. */
async function commit(ctx: RouteContext, agentId: string, entries: StoredEntry[]): Promise<void> {
  await ctx.store.appendEvents(agentId, entries);
  ctx.onStored?.(entries.map((entry) => entry.event));
}

/** The server time for events sent without a timestamp; one per request. */
function arrivalTime(): ArrivalTime {
  const millis = Date.now();
  return { iso: new Date(millis).toISOString(), micros: millis * 1000 };
}
