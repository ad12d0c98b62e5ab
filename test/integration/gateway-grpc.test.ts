/**
 * The gateway's OTLP/gRPC listener, over real HTTP/2 sockets on 127.0.0.1,
 * with a plain `@grpc/grpc-js` client calling the OTLP methods as the
 * Collector's `otlp` exporter does (the real OpenTelemetry gRPC exporters
 * are in gateway-equality.test.ts): the status codes OTLP/gRPC asks for,
 * with a reason a sender's log can show.
 */
import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, onTestFinished } from 'vitest';
import { startAuditGateway, type AuditGatewayOptions } from '../../src/gateway/audit-gateway.js';
import { withSession, withToolCall } from '../../src/index.js';
import { heldBackend } from '../support/held-backend.js';
import { it } from '../support/audit-test.js';
import { FAST_RETRY, freshSpoolDir, type TestTracing } from '../support/tracing.js';

const TRACES = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const LOGS = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';

async function startGateway(options: AuditGatewayOptions = {}) {
  const backend = heldBackend();
  const gateway = await startAuditGateway({ host: '127.0.0.1', port: 0, grpcPort: 0, backends: [backend], ...FAST_RETRY, spoolDir: freshSpoolDir(), shutdownTimeoutMillis: 1_000, ...options });
  const client = new Client(gateway.grpcAddress!, credentials.createInsecure());
  onTestFinished(async () => {
    client.close();
    backend.release();
    await gateway.close();
  });
  /** One unary call of `method` with `body`; resolves with the error, or undefined on OK. */
  const call = (method: string, body: Buffer, metadata = new Metadata()): Promise<ServiceError | undefined> =>
    new Promise((resolve) => {
      const bytes = (value: Buffer) => value;
      client.makeUnaryRequest(method, bytes, bytes, body, metadata, (error) => resolve(error ?? undefined));
    });
  return { gateway, call };
}

async function recordedSession(tracing: TestTracing): Promise<Buffer> {
  await withSession({ sessionId: 'sess-grpc', agentName: 'bot' }, () => withToolCall('lookup', { id: 1 }, () => 'ok'));
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(tracing.memory.getFinishedSpans()) as Uint8Array);
}

const bearer = (key: string): Metadata => {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${key}`);
  return metadata;
};

describe('the gateway over OTLP/gRPC', () => {
  it('takes a TraceService/Export call once its events are spooled, and counts it by gRPC status in /metrics', async ({ tracing }) => {
    const { gateway, call } = await startGateway();

    expect(await call(TRACES, await recordedSession(tracing))).toBeUndefined();

    expect(gateway.stats()).toMatchObject({ spansReceived: 2, eventsConverted: 3 });
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toContain('otel_agent_audit_gateway_requests_total{route="grpc:TraceService/Export",status="OK"} 1');
  });

  it('refuses a call without the API key, or with a wrong one, as UNAUTHENTICATED, never echoing the key', async ({ tracing }) => {
    const { gateway, call } = await startGateway({ apiKey: 'grpc-gateway-key' });
    const body = await recordedSession(tracing);

    const missing = await call(TRACES, body);
    const wrong = await call(TRACES, body, bearer('not-the-key'));
    const right = await call(TRACES, body, bearer('grpc-gateway-key'));

    expect(missing).toMatchObject({ code: status.UNAUTHENTICATED, details: expect.stringContaining('missing Authorization') });
    expect(wrong).toMatchObject({ code: status.UNAUTHENTICATED, details: expect.stringContaining('invalid API key') });
    expect(wrong!.details).not.toContain('not-the-key');
    expect(right).toBeUndefined();
    expect(gateway.stats().spansReceived).toBe(2);
  });

  it('answers a message that is no OTLP request with INVALID_ARGUMENT, and one past maxBodyBytes with RESOURCE_EXHAUSTED', async () => {
    const { gateway, call } = await startGateway({ maxBodyBytes: 1024 });

    // Field 1 (resource_spans), length-delimited, claiming 100 bytes where 1 follows.
    const truncated = await call(TRACES, Buffer.from([0x0a, 0x64, 0x01]));
    const tooLarge = await call(LOGS, Buffer.alloc(4096, 0x0a));

    expect(truncated).toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringMatching(/not an OTLP ExportTraceServiceRequest/) });
    expect(tooLarge?.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(gateway.stats().spansReceived).toBe(0);
  });

  it('refuses spans with UNAVAILABLE while a backend is far behind, which senders retry', async ({ tracing }) => {
    const { gateway, call } = await startGateway({ maxBacklogEvents: 3 });
    const body = await recordedSession(tracing);

    expect(await call(TRACES, body)).toBeUndefined(); // 3 events: the held backend is now 3 behind
    const refused = await call(TRACES, body);

    expect(refused).toMatchObject({ code: status.UNAVAILABLE, details: expect.stringMatching(/^not taking spans now: backend held is 3 events behind \(maxBacklogEvents 3\); retry after 5 s$/) });
    expect(gateway.stats().spansReceived).toBe(2);
  });

  it('answers UNAVAILABLE once closing, and close() ends the gRPC listener too', async ({ tracing }) => {
    const { gateway, call } = await startGateway();
    const body = await recordedSession(tracing);
    await gateway.close();

    const afterClose = await call(TRACES, body);

    expect(afterClose?.code).toBe(status.UNAVAILABLE);
    expect(gateway.stats().spansReceived).toBe(0);
  });
});
