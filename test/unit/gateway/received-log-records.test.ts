/**
 * OTLP log requests as the real serializers of @opentelemetry/otlp-transformer
 * write them (what exporter-logs-otlp-proto and -http send) → log records
 * the audit log-record processor reads as it reads the SDK's own: GenAI
 * content records of both generations keep their event name, body (maps
 * and arrays included), attributes and span context.
 */
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { describe, expect } from 'vitest';
import { loggedContentOf } from '../../../src/convert/genai-log-messages.js';
import { decodeOtlpLogs } from '../../../src/gateway/otlp-request.js';
import type { ReceivedLogRecord } from '../../../src/gateway/received-log-records.js';
import { it } from '../../support/audit-test.js';

const LIMIT = 4 * 1024 * 1024;

/** Records as @opentelemetry/instrumentation-openai writes them (v1.28–1.36), and one v1.37 details record, inside a span. */
async function emitRecords(): Promise<ReadableLogRecord[]> {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: memory })] });
  const logger = provider.getLogger('@opentelemetry/instrumentation-openai', '0.21.0');
  const span = trace.getTracer('@opentelemetry/instrumentation-openai').startSpan('chat gpt-4o-mini');
  const ctx = trace.setSpan(context.active(), span);
  logger.emit({ context: ctx, attributes: { 'event.name': 'gen_ai.user.message', 'gen_ai.system': 'openai' }, body: { content: 'Weather in Oslo?' } });
  logger.emit({
    context: ctx,
    attributes: { 'event.name': 'gen_ai.choice', 'gen_ai.system': 'openai' },
    body: { index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }] } },
  });
  logger.emit({
    context: ctx,
    eventName: 'gen_ai.client.inference.operation.details',
    attributes: { 'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]) },
  });
  logger.emit({ body: 'outside any span', severityText: 'INFO', severityNumber: 9 });
  span.end();
  await provider.forceFlush();
  const records = [...memory.getFinishedLogRecords()];
  await provider.shutdown();
  return records;
}

/** The fields both a received record and the SDK's own have. */
function plain(record: ReadableLogRecord | ReceivedLogRecord) {
  return {
    eventName: record.eventName,
    attributes: record.attributes,
    body: record.body,
    spanContext: record.spanContext && { traceId: record.spanContext.traceId, spanId: record.spanContext.spanId, traceFlags: record.spanContext.traceFlags },
    hrTime: record.hrTime,
    severityText: record.severityText,
    severityNumber: record.severityNumber,
    scope: record.instrumentationScope.name,
    resource: record.resource.attributes,
  };
}

describe('decodeOtlpLogs', () => {
  for (const [encoding, serializer] of [['protobuf', ProtobufLogsSerializer], ['json', JsonLogsSerializer]] as const) {
    it(`gives back the records the SDK exported (${encoding})`, async ({ tracing }) => {
      void tracing; // a registered provider, so the span above is sampled
      const records = await emitRecords();
      const body = Buffer.from(serializer.serializeRequest(records) as Uint8Array);

      const decoded = await decodeOtlpLogs(body, encoding, undefined, LIMIT);

      expect(decoded.map(plain)).toEqual(records.map(plain));
      expect(decoded[0]!.spanContext?.traceFlags).toBe(TraceFlags.SAMPLED);
      expect(decoded.map((r) => loggedContentOf(r))).toEqual(records.map((r) => loggedContentOf(r)));
    });
  }

  it('answers 400 naming the field for a record whose body is no AnyValue', async () => {
    const request = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: 'plain string' }] }] }] };

    await expect(decodeOtlpLogs(Buffer.from(JSON.stringify(request)), 'json', undefined, LIMIT)).rejects.toMatchObject({
      status: 400,
      message: 'resourceLogs[0].scopeLogs[0].logRecords[0].body must be an AnyValue object',
    });
  });
});
