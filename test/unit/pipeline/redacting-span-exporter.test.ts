/**
 * `redactingSpanExporter`: the audit trail's redaction for telemetry that
 * goes elsewhere. The exporter it wraps gets a redacted view of each span;
 * the span itself is never changed, so an exporter beside it (another
 * processor of the same provider) still sees the original. Real SDK spans,
 * from a real provider, into `InMemorySpanExporter`s.
 */
import { SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it, onTestFinished } from 'vitest';
import { isAuditError, redactingSpanExporter, type RedactionOptions } from '../../../src/index.js';

/** Fake secrets, assembled from pieces so no scanner takes this file for a leak. */
const KEY = 'sk-' + 'proj-' + 'Qx7vB2mN9pL4tR8wZ1cF5hJ3kD6sG0aE' + 'yU2iO4pA';
const EMAIL = 'bob.' + 'jones@example.com';
const OTHER_EMAIL = 'ann.' + 'lee@example.org';

interface Setup {
  provider: BasicTracerProvider;
  /** Behind `redactingSpanExporter`: what it passes on. */
  redacted: InMemorySpanExporter;
  /** Behind its own processor on the same provider: the spans as they are. */
  original: InMemorySpanExporter;
  exporter: ReturnType<typeof redactingSpanExporter>;
}

/** A provider (not registered globally) with the redacting exporter's processor first and a plain one beside it. */
function setup(options: { resource?: Attributes; rules?: RedactionOptions } = {}): Setup {
  const redacted = new InMemorySpanExporter();
  const original = new InMemorySpanExporter();
  const exporter = redactingSpanExporter(redacted, options.rules);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(options.resource ?? { 'service.name': 'svc' }),
    spanProcessors: [new SimpleSpanProcessor(exporter), new SimpleSpanProcessor(original)],
  });
  onTestFinished(() => provider.shutdown());
  return { provider, redacted, original, exporter };
}

/** The one span an exporter got, and its pair in the other exporter (matched by span id). */
function pair(s: Setup, index = 0): { view: ReadableSpan; span: ReadableSpan } {
  const view = s.redacted.getFinishedSpans()[index]!;
  const span = s.original.getFinishedSpans().find((o) => o.spanContext().spanId === view.spanContext().spanId)!;
  return { view, span };
}

const MESSAGES = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `my key is ${KEY}` }] }]);

/** One span with something to redact in every place a span can carry text. */
async function everywhereSpan(s: Setup): Promise<void> {
  const tracer = s.provider.getTracer('app');
  const linked = tracer.startSpan('linked');
  linked.end();
  const span = tracer.startSpan(`GET /users/${EMAIL}`, {
    kind: SpanKind.CLIENT,
    attributes: {
      'app.note': `key ${KEY}`,
      'gen_ai.input.messages': MESSAGES,
      'app.recipients': [EMAIL, 'nobody'],
      'app.count': 3,
    },
    links: [{ context: linked.spanContext(), attributes: { 'link.reason': `asked by ${OTHER_EMAIL}` } }],
  });
  span.addEvent('mail.sent', { 'mail.to': EMAIL, 'mail.size': 12 });
  span.setStatus({ code: SpanStatusCode.ERROR, message: `refused for ${EMAIL}` });
  span.end();
  await s.provider.forceFlush();
}

