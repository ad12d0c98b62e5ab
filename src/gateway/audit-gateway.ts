/**
 * The OTLP/HTTP audit gateway: apps export their spans and log records to it
 * with the ordinary OpenTelemetry exporters (no audit processor in the app),
 * and it runs them through the audit pipeline (gateway-pipeline.ts). It
 * answers 200 only once a request's events are spooled, so an exporter that
 * got its 200 may forget the spans.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isLoopbackAddress, isLoopbackHost } from '../model/loopback.js';
import { resolveDeliveryConfig } from '../config/resolve.js';
import type { AuditExporterOptions } from '../pipeline/audit-span-exporter.js';
import { admission, type AdmissionConfig } from './admission.js';
import { GatewayMetrics, PROMETHEUS_CONTENT_TYPE } from './gateway-metrics.js';
import { scrubbedLogger } from '../redact/scrubbed-logger.js';
import { bearerCheck } from './bearer-auth.js';
import { GatewayPipeline } from './gateway-pipeline.js';
import { verdictOf } from './export-verdict.js';
import type { OtlpGrpcServer } from './otlp-grpc-server.js';
import { sendOtlpFailure, sendOtlpSuccess } from './otlp-answer.js';
import { decodeOtlpLogs, decodeOtlpTraces, otlpEncodingOf, OtlpRequestError, type OtlpEncoding } from './otlp-request.js';
import { readBody } from './read-body.js';

const log = scrubbedLogger('otel-agent-audit:gateway');

/** How long in-flight requests get to finish at `close()` before their connections are cut. */
const CLOSE_GRACE_MILLIS = 5_000;

/** Options of {@link startAuditGateway}; the audit options (backends, spool, redaction, integrity) default to the library's env. */
export interface AuditGatewayOptions extends AuditExporterOptions {
  /** Interface to bind. Default `127.0.0.1`: loopback only. */
  host?: string;
  /** Port; 0 picks a free one. Default 4318, OTLP/HTTP's. */
  port?: number;
  /**
   * Also take OTLP/gRPC on this port of `host` (4317 is OTLP/gRPC's; 0 picks a
   * free one), as the Collector's `loadbalancing` exporter sends. Default: no gRPC.
   */
  grpcPort?: number;
  /** Require `Authorization: Bearer <apiKey>` on `/v1/*`. Default: none (then bind loopback only). */
  apiKey?: string;
  /** Largest request body, compressed and inflated alike. Default 4 MiB. */
  maxBodyBytes?: number;
  /** Time a client has to send its request headers. Default 10000. */
  headersTimeoutMillis?: number;
  /** Time a client has to send a whole request. Default 30000. */
  requestTimeoutMillis?: number;
  /**
   * Trace requests are refused with 429 and `Retry-After` while a backend is
   * this many events behind (queued, in flight, waiting in the spool). Default 100000.
   * (A spool past 90% of `spoolMaxBytes` is refused with 503.)
   */
  maxBacklogEvents?: number;
  /** What `Retry-After` says on 429 and 503, in seconds. Default 5. */
  retryAfterSeconds?: number;
  /** Said when something needs the operator's attention (no key beyond loopback). Default: through `diag`. */
  onWarning?: (message: string) => void;
}

