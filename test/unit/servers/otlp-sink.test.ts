import { gzipSync } from 'node:zlib';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { context, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { startOtlpSink, type OtlpSink } from '../../servers/otlp-sink.js';

let sink: OtlpSink | undefined;
let provider: BasicTracerProvider | undefined;

afterEach(async () => {
  await provider?.shutdown();
  await sink?.close();
  provider = undefined;
  sink = undefined;
});

function providerFor(url: string): BasicTracerProvider {
  const exporter = new OTLPTraceExporter({ url: `${url}/v1/traces` });
  return new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
}

/** A hand-written OTLP JSON request with one span, for the cases the real exporter never sends. */
function request(traceId: string, spanId: string, attributes: unknown[] = []) {
  return { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId, spanId, name: 'handmade', attributes }] }] }] };
}

function post(body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  return fetch(`${sink!.url}/v1/traces`, { method: 'POST', headers, body });
}

describe('startOtlpSink', () => {
  it('records spans sent by the real OTLPTraceExporter with ids and decoded attributes', async () => {
    sink = await startOtlpSink();
    provider = providerFor(sink.url);
    const tracer = provider.getTracer('audit-test');

    const parent = tracer.startSpan('agent.session', {
      attributes: { 'gen_ai.system': 'openai', tokens: 42, ratio: 0.5, ok: true, tags: ['a', 'b'] },
    });
    const child = tracer.startSpan('tool.call', { attributes: { 'tool.name': 'search' } }, trace.setSpan(context.active(), parent));
    child.end();
    parent.end();
    await provider.forceFlush();
    const spans = await sink.waitForSpans(2);

    const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(['agent.session', 'tool.call']);
    expect(byName['agent.session']).toMatchObject({
      traceId: parent.spanContext().traceId,
      spanId: parent.spanContext().spanId,
      attributes: { 'gen_ai.system': 'openai', tokens: 42, ratio: 0.5, ok: true, tags: ['a', 'b'] },
      scopeName: 'audit-test',
    });
    expect(byName['agent.session']?.parentSpanId).toBeUndefined();
    expect(byName['tool.call']).toMatchObject({
      traceId: parent.spanContext().traceId,
      spanId: child.spanContext().spanId,
      parentSpanId: parent.spanContext().spanId,
      attributes: { 'tool.name': 'search' },
    });
    expect(byName['tool.call']?.resourceAttributes['service.name']).toEqual(expect.any(String));
    expect(sink.requestCount).toBe(2);
  });

  it('records spans the real protobuf exporter sends, the same as JSON ones', async () => {
    sink = await startOtlpSink();
    const exporter = new ProtobufTraceExporter({ url: `${sink.url}/v1/traces` });
    provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const span = provider.getTracer('audit-test').startSpan('gen_ai.chat', {
      attributes: { 'gen_ai.system': 'openai', tokens: 42, ratio: 0.5, ok: true, tags: ['a', 'b'] },
    });
    span.setStatus({ code: 2, message: 'boom' });
    span.addEvent('gen_ai.choice', { index: 0 });
    span.end();
    await provider.forceFlush();

    const [recorded] = await sink.waitForSpans(1);

    expect(sink.encodings).toEqual(['protobuf']);
    expect(recorded).toMatchObject({
      traceId: span.spanContext().traceId,
      spanId: span.spanContext().spanId,
      name: 'gen_ai.chat',
      attributes: { 'gen_ai.system': 'openai', tokens: 42, ratio: 0.5, ok: true, tags: ['a', 'b'] },
      status: { code: 2, message: 'boom' },
      events: [{ name: 'gen_ai.choice', attributes: { index: 0 } }],
      scopeName: 'audit-test',
    });
    expect(recorded?.resourceAttributes['service.name']).toEqual(expect.any(String));
  });

  it('decodes base64 ids and nested AnyValues to lowercase hex and plain values', async () => {
    sink = await startOtlpSink();
    const traceId = Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex').toString('base64');
    const spanId = Buffer.from('b7ad6b7169203331', 'hex').toString('base64');
    const body = request(traceId, spanId, [
      { key: 'big', value: { intValue: '9007199254740991' } },
      { key: 'kv', value: { kvlistValue: { values: [{ key: 'x', value: { stringValue: 'y' } }] } } },
      { key: 'bytes', value: { bytesValue: Buffer.from([1, 2]).toString('base64') } },
      { key: 'empty', value: {} },
    ]);

    const res = await post(JSON.stringify(body));

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    const [span] = sink.spans();
    expect(span).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' });
    expect(span?.attributes).toEqual({ big: 9007199254740991, kv: { x: 'y' }, bytes: new Uint8Array([1, 2]), empty: undefined });
  });

  it('accepts gzip bodies and lower-cases hex ids', async () => {
    sink = await startOtlpSink();

    const res = await post(gzipSync(JSON.stringify(request('0AF7651916CD43DD8448EB211C80319C', 'B7AD6B7169203331'))), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });

    expect(res.status).toBe(200);
    expect(sink.spans()[0]?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
  });

  it('rejects other media types, malformed protobuf and JSON, bad ids and wrong paths without recording', async () => {
    sink = await startOtlpSink();

    const statuses = [
      (await post('x', { 'content-type': 'text/plain' })).status,
      (await post(Buffer.from([0x0a, 0xff, 0xff]), { 'content-type': 'application/x-protobuf' })).status,
      (await post('{"resourceSpans": [')).status,
      (await post(JSON.stringify(request('abc', 'b7ad6b7169203331')))).status,
      (await post(JSON.stringify({ resourceSpans: {} }))).status,
      (await fetch(`${sink.url}/v1/metrics`, { method: 'POST', body: '{}' })).status,
    ];

    expect(statuses).toEqual([415, 400, 400, 400, 400, 404]);
    expect(sink.spans()).toEqual([]);
    expect(sink.requestCount).toBe(6);
  });

  it('only counts requests and spans when record is false', async () => {
    sink = await startOtlpSink({ record: false });
    provider = providerFor(sink.url);
    const tracer = provider.getTracer('bench');

    for (let i = 0; i < 3; i++) tracer.startSpan(`s${i}`).end();
    await provider.forceFlush();
    await sink.waitForSpans(3);

    expect(sink.spanCount).toBe(3);
    expect(sink.requestCount).toBe(3);
    expect(sink.spans()).toEqual([]);
  });

  it('waitForSpans rejects saying how many spans arrived', async () => {
    sink = await startOtlpSink();

    await expect(sink.waitForSpans(1, 20)).rejects.toThrow('expected 1 spans, 0 arrived within 20 ms');
  });
});
