// The local audit receiver: a strict, dependency-free implementation of the
// Secureagentics API (audit-apis.md §1), plus AgenticAudit's `POST /v1/events`
// (§3), for demos, local development and benchmarks. Start/close and per-request plumbing live here; the routes,
// validation, policies and storage each have their own file.
import { diag } from '@opentelemetry/api';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthorizer } from './auth.js';
import { HttpError } from './http-error.js';
import { sendError } from './http-json.js';
import { route, type RouteContext } from './routes.js';
import { AuditStore } from './store.js';
import type { StoredAuditEvent } from './stored-event.js';
import type { StoredAgenticAuditEvent } from './agentic-audit-event.js';

export type { StoredAgenticAuditEvent } from './agentic-audit-event.js';
export type { PolicyResult } from './policies.js';
export type { StoredAuditEvent } from './stored-event.js';

const log = diag.createComponentLogger({ namespace: 'otel-agent-audit:receiver' });

/** Requests still running this long after `close()` have their connections cut. */
const CLOSE_GRACE_MILLIS = 2000;

/** Options for {@link startAuditReceiver}; all optional. */
export interface AuditReceiverOptions {
  /** Port to listen on; 0 picks a free one. Default 8787. */
  port?: number;
  /** Interface to bind. Default '127.0.0.1'. */
  host?: string;
  /** Append-only JSONL file. Default: none (memory only). */
  file?: string;
  /** When set, requests must carry `Authorization: Bearer <apiKey>` exactly; when unset any non-empty bearer token is accepted (a missing/malformed header is still 401). */
  apiKey?: string;
  /** Tool names whose tool_call events the deny-list policy blocks. Default []. */
  deniedTools?: string[];
  /** Called with each event once it is stored, e.g. to log it. Errors it throws are reported through `diag` and otherwise ignored. Default: none. */
  onEvent?: (event: StoredAuditEvent) => void;
  /** Called with each stored AgenticAudit event (`POST /v1/events`); errors it throws are reported through `diag`. Default: none. */
  onAgenticAuditEvent?: (event: StoredAgenticAuditEvent) => void;
  /** Most events kept in memory for listing; past it the oldest quarter is dropped from memory (the file keeps them). Default 1,000,000 (about 0.5 GB). */
  maxEventsInMemory?: number;
}

/** A running receiver, as returned by {@link startAuditReceiver}. */
export interface AuditReceiver {
  /** Base URL with the real bound port and no trailing slash, e.g. `http://127.0.0.1:8787`. */
  readonly url: string;
  /** The bound port (useful with `port: 0`). */
  readonly port: number;
  /** Stored events, in arrival order (for in-process inspection, e.g. the demo/tests). */
  events(): readonly StoredAuditEvent[];
  /** Stored AgenticAudit events (`POST /v1/events`), in arrival order. */
  agenticAuditEvents(): readonly StoredAgenticAuditEvent[];
  /** Stops listening, ends open keep-alive sockets, flushes and closes the file. */
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
 * blocks) and, with `file`, keeps an append-only JSONL trail that is replayed on start.
 *
 * Status codes: 201 agent or single event created; 200 batch and listing;
 * 400 invalid body or query (a batch with any invalid event is rejected whole,
 * the message names `events[i].field`); 401 missing, malformed or wrong bearer
 * token; 404 unknown route or agent; 405 wrong method (with `Allow`); 413 body
 * over 5 MiB; 415 not `application/json`; 422 an invalid `POST /v1/events`
 * body (as AgenticAudit answers); 500 unexpected failure. Every error body is
 * `{"error": "<message>"}`.
 *
 * @throws TypeError when an option is invalid.
 * @throws Error when the port cannot be bound or the file cannot be opened.
 * @example
 * const receiver = await startAuditReceiver({ port: 0, file: './audit-trail.jsonl' });
 * // point the exporter at receiver.url …
 * await receiver.close();
 */
