/**
 * OTLP/gRPC beside OTLP/HTTP: `TraceService/Export` and `LogsService/Export`
 * on a port of their own. The Collector's `loadbalancing` exporter, the way
 * to run several gateways behind one Collector, sends over gRPC only (it
 * builds an `otlp` exporter per endpoint), so a gateway behind it must speak
 * gRPC. `@grpc/grpc-js` carries the calls; their messages are the same
 * protobuf the HTTP routes decode (otlp-request.ts), and gzip-compressed
 * messages are inflated by grpc-js itself.
 *
 * Status codes follow OTLP/gRPC: refusals for back-pressure (before decoding,
 * or a spool with no room for the request's events), a spool that could not
 * write, and shutting down are `UNAVAILABLE`, which senders retry (the
 * Collector with its `retry_on_failure` backoff); a message that is not a
 * valid request is `INVALID_ARGUMENT`; one past the size limit, or whose
 * events alone would not fit the spool, `RESOURCE_EXHAUSTED`; a missing or
 * wrong key `UNAUTHENTICATED`.
 */
import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall, type ServiceDefinition } from '@grpc/grpc-js';
import { admission, type AdmissionConfig } from './admission.js';
import { GRPC_LOGS_ROUTE, GRPC_TRACES_ROUTE, type GatewayMetrics } from './gateway-metrics.js';
import type { GatewayPipeline } from './gateway-pipeline.js';
import { verdictOf } from './export-verdict.js';
import { decodeOtlpLogs, decodeOtlpTraces, OtlpRequestError } from './otlp-request.js';

/** An empty `Export…ServiceResponse`: a message with no fields is zero bytes. */
const EMPTY_RESPONSE = Buffer.alloc(0);
/** How long calls in flight get to finish at close before they are cut. */
const CLOSE_GRACE_MILLIS = 5_000;

/** Calls one HTTP/2 connection may have open at once (OTLP senders make one or a few at a time). */
const MAX_CONCURRENT_STREAMS = 8;

/** Messages pass as they are: decoding is ours (otlp-request.ts), with our errors. */
const bytes = (value: Buffer): Buffer => value;

/** One unary method whose messages stay bytes: decoding is ours, with our errors. */
function exportMethod(path: string): ServiceDefinition[string] {
  // originalName: the method's name in camelCase, as grpc-js's generated clients call it.
  return { path, requestStream: false, responseStream: false, requestSerialize: bytes, requestDeserialize: bytes, responseSerialize: bytes, responseDeserialize: bytes, originalName: 'export' };
}

const TRACE_SERVICE: ServiceDefinition = { Export: exportMethod('/opentelemetry.proto.collector.trace.v1.TraceService/Export') };
const LOGS_SERVICE: ServiceDefinition = { Export: exportMethod('/opentelemetry.proto.collector.logs.v1.LogsService/Export') };

/** What the gRPC routes share with the HTTP ones. */
export interface OtlpGrpcContext {
  readonly pipeline: GatewayPipeline;
  readonly limits: AdmissionConfig;
  readonly metrics: GatewayMetrics;
  /** Why a call's `authorization` is refused, or undefined (bearer-auth.ts). */
  readonly refuse: (authorization: string | undefined) => string | undefined;
  readonly maxBodyBytes: number;
  readonly closing: () => boolean;
}

/** A running gRPC listener. */
export interface OtlpGrpcServer {
  readonly port: number;
  /** Stops taking calls, lets those in flight finish (cut after a grace period). */
  close(): Promise<void>;
}

interface Failure {
  readonly code: status;
  readonly details: string;
}

/**
 * Listens on `host:port` (0: any free port) for OTLP/gRPC calls, plaintext
 * (h2c) as the Collector's `otlp` receiver does without TLS.
 *
 * @throws Error when it cannot bind.
 * @example
 * const grpc = await startOtlpGrpcServer('127.0.0.1', 4317, context);
 */
