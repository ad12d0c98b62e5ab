// The local audit receiver: a strict, dependency-free implementation of the
// Secureagentics API (audit-apis.md §1), plus AgenticAudit's `POST /v1/events`
// (§3), for demos, local development and benchmarks. Start/close and
// per-request plumbing live here; the options, routes, validation, policies,
// storage and timeouts each have their own file.
import { diag } from '@opentelemetry/api';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createAuthorizer } from './auth.js';
import type { EventStore } from './event-store.js';
import { HttpError } from './http-error.js';
import { sendError } from './http-json.js';
import { isLoopbackAddress, isLoopbackHost } from '../model/loopback.js';
import { memoryEventStore } from './memory-event-store.js';
import { operatorNotices, type NoticeSink } from './operator-notices.js';
import { resolveReceiverOptions, type AuditReceiverOptions } from './receiver-options.js';
import { route, type RouteContext } from './routes.js';
import { closeIdleSockets, serverTimeoutOptions } from './server-timeouts.js';
import { AuditStore, type TrailStats } from './store.js';
import { displayStoreUrl } from './store-url.js';
import type { StoredAuditEvent } from './stored-event.js';
import type { StoredAgenticAuditEvent } from './agentic-audit-event.js';
import { storageRefusal, TrailWriteError } from './trail-write-error.js';
import { createTrailViewer } from './viewer/trail-viewer.js';
import { skipsToken } from './viewer/viewer-access.js';

export type { StoredAgenticAuditEvent } from './agentic-audit-event.js';
export type { PolicyResult } from './policies.js';
export type { AuditReceiverOptions } from './receiver-options.js';
export type { TrailStats } from './store.js';
export type { StoredAuditEvent } from './stored-event.js';
export type { SkippedLines } from './trail.js';

const log = diag.createComponentLogger({ namespace: 'otel-agent-audit:receiver' });

/** Requests still running this long after `close()` have their connections cut. */
const CLOSE_GRACE_MILLIS = 2000;

/** A running receiver, as returned by {@link startAuditReceiver}. */
export interface AuditReceiver {
  /** Base URL with the real bound port and no trailing slash, e.g. `http://127.0.0.1:8787`. */
  readonly url: string;
  /** The bound port (useful with `port: 0`). */
  readonly port: number;
  /** The trail viewer's page, `<url>/ui/`, when the receiver serves it (option `ui`); else `undefined`. */
  readonly viewerUrl: string | undefined;
  /** Stored events, in arrival order (for in-process inspection, e.g. the demo/tests); with `store`, those this receiver stored since it started (what its viewer shows). */
  events(): readonly StoredAuditEvent[];
  /** Stored AgenticAudit events (`POST /v1/events`), in arrival order. */
  agenticAuditEvents(): readonly StoredAgenticAuditEvent[];
  /** The trail's records loaded and lines skipped on start, and its failed writes since (all 0 without a file). */
  trailStats(): TrailStats;
  /** Stops listening, ends open keep-alive sockets, waits for writes in flight and closes the file. */
  close(): Promise<void>;
}

/**
 * Starts a local audit receiver speaking the Secureagentics API:
 * `POST /v1/agents`, `POST /v1/agents/{id}/events`,
 * `POST /v1/agents/{id}/events/batch` and `GET /v1/agents/{id}/events`;
 * and AgenticAudit's `POST /v1/events`, answered with a demonstration
 * `risk_level`, `pii_detected`, `frameworks` and `decision` derived from the
 * same policies. It validates as strictly as the real services, evaluates
 * demonstration policies (`pii.email`, `secret.api_key` flag; `tool.denylist`
 * blocks) and, with `file`, keeps an append-only JSONL trail that is replayed
 * on start. With a file, a write is answered only once it is fsynced
 * (requests that arrive together share one fsync). With `store`
 * (`postgres://…`) agents and events are kept in PostgreSQL instead, shared
 * by every receiver of that database, and a write is answered once committed. With `ui` (on by default
 * on loopback) it also serves the trail viewer, a web page of its sessions,
 * at `/ui/` (`viewerUrl`), with a read-only JSON API and a live event stream
 * under `/ui/api/`.
 *
 * Status codes: 201 agent or single event created; 200 batch and listing;
 * 403 a request naming a Host other than localhost / 127.x / [::1] to a
 * receiver without `apiKey` on loopback (a DNS-rebinding guard);
 * 400 invalid body or query (a batch with any invalid event is rejected whole,
 * the message names `events[i].field`), or a body nested deeper than
 * `maxJsonDepth`; 401 missing, malformed or wrong bearer token; 404 unknown
 * route or agent; 405 wrong method (with `Allow`); 408 headers or body not
 * received in time; 413 body over `maxBodyBytes`; 415 not `application/json`;
 * 422 an invalid `POST /v1/events` body (as AgenticAudit answers); 500
 * unexpected failure; 503 the trail could not be written (or PostgreSQL could not be reached), 507 because the
 * disk is full (nothing from that request is stored). Every error body the
 * receiver writes is `{"error": "<message>"}` (Node sends the 408 itself, bodiless).
 *
 * @throws TypeError when an option is invalid.
 * @throws Error when the port cannot be bound, the file cannot be opened, or the
 *   PostgreSQL store cannot be reached or migrated (named without its password).
 * @example
 * const receiver = await startAuditReceiver({ port: 0, file: './audit-trail.jsonl' });
 * // point the exporter at receiver.url …
 * await receiver.close();
 */
