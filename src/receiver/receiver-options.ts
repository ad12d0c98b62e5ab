// The options of startAuditReceiver, their defaults and their validation.
import type { StoredAgenticAuditEvent } from './agentic-audit-event.js';
import { MAX_BODY_BYTES, MAX_JSON_DEPTH } from './http-json.js';
import { isLoopbackAddress } from '../model/loopback.js';
import { stderrNotices, type NoticeSink } from './operator-notices.js';
import type { StoredAuditEvent } from './stored-event.js';
import { displayStoreUrl, isPostgresUrl } from './store-url.js';
import { MAX_TRAIL_JSON_DEPTH } from './trail.js';

/** Options for `startAuditReceiver`; all optional. */
export interface AuditReceiverOptions {
  /** Port to listen on; 0 picks a free one. Default 8787. */
  port?: number;
  /** Interface to bind. Default '127.0.0.1'. Another one without `apiKey` is warned about: anyone who reaches it can read and write the trail. */
  host?: string;
  /** Append-only JSONL file; a request is answered 2xx only once its lines are fsynced to it. Default: none (memory only). */
  file?: string;
  /**
   * Keep agents and events in PostgreSQL: a `postgres://` or `postgresql://`
   * URL (README "PostgreSQL store"). Several receivers can share one database;
   * the receiver creates and migrates its tables on start. Not together with
   * `file`. Default: none (memory, and `file` when given).
   */
  store?: string;
  /** When set, requests must carry `Authorization: Bearer <apiKey>` exactly; when unset any non-empty bearer token is accepted (a missing/malformed header is still 401). */
  apiKey?: string;
  /**
   * Serve the trail viewer, a web page of the stored sessions, under `/ui/`
   * (README "Trail viewer"). Default: on when `host` is a loopback address or
   * `localhost`, off otherwise; when off, `/ui` paths are 404 like any unknown route.
   */
  ui?: boolean;
  /** Tool names whose tool_call events the deny-list policy blocks. Default []. */
  deniedTools?: string[];
  /** Called with each event once it is stored, e.g. to log it. Errors it throws are reported through `diag` and otherwise ignored. Default: none. */
  onEvent?: (event: StoredAuditEvent) => void;
  /** Called with each stored AgenticAudit event (`POST /v1/events`); errors it throws are reported through `diag`. Default: none. */
  onAgenticAuditEvent?: (event: StoredAgenticAuditEvent) => void;
  /**
   * Called with what the operator must know and no answer carries: the trail
   * cannot be written (once per kind of failure, and when it works again),
   * lines of the trail were skipped on start, events are dropped from memory,
   * the receiver listens beyond loopback without `apiKey`. Each is also
   * logged through `diag`. Default: a line on `process.stderr`.
   */
  onWarning?: (message: string) => void;
  /** Most events kept in memory for listing; past it the oldest quarter is dropped from memory (the file keeps them). Default 1,000,000 (about 0.5 GB). */
  maxEventsInMemory?: number;
  /** Largest request body in bytes; a larger one is answered 413. Default 5 MiB; at most 128 MiB. */
  maxBodyBytes?: number;
  /** Deepest nesting of objects and arrays in a request body; a deeper one is answered 400. Default 64; at most 1000. */
  maxJsonDepth?: number;
  /** Time a client has to send a request's headers, from the connection or the end of its previous request; then 408 and the connection is closed. Default 10,000. */
  headersTimeoutMillis?: number;
  /** Time a client has to send a whole request, headers and body; then 408 and the connection is closed. At least `headersTimeoutMillis`. Default 30,000. */
  requestTimeoutMillis?: number;
  /** How long an idle keep-alive connection is kept open after an answer. Default 5,000. */
  keepAliveTimeoutMillis?: number;
  /** A connection with no traffic this long is closed (e.g. a client that stops reading an answer), unless the receiver is still working on its request. Default 60,000. */
  idleTimeoutMillis?: number;
}

/** {@link AuditReceiverOptions} resolved: every default applied, every value checked. */
export interface ReceiverConfig {
  port: number;
  host: string;
  file: string | undefined;
  store: string | undefined;
  apiKey: string | undefined;
  ui: boolean;
  deniedTools: string[];
  onEvent: ((event: StoredAuditEvent) => void) | undefined;
  onAgenticAuditEvent: ((event: StoredAgenticAuditEvent) => void) | undefined;
  onWarning: NoticeSink;
  maxEventsInMemory: number;
  maxBodyBytes: number;
  maxJsonDepth: number;
  headersTimeoutMillis: number;
  requestTimeoutMillis: number;
  keepAliveTimeoutMillis: number;
  idleTimeoutMillis: number;
}