export async function startAuditReceiver(options: AuditReceiverOptions = {}): Promise<AuditReceiver> {
  const { port, host, file, apiKey, deniedTools, onEvent, onAgenticAuditEvent, maxEventsInMemory } = resolveOptions(options);
  const store = await AuditStore.open(file, maxEventsInMemory);
  const authorize = createAuthorizer(apiKey);
  const ctx: RouteContext = { store, deniedTools: new Set(deniedTools) };
  if (onEvent !== undefined) ctx.onStored = (events) => notify(onEvent, events);
  if (onAgenticAuditEvent !== undefined) ctx.onAgenticStored = (event) => notify(onAgenticAuditEvent, [event]);

  let closing = false;
  const pending = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    // While closing, answer what is in flight but keep no connection alive.
    if (closing) res.setHeader('connection', 'close');
    pending.add(res);
    res.once('close', () => pending.delete(res));
    const refusal = authorize(req.headers.authorization);
    if (refusal !== undefined) return sendError(res, 401, refusal);
    route(req, res, ctx).catch((error: unknown) => fail(req, res, error));
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
    await store.close();
    throw new Error(`audit receiver could not listen on ${host}:${port}: ${(error as Error).message}`);
  }
  server.on('error', (error) => log.error(`audit receiver server error: ${error.message}`));

  const bound = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${bound}`,
    port: bound,
    events: () => store.events(),
    agenticAuditEvents: () => store.agentic.events(),
    close: () => {
      closed ??= (async () => {
        closing = true;
        for (const res of pending) if (!res.headersSent) res.setHeader('connection', 'close');
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MILLIS);
        cut.unref();
        await stopped;
        clearTimeout(cut);
        await store.close();
      })();
      return closed;
    },
  };
}

/** Turns a handler failure into the one error shape; never throws. */
function fail(req: IncomingMessage, res: ServerResponse, error: unknown): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  if (error instanceof HttpError) return sendError(res, error.status, error.message, error.headers);
  log.error(`audit receiver failed on ${req.method} ${req.url}: ${(error as Error).stack ?? String(error)}`);
  sendError(res, 500, `internal error while handling ${req.method} ${req.url}; see the receiver's log`);
}

function notify<E extends { id: string }>(onEvent: (event: E) => void, events: readonly E[]): void {
  for (const event of events) {
    try {
      onEvent(event);
    } catch (error) {
      log.warn(`onEvent threw for event ${event.id}: ${(error as Error).message}`);
    }
  }
}

interface ReceiverConfig {
  port: number;
  host: string;
  file: string | undefined;
  apiKey: string | undefined;
  deniedTools: string[];
  onEvent: ((event: StoredAuditEvent) => void) | undefined;
  onAgenticAuditEvent: ((event: StoredAgenticAuditEvent) => void) | undefined;
  maxEventsInMemory: number;
}

function resolveOptions(options: AuditReceiverOptions): ReceiverConfig {
  const { port = 8787, host = '127.0.0.1', file, apiKey, deniedTools = [], onEvent, onAgenticAuditEvent } = options;
  const { maxEventsInMemory = 1_000_000 } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`startAuditReceiver: port must be an integer from 0 to 65535, got ${String(port)}`);
  }
  if (typeof host !== 'string' || host === '') throw new TypeError('startAuditReceiver: host must be a non-empty string');
  if (file !== undefined && (typeof file !== 'string' || file === '')) {
    throw new TypeError('startAuditReceiver: file must be a non-empty path when given');
  }
  if (apiKey !== undefined && (typeof apiKey !== 'string' || !/^\S+$/.test(apiKey))) {
    throw new TypeError('startAuditReceiver: apiKey must be a non-empty string without whitespace when given');
  }
  if (!Array.isArray(deniedTools) || !deniedTools.every((tool) => typeof tool === 'string')) {
    throw new TypeError('startAuditReceiver: deniedTools must be an array of tool names');
  }
  for (const [name, callback] of [['onEvent', onEvent], ['onAgenticAuditEvent', onAgenticAuditEvent]] as const) {
    if (callback !== undefined && typeof callback !== 'function') {
      throw new TypeError(`startAuditReceiver: ${name} must be a function when given`);
    }
  }
  if (!Number.isSafeInteger(maxEventsInMemory) || maxEventsInMemory < 1) {
    throw new TypeError(`startAuditReceiver: maxEventsInMemory must be a positive integer, got ${String(maxEventsInMemory)}`);
  }
  return { port, host, file, apiKey, deniedTools, onEvent, onAgenticAuditEvent, maxEventsInMemory };
}
