/**
 * The gateway's acceptance test (issue 15): an app with no audit processor,
 * instrumented only with this package's helpers (plus a model-call span and
 * GenAI log records as @opentelemetry/instrumentation-openai writes them),
 * exports with the real OTLP exporters — protobuf, and JSON with gzip — to
 * the gateway on 127.0.0.1. The events the gateway delivers equal those the
 * in-process auditSpanProcessor delivers for the same run.
 *
 * "The same run" is the same program run twice, once per path, with the same
 * span ids (one deterministic IdGenerator sequence each). The clock is the
 * one thing two runs cannot share: timestamps and durations are left out of
 * the comparison, as are the hash-chain fields (on here, as users get it: numbers and hashes of each
 * stream, which differ with the order events are chained in: in process a
 * session's start is chained when the session starts, in the gateway when its
 * root span arrives).
 */
import { context, SpanKind, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtobufLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect } from 'vitest';
import { startAuditGateway, type AuditGateway } from '../../src/gateway/audit-gateway.js';
import { auditLogRecordProcessor, auditSpanProcessor, recordError, withLLMCall, withSession, withToolCall } from '../../src/index.js';
import type { AuditEvent } from '../../src/model/audit-event.js';
import { it, type TracingInstaller } from '../support/audit-test.js';
import { recordingBackend } from '../support/recording-backend.js';
import { FAST_RETRY, freshSpoolDir } from '../support/tracing.js';
import { comparableTrail, sequenceIds } from '../support/trail-comparison.js';

const RESOURCE = resourceFromAttributes({ 'service.name': 'support-bot', 'deployment.environment.name': 'test' });
// One error object for both runs: its stack names the same frames.
const DECLINED = Object.assign(new Error('card declined'), { code: 'card_declined' });

/** The agent: our helpers, an instrumented client's span inside our model call, and one on its own with its content in log records. */
async function agentRun(): Promise<void> {
  const tracer = trace.getTracer('@opentelemetry/instrumentation-openai', '0.21.0');
  const logger = logs.getLogger('@opentelemetry/instrumentation-openai', '0.21.0');
  const emit = (span: ReturnType<typeof tracer.startSpan>, eventName: string, body: Record<string, unknown>) =>
    logger.emit({ context: trace.setSpan(context.active(), span), attributes: { 'event.name': eventName, 'gen_ai.system': 'openai' }, body: body as never });
  await withSession({ sessionId: 'sess-1', agentName: 'support-bot', agentId: 'agt_1' }, async () => {
    await withLLMCall({ model: 'gpt-4o', provider: 'openai', messages: [{ role: 'user', content: 'Where is order 42?' }] }, async () => {
      // The client's own span of the same call: recorded by ours (one call, one pair of events).
      const inner = tracer.startSpan('chat gpt-4o', { kind: SpanKind.CLIENT, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.system': 'openai' } });
      emit(inner, 'gen_ai.user.message', { content: 'Where is order 42?' });
      inner.end();
      return { content: 'Let me look it up.', inputTokens: 12, outputTokens: 5 };
    });
    await withToolCall('lookup_order', { orderId: 42, email: 'jane.doe@example.com' }, () => ({ status: 'shipped' }));
    recordError(DECLINED);
    // A call no helper wraps: its session comes from the session it runs in, its content from log records.
    const call = tracer.startSpan('chat gpt-4o-mini', { kind: SpanKind.CLIENT, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.system': 'openai' } });
    emit(call, 'gen_ai.system.message', { content: 'Be brief.' });
    emit(call, 'gen_ai.user.message', { content: 'Summarise order 42.' });
    emit(call, 'gen_ai.choice', { index: 0, finish_reason: 'stop', message: { content: 'Shipped on Monday.' } });
    call.setAttributes({ 'gen_ai.response.model': 'gpt-4o-mini-2024-07-18', 'gen_ai.usage.input_tokens': 20, 'gen_ai.usage.output_tokens': 4 });
    call.end();
  });
}

/** Runs the agent on a fresh provider with `spanProcessors` and a logger provider with `logProcessors`, then flushes both (logs first: their content must be there when its span is converted). */
async function run(install: TracingInstaller, spanProcessors: SpanProcessor[], logProcessors: LogRecordProcessor[]): Promise<void> {
  const tracing = install.tracing(spanProcessors, { resource: RESOURCE, idGenerator: sequenceIds() });
  const loggerProvider = new LoggerProvider({ resource: RESOURCE, processors: logProcessors });
  logs.setGlobalLoggerProvider(loggerProvider);
  try {
    await agentRun();
    await loggerProvider.forceFlush();
    await tracing.provider.forceFlush();
  } finally {
    await loggerProvider.shutdown();
    logs.disable();
    await tracing.close();
  }
}

async function inProcessTrail(install: TracingInstaller): Promise<AuditEvent[]> {
  const backend = recordingBackend();
  const processor = auditSpanProcessor({ backends: [backend], ...FAST_RETRY, integrity: {} });
  await run(install, [processor], [auditLogRecordProcessor(processor)]);
  return backend.events();
}

/** The port of the gateway's gRPC listener (it listens on 127.0.0.1 here). */
const grpcPortOf = (gateway: AuditGateway): string => gateway.grpcAddress!.slice(gateway.grpcAddress!.lastIndexOf(':') + 1);

const EXPORTERS = {
  protobuf: ({ url }: AuditGateway) => ({ traces: new ProtobufTraceExporter({ url: `${url}/v1/traces` }), logs: new ProtobufLogExporter({ url: `${url}/v1/logs` }) }),
  'json with gzip': ({ url }: AuditGateway) => ({ traces: new JsonTraceExporter({ url: `${url}/v1/traces`, compression: CompressionAlgorithm.GZIP }), logs: new JsonLogExporter({ url: `${url}/v1/logs`, compression: CompressionAlgorithm.GZIP }) }),
  // What the Collector's loadbalancing exporter sends: OTLP/gRPC, here gzip-compressed as well.
  'grpc with gzip': (gateway: AuditGateway) => ({ traces: new GrpcTraceExporter({ url: `http://127.0.0.1:${grpcPortOf(gateway)}`, compression: CompressionAlgorithm.GZIP }), logs: new GrpcLogExporter({ url: `http://127.0.0.1:${grpcPortOf(gateway)}`, compression: CompressionAlgorithm.GZIP }) }),
};

describe('the audit gateway', () => {
  for (const [encoding, exporters] of Object.entries(EXPORTERS)) {
    it(`yields the in-process path's events from the real OTLP exporters (${encoding})`, async ({ install }) => {
      const expected = await inProcessTrail(install);
      const backend = recordingBackend();
      const gateway = await startAuditGateway({ host: '127.0.0.1', port: 0, grpcPort: 0, backends: [backend], ...FAST_RETRY, spoolDir: freshSpoolDir(), integrity: {} });
      const { traces, logs: logExporter } = exporters(gateway);

      await run(install, [new BatchSpanProcessor(traces)], [new BatchLogRecordProcessor({ exporter: logExporter })]);
      await gateway.close();

      expect(comparableTrail(backend.events())).toEqual(comparableTrail(expected));
      expect(expected.map((e) => e.type)).toEqual(expect.arrayContaining(['prompt', 'completion', 'tool_call', 'error', 'custom']));
      expect(gateway.stats()).toMatchObject({ spansReceived: 5, logRecordsReceived: 4 });
    });
  }
});