/** Past this, a request body and its trail line approach V8's string limit; the trail reader reads lines to twice this. */
const MAX_BODY_BYTES_CEILING = 128 * 1024 * 1024;

const LIMITS = [
  ['maxEventsInMemory', 1_000_000, Number.MAX_SAFE_INTEGER],
  ['maxBodyBytes', MAX_BODY_BYTES, MAX_BODY_BYTES_CEILING],
  // Deeper than the trail reader accepts would store lines the next start skips.
  ['maxJsonDepth', MAX_JSON_DEPTH, MAX_TRAIL_JSON_DEPTH],
  ['headersTimeoutMillis', 10_000, 2 ** 31 - 1],
  ['requestTimeoutMillis', 30_000, 2 ** 31 - 1],
  ['keepAliveTimeoutMillis', 5_000, 2 ** 31 - 1],
  ['idleTimeoutMillis', 60_000, 2 ** 31 - 1],
] as const;

type LimitName = (typeof LIMITS)[number][0];

/**
 * Applies the defaults and checks every option.
 *
 * @throws TypeError naming the option when one is invalid.
 */
export function resolveReceiverOptions(options: AuditReceiverOptions): ReceiverConfig {
  const { port = 8787, host = '127.0.0.1', file, store, apiKey, deniedTools = [], onEvent, onAgenticAuditEvent } = options;
  const { onWarning = stderrNotices } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`startAuditReceiver: port must be an integer from 0 to 65535, got ${String(port)}`);
  }
  if (typeof host !== 'string' || host === '') throw new TypeError('startAuditReceiver: host must be a non-empty string');
  if (file !== undefined && (typeof file !== 'string' || file === '')) {
    throw new TypeError('startAuditReceiver: file must be a non-empty path when given');
  }
  checkStore(store, file);
  if (apiKey !== undefined && (typeof apiKey !== 'string' || !/^\S+$/.test(apiKey))) {
    throw new TypeError('startAuditReceiver: apiKey must be a non-empty string without whitespace when given');
  }
  // Only a page for this machine by default: beyond loopback it is asked for.
  const { ui = host === 'localhost' || isLoopbackAddress(host) } = options;
  if (typeof ui !== 'boolean') throw new TypeError(`startAuditReceiver: ui must be a boolean when given, got ${String(ui)}`);
  if (!Array.isArray(deniedTools) || !deniedTools.every((tool) => typeof tool === 'string')) {
    throw new TypeError('startAuditReceiver: deniedTools must be an array of tool names');
  }
  for (const [name, callback] of [['onEvent', onEvent], ['onAgenticAuditEvent', onAgenticAuditEvent], ['onWarning', onWarning]] as const) {
    if (callback !== undefined && typeof callback !== 'function') {
      throw new TypeError(`startAuditReceiver: ${name} must be a function when given`);
    }
  }
  const limits = {} as Record<LimitName, number>;
  for (const [name, fallback, max] of LIMITS) {
    const value = options[name] ?? fallback;
    if (!Number.isSafeInteger(value) || value < 1 || value > max) {
      throw new TypeError(`startAuditReceiver: ${name} must be an integer from 1 to ${max}, got ${String(value)}`);
    }
    limits[name] = value;
  }
  // Node refuses a header timeout longer than the whole request's.
  if (limits.headersTimeoutMillis > limits.requestTimeoutMillis) {
    throw new TypeError(
      `startAuditReceiver: headersTimeoutMillis (${limits.headersTimeoutMillis}) must not exceed requestTimeoutMillis (${limits.requestTimeoutMillis})`,
    );
  }
  return { port, host, file, store, apiKey, ui, deniedTools, onEvent, onAgenticAuditEvent, onWarning, ...limits };
}

/** @throws TypeError when `store` is not a PostgreSQL URL, or comes with `file`; never shows its password. */
function checkStore(store: string | undefined, file: string | undefined): void {
  if (store === undefined) return;
  if (typeof store !== 'string' || !isPostgresUrl(store)) {
    const shown = typeof store === 'string' ? displayStoreUrl(store) : String(store);
    throw new TypeError(`startAuditReceiver: store must be a postgres:// or postgresql:// URL, got ${shown}`);
  }
  if (file !== undefined) {
    throw new TypeError('startAuditReceiver: give either file (a JSONL trail) or store (PostgreSQL), not both');
  }
}
