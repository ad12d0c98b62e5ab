/**
 * OTLP trace requests as the real serializers of @opentelemetry/otlp-transformer
 * (what exporter-trace-otlp-proto and -http send) → the spans the SDK had:
 * every field the converters or the exporter read comes back as it was, and
 * converting the decoded spans gives the very events the originals give.
 */
import { gzipSync } from 'node:zlib';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect } from 'vitest';
import { toAuditEvents } from '../../../src/convert/to-audit-events.js';
import { decodeOtlpTraces, type OtlpEncoding } from '../../../src/gateway/otlp-request.js';
import { recordError, withLLMCall, withSession, withToolCall } from '../../../src/index.js';
import { it } from '../../support/audit-test.js';
import type { TestTracing } from '../../support/tracing.js';

const LIMIT = 4 * 1024 * 1024;

/** A run of our helpers plus a plain span with every kind of attribute value, a link, an event and an error status. */
async function recordRun(tracing: TestTracing): Promise<ReadableSpan[]> {
  await withSession({ agentName: 'support-bot', agentId: 'agt_1' }, async () => {
    await withLLMCall({ model: 'gpt-4o', provider: 'openai', messages: [{ role: 'user', content: 'Weather in Oslo?' }] }, () => ({ content: 'Rainy.', inputTokens: 7, outputTokens: 2 }));
    await withToolCall('lookup_order', { orderId: 42 }, () => 'shipped');
    recordError(new Error('card declined'));
    const tracer = trace.getTracer('plain-lib', '1.2.3');
    const linked = tracer.startSpan('linked');
    linked.end();
    const span = tracer.startSpan('plain work', {
      kind: SpanKind.CLIENT,
      attributes: { text: 'a', int: 42, negative: -7, double: 1.5, yes: true, list: ['x', 'y'], numbers: [1, 2.5] },
      links: [{ context: linked.spanContext(), attributes: { why: 'follows' } }],
    }, context.active());
    span.addEvent('retry', { attempt: 2 });
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream 503' });
    span.end();
  });
  return tracing.memory.getFinishedSpans();
}

async function roundTrip(spans: ReadableSpan[], encoding: OtlpEncoding, gzip = false): Promise<ReadableSpan[]> {
  const serializer = encoding === 'json' ? JsonTraceSerializer : ProtobufTraceSerializer;
  const body = Buffer.from(serializer.serializeRequest(spans) as Uint8Array);
  return decodeOtlpTraces(gzip ? gzipSync(body) : body, encoding, gzip ? 'gzip' : undefined, LIMIT);
}

/** What a ReadableSpan holds that the audit path may read, as plain data. */
function plain(span: ReadableSpan) {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return {
    traceId,
    spanId,
    traceFlags,
    parent: span.parentSpanContext?.spanId,
    name: span.name,
    kind: span.kind,
    startTime: span.startTime,
    endTime: span.endTime,
    duration: span.duration,
    ended: span.ended,
    status: span.status,
    attributes: span.attributes,
    events: span.events.map((e) => ({ name: e.name, time: e.time, attributes: e.attributes ?? {} })),
    links: span.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId, attributes: l.attributes ?? {} })),
    resource: span.resource.attributes,
    scope: { name: span.instrumentationScope.name, version: span.instrumentationScope.version },
    dropped: [span.droppedAttributesCount, span.droppedEventsCount, span.droppedLinksCount],
  };
}

const bySpanId = <T extends { spanId: string }>(spans: T[]): T[] => [...spans].sort((a, b) => a.spanId.localeCompare(b.spanId));