export async function startAuditReceiver(options: AuditReceiverOptions = {}): Promise<AuditReceiver> {
  const config = resolveReceiverOptions(options);
  const { port, host, file, apiKey, onEvent, onAgenticAuditEvent } = config;
  const notify = operatorNotices(config.onWarning);
  const store = await AuditStore.open(file, config.maxEventsInMemory, notify, config.store && displayStoreUrl(config.store));
  const events = await openEventStore(config.store, store, notify);
  const authorize = createAuthorizer(apiKey);
  const ctx: RouteContext = {
    events,
    store,
    deniedTools: new Set(config.deniedTools),
    limits: { maxBodyBytes: config.maxBodyBytes, maxJsonDepth: config.maxJsonDepth },
  };
  if (onEvent !== undefined) ctx.onStored = (events) => callEach(onEvent, events);
  if (onAgenticAuditEvent !== undefined) ctx.onAgenticStored = (event) => callEach(onAgenticAuditEvent, [event]);
  const viewer = config.ui ? createTrailViewer(store, config.idleTimeoutMillis) : undefined;
  if (viewer !== undefined) ctx.viewer = viewer;
  // Set once bound: no key and loopback only. Then the viewer's API needs no token, and every request must name a loopback host.
  let openOnLoopback = false;

  let closing = false;
  const pending = new Set<ServerResponse>();
  // Each socket's latest response, so the idle timeout spares a request still being worked on.
  const answering = new WeakMap<Socket, ServerResponse>();
  const server = createServer(serverTimeoutOptions(config), (req, res) => {
    // While closing, answer what is in flight but keep no connection alive.
    if (closing) res.setHeader('connection', 'close');
    pending.add(res);
    answering.set(req.socket, res);
    res.once('close', () => pending.delete(res));
    // No key on loopback accepts any token, so a DNS-rebound web page must not get in by naming its own host.
    if (openOnLoopback && !isLoopbackHost(req.headers.host)) return sendError(res, 403, misdirected(req.headers.host));
    const open = viewer !== undefined && skipsToken(pathOf(req.url), openOnLoopback);
    const refusal = open ? undefined : authorize(req.headers.authorization);
    if (refusal !== undefined) return sendError(res, 401, refusal);
    route(req, res, ctx).catch((error: unknown) => fail(req, res, error));
  });
  closeIdleSockets(server, config.idleTimeoutMillis, (socket) => {
    const res = answering.get(socket);
    return res !== undefined && !res.headersSent && !res.destroyed;
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await events.close();
    await store.close();
    throw new Error(`audit receiver could not listen on ${host}:${port}: ${(error as Error).message}`);
  }
  server.on('error', (error) => log.error(`audit receiver server error: ${error.message}`));

  const address = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const loopback = isLoopbackAddress(address.address);
  if (apiKey === undefined && !loopback) warnExposed(notify, `${urlHost}:${address.port}`);
  openOnLoopback = apiKey === undefined && loopback;
  const url = `http://${urlHost}:${address.port}`;
  let closed: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    viewerUrl: viewer === undefined ? undefined : `${url}/ui/`,
    events: () => store.events(),
    agenticAuditEvents: () => store.agentic.events(),
    trailStats: () => store.trailStats(),
    close: () => {
      closed ??= (async () => {
        closing = true;
        // Open event streams never end by themselves; end them first, or close waits out its grace period.
        viewer?.close();
        for (const res of pending) if (!res.headersSent) res.setHeader('connection', 'close');
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MILLIS);
        cut.unref();
        await stopped;
        clearTimeout(cut);
        await events.close();
        await store.close();
      })();
      return closed;
    },
  };
}

/**
 * The memory store (with its trail), or PostgreSQL when `store` names a
 * database: the driver is loaded only then, so `import 'otel-agent-audit/receiver'` does not load it.
 *
 * @throws Error naming the URL (without its password) when the database cannot be opened.
 */
async function openEventStore(url: string | undefined, store: AuditStore, notify: NoticeSink): Promise<EventStore> {
  if (url === undefined) return memoryEventStore(store);
  const { PostgresEventStore } = await import('./postgres/postgres-event-store.js');
  return PostgresEventStore.open(url, store, notify);
}

/** The path of a request target, without its query. */
function pathOf(url: string | undefined): string {
  const target = url ?? '/';
  const queryStart = target.indexOf('?');
  return queryStart === -1 ? target : target.slice(0, queryStart);
}

/** Turns a handler failure into the one error shape; never throws. */
function fail(req: IncomingMessage, res: ServerResponse, error: unknown): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  if (error instanceof TrailWriteError) {
    const refusal = storageRefusal(error);
    return sendError(res, refusal.status, refusal.message);
  }
  if (error instanceof HttpError) return sendError(res, error.status, error.message, error.headers);
  log.error(`audit receiver failed on ${req.method} ${req.url}: ${(error as Error).stack ?? String(error)}`);
  sendError(res, 500, `internal error while handling ${req.method} ${req.url}; see the receiver's log`);
}

/** Without a key any bearer token is accepted (auth.ts): fine on loopback, not on a network. */
function warnExposed(notify: NoticeSink, where: string): void {
  notify(
    `listening on ${where}, beyond loopback, without an API key: anyone who can reach it can write to and read the ` +
      'audit trail with any bearer token. Set apiKey (--api-key), or bind 127.0.0.1.',
  );
}

function misdirected(host: string | undefined): string {
  const named = host === undefined ? 'no Host header' : `Host '${host.slice(0, 100)}'`;
  return `${named}: this receiver has no API key and answers only requests addressed to localhost, 127.0.0.1 or [::1] (a guard against DNS rebinding). Set apiKey (--api-key) to accept other host names.`;
}

function callEach<E extends { id: string }>(onEvent: (event: E) => void, events: readonly E[]): void {
  for (const event of events) {
    try {
      onEvent(event);
    } catch (error) {
      log.warn(`onEvent threw for event ${event.id}: ${(error as Error).message}`);
    }
  }
}