/** A running gateway. */
export interface AuditGateway {
  /** `http://<host>:<port>`; exporters send to `${url}/v1/traces` and `${url}/v1/logs`. */
  readonly url: string;
  readonly port: number;
  /** `<host>:<port>` of the OTLP/gRPC listener (with `grpcPort`); else undefined. */
  readonly grpcAddress: string | undefined;
  /** The pipeline's counters (`AuditStats`, plus spans and log records received). */
  stats(): ReturnType<GatewayPipeline['stats']>;
  /** Stops taking requests, answers those in flight, then delivers what is queued within the shutdown timeout. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the gateway: `POST /v1/traces` and `POST /v1/logs` (OTLP/HTTP,
 * protobuf or JSON, gzip or plain), `GET /healthz` (the process answers),
 * `GET /readyz` (it takes requests: 503 once closing, or while trace requests
 * are refused for back-pressure), `GET /metrics` (Prometheus text; behind the
 * API key when one is set).
 *
 * @throws Error when it cannot listen (port taken); {@link AuditError} `INVALID_OPTION` for an invalid audit option.
 * @example
 * import { startAuditGateway } from 'otel-agent-audit/gateway';
 *
 * const gateway = await startAuditGateway({ port: 4318 });
 * // apps: OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318
 * process.on('SIGTERM', () => void gateway.close());
 */
export async function startAuditGateway(options: AuditGatewayOptions = {}): Promise<AuditGateway> {
  const { host = '127.0.0.1', port = 4318, grpcPort, apiKey, maxBodyBytes = 4 * 1024 * 1024, headersTimeoutMillis = 10_000, requestTimeoutMillis = 30_000, onWarning, ...rest } = options;
  const { maxBacklogEvents = 100_000, retryAfterSeconds = 5, ...audit } = rest;
  for (const [name, value] of Object.entries({ maxBodyBytes, maxBacklogEvents })) {
    if (!Number.isSafeInteger(value) || value <= 0) throw new TypeError(`${name} must be a positive integer, got ${String(value)}`);
  }
  for (const [name, value] of Object.entries({ port, grpcPort })) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0 || value > 65535)) throw new TypeError(`${name} must be an integer from 0 to 65535, got ${String(value)}`);
  }
  if (!Number.isSafeInteger(retryAfterSeconds) || retryAfterSeconds < 0) throw new TypeError(`retryAfterSeconds must be a non-negative integer, got ${String(retryAfterSeconds)}`);
  const notify = onWarning ?? ((message: string) => log.warn(message));
  const refuse = bearerCheck(apiKey);
  // The limits the exporter resolves too (option > env > default), read here for back-pressure.
  const delivery = resolveDeliveryConfig(audit);
  const limits: AdmissionConfig = { spoolMaxBytes: delivery.spool.maxBytes, maxQueueSize: delivery.maxQueueSize, maxBacklogEvents, retryAfterSeconds };
  const pipeline = new GatewayPipeline(audit);
  const metrics = new GatewayMetrics();
  let closing = false;

  // Set once bound: no key and loopback only. Then every request must name a loopback host, so a
  // DNS-rebound web page cannot write to the audit trail.
  let openOnLoopback = false;

  const server = createServer({ headersTimeout: headersTimeoutMillis, requestTimeout: requestTimeoutMillis, connectionsCheckingInterval: Math.max(1, Math.min(1000, Math.floor(headersTimeoutMillis / 4))) }, (req, res) => {
    if (closing) res.setHeader('connection', 'close');
    handle(req, res).catch((error: unknown) => {
      log.error(`gateway failed on ${req.method} ${req.url}: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) sendOtlpFailure(res, 500, undefined, `internal error while handling ${req.method} ${req.url}; see the gateway's log`);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    res.once('finish', () => metrics.answered(path, res.statusCode));
    if (path === '/healthz') return sendText(res, 200, 'ok\n');
    if (path === '/readyz') {
      // Served without the key, so it says only whether spans are taken; why is in /metrics (behind the key) and the log.
      const busy = closing ? 'closing' : admission(pipeline.stats(), limits) === undefined ? undefined : 'busy';
      return sendText(res, busy === undefined ? 200 : 503, `${busy ?? 'ok'}\n`);
    }
    const refusal = refuse(req.headers.authorization);
    // OTLP/HTTP: an error body is in the encoding the request used (JSON when it named none we know).
    const requested = otlpEncodingOf(req.headers['content-type']);
    if (path === '/metrics') {
      if (refusal !== undefined) return sendText(res, 401, `${refusal}\n`, { 'www-authenticate': 'Bearer' });
      return sendText(res, 200, metrics.text(pipeline.stats()), {}, PROMETHEUS_CONTENT_TYPE);
    }
    if (path !== '/v1/traces' && path !== '/v1/logs') return sendOtlpFailure(res, 404, requested, `no route for ${path}; OTLP/HTTP takes /v1/traces and /v1/logs`);
    if (req.method !== 'POST') return sendOtlpFailure(res, 405, requested, `${path} takes POST only`, { allow: 'POST' });
    if (refusal !== undefined) return sendOtlpFailure(res, 401, requested, refusal, { 'www-authenticate': 'Bearer' });
    if (openOnLoopback && !isLoopbackHost(req.headers.host)) {
      const named = req.headers.host === undefined ? 'no Host header' : `Host '${req.headers.host.slice(0, 100)}'`;
      return sendOtlpFailure(res, 403, requested, `${named}: this gateway has no API key and takes spans only addressed to localhost, 127.0.0.1 or [::1] (a guard against DNS rebinding); set apiKey (--api-key) to accept other host names`);
    }
    const encoding = requested;
    if (encoding === undefined) return sendOtlpFailure(res, 415, undefined, `Content-Type '${req.headers['content-type'] ?? ''}' is not OTLP/HTTP; send application/x-protobuf or application/json`);
    const retryAfter = { 'retry-after': String(retryAfterSeconds) };
    if (closing) return sendOtlpFailure(res, 503, encoding, 'the gateway is shutting down', retryAfter);
    // Judged before the body is read: a refused request costs no decoding. Log records make no events and are always taken.
    const busy = path === '/v1/traces' ? admission(pipeline.stats(), limits) : undefined;
    if (busy !== undefined) return sendOtlpFailure(res, busy.status, encoding, `not taking spans now: ${busy.reason}`, { ...retryAfter, connection: 'close' });
    try {
      const body = await readBody(req, maxBodyBytes);
      const contentEncoding = req.headers['content-encoding'];
      if (path === '/v1/logs') {
        pipeline.acceptLogRecords(await decodeOtlpLogs(body, encoding, contentEncoding, maxBodyBytes));
        return sendOtlpSuccess(res, encoding);
      }
      await acceptSpans(res, encoding, await decodeOtlpTraces(body, encoding, contentEncoding, maxBodyBytes));
    } catch (error) {
      if (!(error instanceof OtlpRequestError)) throw error;
      sendOtlpFailure(res, error.status, encoding, error.message, error.status === 413 ? { connection: 'close' } : {});
    }
  }

  async function acceptSpans(res: ServerResponse, encoding: OtlpEncoding, spans: Parameters<GatewayPipeline['acceptSpans']>[0]): Promise<void> {
    const verdict = verdictOf(await pipeline.acceptSpans(spans), spans.length, limits.spoolMaxBytes);
    if (verdict.kind === 'accepted') return sendOtlpSuccess(res, encoding);
    // 503 is retried by exporters (honouring Retry-After); 413 and 500 are not, as a retry would fail the same way.
    if (verdict.kind === 'retry-later') return sendOtlpFailure(res, 503, encoding, verdict.message, { 'retry-after': String(retryAfterSeconds) });
    sendOtlpFailure(res, verdict.kind === 'too-large' ? 413 : 500, encoding, verdict.message);
  }

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await pipeline.shutdown();
    throw new Error(`audit gateway could not listen on ${host}:${port}: ${(error as Error).message}`);
  }
  let grpc: OtlpGrpcServer | undefined;
  if (grpcPort !== undefined) {
    try {
      // Loaded only when asked for: an HTTP-only gateway does not load @grpc/grpc-js.
      const { startOtlpGrpcServer } = await import('./otlp-grpc-server.js');
      grpc = await startOtlpGrpcServer(host, grpcPort, { pipeline, limits, metrics, refuse, maxBodyBytes, closing: () => closing });
    } catch (error) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pipeline.shutdown();
      throw new Error(`audit gateway could not listen for OTLP/gRPC on ${host}:${grpcPort}: ${(error as Error).message}`);
    }
  }
  server.on('error', (error) => log.error(`audit gateway server error: ${error.message}`));
  const address = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  openOnLoopback = apiKey === undefined && isLoopbackAddress(address.address);
  if (apiKey === undefined && !openOnLoopback) {
    notify(`listening on ${urlHost}:${address.port}, beyond loopback, without an API key: anyone who can reach it can write to the audit trail. Set apiKey (--api-key), or bind 127.0.0.1.`);
  }
  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    grpcAddress: grpc === undefined ? undefined : `${urlHost}:${grpc.port}`,
    stats: () => pipeline.stats(),
    close: () => {
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MILLIS);
        cut.unref();
        await Promise.all([stopped, grpc?.close()]);
        clearTimeout(cut);
        await pipeline.shutdown();
      })();
      return closed;
    },
  };
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}, contentType = 'text/plain; charset=utf-8'): void {
  const body = Buffer.from(text);
  res.writeHead(status, { ...headers, 'content-type': contentType, 'content-length': body.length }).end(body);
}