describe('the redacted view', () => {
  it('redacts the name, attributes, JSON-string attributes, event and link attributes, status message and resource', async () => {
    const s = setup({ resource: { 'service.name': 'svc', 'service.owner': OTHER_EMAIL } });
    await everywhereSpan(s);
    const { view } = pair(s, 1);

    expect(view.name).toBe('GET /users/[REDACTED:email]');
    expect(view.attributes).toMatchObject({ 'app.note': 'key [REDACTED:openai_key]', 'app.recipients': ['[REDACTED:email]', 'nobody'], 'app.count': 3 });
    // Still a JSON string, of the messages with the key redacted.
    const messages = view.attributes['gen_ai.input.messages'];
    expect(typeof messages).toBe('string');
    expect(JSON.parse(messages as string)).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'my key is [REDACTED:openai_key]' }] }]);
    expect(view.events).toEqual([expect.objectContaining({ name: 'mail.sent', attributes: { 'mail.to': '[REDACTED:email]', 'mail.size': 12 } })]);
    expect(view.links).toHaveLength(1);
    expect(view.links[0]!.attributes).toEqual({ 'link.reason': 'asked by [REDACTED:email]' });
    expect(view.links[0]!.context).toEqual(pair(s, 1).span.links[0]!.context);
    expect(view.status).toEqual({ code: SpanStatusCode.ERROR, message: 'refused for [REDACTED:email]' });
    expect(view.resource.attributes).toEqual({ 'service.name': 'svc', 'service.owner': '[REDACTED:email]' });
    const everything = JSON.stringify({ name: view.name, attributes: view.attributes, events: view.events, links: view.links, status: view.status, resource: view.resource.attributes });
    for (const secret of [KEY, EMAIL, OTHER_EMAIL]) expect(everything).not.toContain(secret);
  });

  it('leaves the spans themselves alone: the exporter beside it sees them unchanged', async () => {
    const s = setup({ resource: { 'service.name': 'svc', 'service.owner': OTHER_EMAIL } });
    await everywhereSpan(s);
    const { view, span } = pair(s, 1);

    expect(view).not.toBe(span);
    expect(span.name).toBe(`GET /users/${EMAIL}`);
    expect(span.attributes).toEqual({ 'app.note': `key ${KEY}`, 'gen_ai.input.messages': MESSAGES, 'app.recipients': [EMAIL, 'nobody'], 'app.count': 3 });
    expect(span.events[0]!.attributes).toEqual({ 'mail.to': EMAIL, 'mail.size': 12 });
    expect(span.links[0]!.attributes).toEqual({ 'link.reason': `asked by ${OTHER_EMAIL}` });
    expect(span.status.message).toBe(`refused for ${EMAIL}`);
    expect(span.resource.attributes['service.owner']).toBe(OTHER_EMAIL);
  });

  it('reads everything it does not redact from the span: spanContext(), times, kind, scope, parent', async () => {
    const s = setup();
    const tracer = s.provider.getTracer('app', '1.2.3');
    await new Promise<void>((resolve) =>
      tracer.startActiveSpan('parent', (parent) => {
        const child = tracer.startSpan(`child of ${EMAIL}`, { kind: SpanKind.SERVER });
        child.end();
        parent.end();
        resolve();
      }),
    );
    await s.provider.forceFlush();
    const { view, span } = pair(s, 0);

    expect(view.name).toBe('child of [REDACTED:email]');
    expect(view.spanContext()).toEqual(span.spanContext());
    expect(view.parentSpanContext).toEqual(span.parentSpanContext);
    expect([view.startTime, view.endTime, view.duration, view.ended]).toEqual([span.startTime, span.endTime, span.duration, true]);
    expect(view.kind).toBe(SpanKind.SERVER);
    expect(view.instrumentationScope).toEqual({ name: 'app', version: '1.2.3', schemaUrl: undefined });
    expect([view.droppedAttributesCount, view.droppedEventsCount, view.droppedLinksCount]).toEqual([0, 0, 0]);
  });

  it('passes a span with nothing to redact as the very same object', async () => {
    const s = setup();
    const tracer = s.provider.getTracer('app');
    tracer.startSpan('clean', { attributes: { 'app.city': 'Paris', 'gen_ai.input.messages': '[{"role":"user","content":"hi"}]' } }).end();
    await s.provider.forceFlush();
    const { view, span } = pair(s, 0);
    expect(view).toBe(span);
    expect(s.exporter.redactions()).toEqual({});
  });

  it('gives the spans of one resource one redacted resource object (redacted once), and a clean resource is passed as it is', async () => {
    const s = setup({ resource: { 'service.name': 'svc', 'service.owner': OTHER_EMAIL } });
    const tracer = s.provider.getTracer('app');
    tracer.startSpan('one').end();
    tracer.startSpan('two').end();
    await s.provider.forceFlush();
    const [one, two] = s.redacted.getFinishedSpans();
    expect(one!.resource).toBe(two!.resource);
    expect(one!.resource).not.toBe(s.original.getFinishedSpans()[0]!.resource);
    expect(one!.resource.attributes['service.owner']).toBe('[REDACTED:email]');

    const clean = setup();
    clean.provider.getTracer('app').startSpan(`with ${EMAIL}`).end();
    await clean.provider.forceFlush();
    expect(pair(clean).view.resource).toBe(pair(clean).span.resource);
  });

  it('redacts a JSON-string attribute as the value it encodes: an escape does not hide a key from it', async () => {
    const s = setup();
    // `\u002d` is `-`: the text rules see `sk\u002dproj…`, no key; the JSON value is the key.
    const escaped = JSON.stringify({ note: KEY }).replace(/-/g, '\\u002d');
    expect(escaped).not.toContain(KEY);
    s.provider.getTracer('app').startSpan('tool', { attributes: { 'gen_ai.tool.call.arguments': escaped } }).end();
    await s.provider.forceFlush();
    expect(JSON.parse(pair(s).view.attributes['gen_ai.tool.call.arguments'] as string)).toEqual({ note: '[REDACTED:openai_key]' });
  });

  it('redacts a string that only looks like JSON as text', async () => {
    const s = setup();
    s.provider.getTracer('app').startSpan('odd', { attributes: { 'app.text': `{not json, key ${KEY}` } }).end();
    await s.provider.forceFlush();
    expect(pair(s).view.attributes['app.text']).toBe('{not json, key [REDACTED:openai_key]');
  });

  it('redacts an attribute name that holds personal data, keeping its value', async () => {
    const s = setup();
    s.provider.getTracer('app').startSpan('call', { attributes: { [`visits by ${EMAIL}`]: 4, 'app.city': 'Paris' } }).end();
    await s.provider.forceFlush();
    expect(pair(s).view.attributes).toEqual({ 'app.city': 'Paris', 'visits by [REDACTED:email]': 4 });
  });

  it('redacts the value of an attribute whose name is of the secret kind (built-in, or given in keys) whole', async () => {
    const s = setup({ rules: { keys: ['customer_ref'] } });
    s.provider.getTracer('app').startSpan('query', { attributes: { customer_ref: 'C-77', 'db.password': 'hunter2hunter2', 'app.city': 'Paris' } }).end();
    await s.provider.forceFlush();
    expect(pair(s).view.attributes).toEqual({ customer_ref: '[REDACTED:secret_field]', 'db.password': '[REDACTED:secret_field]', 'app.city': 'Paris' });
  });

  it('keeps two attributes whose names redact to the same text apart', async () => {
    const s = setup();
    s.provider.getTracer('app').startSpan('call', { attributes: { 'user bob@example.com': 1, 'user ann@example.com': 2 } }).end();
    await s.provider.forceFlush();
    const view = pair(s).view.attributes;
    expect(Object.keys(view)).toHaveLength(2);
    expect(Object.values(view).sort()).toEqual([1, 2]);
    expect(JSON.stringify(view)).not.toMatch(/bob@|ann@/);
  });

  it('redacts object keys of the secret kind inside a JSON-string attribute whole', async () => {
    const s = setup({ rules: { keys: ['customer_ref'] } });
    s.provider.getTracer('app').startSpan('tool', { attributes: { 'gen_ai.tool.call.arguments': JSON.stringify({ password: 'correct horse', CUSTOMER_REF: 'C-77', city: 'Paris' }) } }).end();
    await s.provider.forceFlush();
    expect(JSON.parse(pair(s).view.attributes['gen_ai.tool.call.arguments'] as string)).toEqual({
      password: '[REDACTED:secret_field]',
      CUSTOMER_REF: '[REDACTED:secret_field]',
      city: 'Paris',
    });
  });
});