describe('decodeOtlpTraces', () => {
  for (const encoding of ['protobuf', 'json'] as const) {
    it(`gives back the spans the SDK exported (${encoding})`, async ({ tracing }) => {
      const spans = await recordRun(tracing);

      const decoded = await roundTrip(spans, encoding);

      // The serializer groups spans by resource and scope: the order within a request is not the SDK's.
      expect(bySpanId(decoded.map(plain))).toEqual(bySpanId(spans.map(plain)));
    });

    it(`gives spans that convert to the same audit events (${encoding}, gzip)`, async ({ tracing }) => {
      const spans = await recordRun(tracing);

      const decoded = await roundTrip(spans, encoding, true);

      expect(toAuditEvents(decoded)).toEqual(toAuditEvents(spans));
      expect(toAuditEvents(decoded).map((e) => e.type)).toEqual(expect.arrayContaining(['prompt', 'completion', 'tool_call', 'error', 'custom']));
    });
  }

  it('reads OTLP/JSON as the spec writes it: hex ids, int64 as strings, enum ints, kvlist and array values', async () => {
    const request = {
      resourceSpans: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'billing' } }] },
        scopeSpans: [{
          scope: { name: 'manual', version: '0.1.0' },
          spans: [{
            traceId: '5B8EFFF798038103D269B633813FC60C',
            spanId: 'EEE19B7EC3C1B174',
            parentSpanId: 'EEE19B7EC3C1B173',
            name: 'execute_tool refund',
            kind: 1,
            startTimeUnixNano: '1544712660000000000',
            endTimeUnixNano: '1544712661000000123',
            attributes: [
              { key: 'gen_ai.operation.name', value: { stringValue: 'execute_tool' } },
              { key: 'gen_ai.tool.name', value: { stringValue: 'refund' } },
              { key: 'count', value: { intValue: '9007199254740991' } },
              { key: 'ratio', value: { doubleValue: 0.25 } },
              { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 3 }] } } },
              { key: 'nested', value: { kvlistValue: { values: [{ key: 'k', value: { boolValue: false } }] } } },
              { key: 'raw', value: { bytesValue: 'AQID' } },
            ],
            status: { code: 2, message: 'denied' },
          }],
        }],
      }],
    };

    const [span] = await decodeOtlpTraces(Buffer.from(JSON.stringify(request)), 'json', undefined, LIMIT);

    expect(span!.spanContext()).toMatchObject({ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174' });
    expect(span!.parentSpanContext?.spanId).toBe('eee19b7ec3c1b173');
    expect(span!.kind).toBe(SpanKind.INTERNAL);
    expect(span!.startTime).toEqual([1544712660, 0]);
    expect(span!.endTime).toEqual([1544712661, 123]);
    expect(span!.duration).toEqual([1, 123]);
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'denied' });
    expect(span!.attributes).toEqual({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'refund',
      count: 9007199254740991,
      ratio: 0.25,
      tags: ['a', 3],
      nested: { k: false },
      raw: new Uint8Array([1, 2, 3]),
    });
    expect(span!.resource.attributes).toEqual({ 'service.name': 'billing' });
    expect(span!.instrumentationScope).toEqual({ name: 'manual', version: '0.1.0' });
  });

  it('keeps an attribute named __proto__ as an attribute, not as the prototype of the attributes', async () => {
    const request = {
      resourceSpans: [{ scopeSpans: [{ spans: [{
        traceId: '5b8efff798038103d269b633813fc60c',
        spanId: 'eee19b7ec3c1b174',
        name: 'work',
        startTimeUnixNano: '1544712660000000000',
        endTimeUnixNano: '1544712661000000000',
        attributes: [{ key: '__proto__', value: { kvlistValue: { values: [{ key: 'polluted', value: { boolValue: true } }] } } }],
      }] }] }],
    };

    const [span] = await decodeOtlpTraces(Buffer.from(JSON.stringify(request)), 'json', undefined, LIMIT);

    expect(Object.keys(span!.attributes)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(span!.attributes)).toBe(Object.prototype);
    expect((span!.attributes as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(span!.attributes, '__proto__')?.value).toEqual({ polluted: true });
  });

  it('answers 400 naming the field for a span without a valid id', async () => {
    const request = { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'xyz', spanId: 'EEE19B7EC3C1B174', name: 'a' }] }] }] };

    await expect(decodeOtlpTraces(Buffer.from(JSON.stringify(request)), 'json', undefined, LIMIT)).rejects.toMatchObject({
      status: 400,
      message: 'resourceSpans[0].scopeSpans[0].spans[0].traceId must be 16 bytes as hex (or base64)',
    });
  });

  it('answers 400 for bytes that are no protobuf request, and for a body that is not JSON', async () => {
    await expect(decodeOtlpTraces(Buffer.from([0x0a, 0xff, 0xff, 0xff]), 'protobuf', undefined, LIMIT)).rejects.toMatchObject({ status: 400 });
    await expect(decodeOtlpTraces(Buffer.from('{"resourceSpans": ['), 'json', undefined, LIMIT)).rejects.toMatchObject({ status: 400, message: expect.stringContaining('not JSON') });
    await expect(decodeOtlpTraces(Buffer.from('not gzip'), 'json', 'gzip', LIMIT)).rejects.toMatchObject({ status: 400, message: expect.stringContaining('gzip') });
  });

  it('answers 413 for a gzip body that inflates past the limit, 415 for another content encoding', async () => {
    const bomb = gzipSync(Buffer.alloc(2 * 1024 * 1024, 0x20));

    await expect(decodeOtlpTraces(bomb, 'json', 'gzip', 1024 * 1024)).rejects.toMatchObject({ status: 413 });
    await expect(decodeOtlpTraces(Buffer.from('{}'), 'json', 'br', LIMIT)).rejects.toMatchObject({ status: 415 });
  });
});