export async function startOtlpGrpcServer(host: string, port: number, context: OtlpGrpcContext): Promise<OtlpGrpcServer> {
  // grpc-js hands a unary call over only once its whole message is in: the
  // key and back-pressure are judged then, so the streams one connection may
  // hold at once are few, bounding that memory per connection.
  const server = new Server({ 'grpc.max_receive_message_length': context.maxBodyBytes, 'grpc.max_concurrent_streams': MAX_CONCURRENT_STREAMS });
  server.addService(TRACE_SERVICE, { Export: unaryHandler(GRPC_TRACES_ROUTE, context, (body) => exportSpans(body, context)) });
  server.addService(LOGS_SERVICE, { Export: unaryHandler(GRPC_LOGS_ROUTE, context, (body) => exportLogRecords(body, context)) });
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (error, boundPort) => (error ? reject(error) : resolve(boundPort)));
  });
  let closed: Promise<void> | undefined;
  return {
    port: bound,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        const cut = setTimeout(() => server.forceShutdown(), CLOSE_GRACE_MILLIS);
        cut.unref();
        server.tryShutdown(() => {
          clearTimeout(cut);
          resolve();
        });
      })),
  };
}

function unaryHandler(route: string, context: OtlpGrpcContext, handle: (body: Buffer) => Promise<Failure | undefined>) {
  return (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>): void => {
    const answer = (failure: Failure | undefined): void => {
      context.metrics.answered(route, failure === undefined ? 'OK' : status[failure.code]);
      if (failure === undefined) callback(null, EMPTY_RESPONSE);
      else callback({ code: failure.code, details: failure.details });
    };
    const authorization = call.metadata.get('authorization')[0];
    const refusal = context.refuse(typeof authorization === 'string' ? authorization : authorization?.toString('utf8'));
    if (refusal !== undefined) return answer({ code: status.UNAUTHENTICATED, details: refusal });
    if (context.closing()) return answer({ code: status.UNAVAILABLE, details: 'the gateway is shutting down' });
    handle(call.request).then(answer, (error: unknown) => {
      answer({ code: status.INTERNAL, details: `internal error while handling ${route}: ${error instanceof Error ? error.message : String(error)}; see the gateway's log` });
    });
  };
}

async function exportSpans(body: Buffer, context: OtlpGrpcContext): Promise<Failure | undefined> {
  const busy = admission(context.pipeline.stats(), context.limits);
  if (busy !== undefined) return { code: status.UNAVAILABLE, details: `not taking spans now: ${busy.reason}; retry after ${busy.retryAfterSeconds} s` };
  let spans: Awaited<ReturnType<typeof decodeOtlpTraces>>;
  try {
    spans = await decodeOtlpTraces(body, 'protobuf', undefined, context.maxBodyBytes);
  } catch (error) {
    return invalid(error);
  }
  const verdict = verdictOf(await context.pipeline.acceptSpans(spans), spans.length, context.limits.spoolMaxBytes);
  if (verdict.kind === 'accepted') return undefined;
  // RESOURCE_EXHAUSTED without RetryInfo is not retried (OTLP/gRPC), as a request too large for the spool should not be.
  return { code: verdict.kind === 'retry-later' ? status.UNAVAILABLE : verdict.kind === 'too-large' ? status.RESOURCE_EXHAUSTED : status.INTERNAL, details: verdict.message };
}

async function exportLogRecords(body: Buffer, context: OtlpGrpcContext): Promise<Failure | undefined> {
  try {
    context.pipeline.acceptLogRecords(await decodeOtlpLogs(body, 'protobuf', undefined, context.maxBodyBytes));
    return undefined;
  } catch (error) {
    return invalid(error);
  }
}

function invalid(error: unknown): Failure {
  if (!(error instanceof OtlpRequestError)) throw error;
  return { code: error.status === 413 ? status.RESOURCE_EXHAUSTED : status.INVALID_ARGUMENT, details: error.message };
}