describe('redactions()', () => {
  it('counts what it redacted, per rule, never the text; the resource once', async () => {
    const s = setup({ resource: { 'service.name': 'svc', 'service.owner': OTHER_EMAIL } });
    await everywhereSpan(s);
    // name, recipients, event, status, link: 5 emails; resource: 1; note and messages: 2 keys.
    expect(s.exporter.redactions()).toEqual({ email: 6, openai_key: 2 });
    const counts = s.exporter.redactions() as Record<string, number>;
    counts['email'] = 0;
    expect(s.exporter.redactions()['email']).toBe(6); // a copy
  });
});

describe('rules', () => {
  it('{ disable: [\'email\'] } keeps addresses and still redacts keys', async () => {
    const s = setup({ rules: { disable: ['email'] } });
    await everywhereSpan(s);
    const { view } = pair(s, 1);
    expect(view.name).toBe(`GET /users/${EMAIL}`);
    expect(view.attributes['app.note']).toBe('key [REDACTED:openai_key]');
    expect(s.exporter.redactions()).toEqual({ openai_key: 2 });
  });

  it('custom patterns and hash mode apply as for the audit trail', async () => {
    const s = setup({ rules: { patterns: { order_id: 'ORD-\\d{6}' }, mode: 'hash', hashKey: 'k1' } });
    s.provider.getTracer('app').startSpan('order ORD-123456').end();
    await s.provider.forceFlush();
    expect(pair(s).view.name).toMatch(/^order \[REDACTED:order_id:[0-9a-f]{16}\]$/);
  });

  it('an invalid rule option throws INVALID_OPTION when the exporter is made', () => {
    let error: unknown;
    try {
      redactingSpanExporter(new InMemorySpanExporter(), { disable: ['no_such_rule'] });
    } catch (e) {
      error = e;
    }
    expect(isAuditError(error) && error.code).toBe('INVALID_OPTION');
  });
});

describe('the wrapped exporter', () => {
  it('gets its own result back, and forceFlush and shutdown are passed on', async () => {
    const calls: string[] = [];
    const inner: SpanExporter = {
      export: (spans, done) => {
        calls.push(`export ${spans.length}`);
        done({ code: ExportResultCode.FAILED, error: new Error('inner refused') });
      },
      forceFlush: async () => void calls.push('forceFlush'),
      shutdown: async () => void calls.push('shutdown'),
    };
    const wrapper = redactingSpanExporter(inner);
    const s = setup();
    s.provider.getTracer('app').startSpan(`to ${EMAIL}`).end();
    await s.provider.forceFlush();
    const result = await new Promise<ExportResult>((resolve) => wrapper.export(s.original.getFinishedSpans(), resolve));
    expect(result).toMatchObject({ code: ExportResultCode.FAILED, error: expect.objectContaining({ message: 'inner refused' }) });
    await wrapper.forceFlush();
    await wrapper.shutdown();
    expect(calls).toEqual(['export 1', 'forceFlush', 'shutdown']);
  });
});
