import { SpanStatusCode, trace } from '@opentelemetry/api';
import { describe, expect } from 'vitest';
import { recordError, recordEvent, toAuditEvents, withToolCall } from '../../../src/index.js';
import { it as base } from '../../support/audit-test.js';

/** `finished`: the spans the test has finished, oldest first. */
const it = base.extend('finished', ({ tracing }) => () => tracing.memory.getFinishedSpans());

/** An object whose every property read throws. */
const hostile = new Proxy({}, {
  get() {
    throw new Error('trap');
  },
  getPrototypeOf() {
    throw new Error('trap');
  },
});

describe('recordError', () => {
  it('adds a handled exception event to the active span and leaves its status alone', ({ finished }) => {
    withToolCall('fetch_weather', {}, () => recordError(new TypeError('timeout'), { 'tool.fallback': 'cache' }));
    const [span] = finished();
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    expect(span!.events).toHaveLength(1);
    expect(span!.events[0]!.name).toBe('exception');
    expect(span!.events[0]!.attributes).toMatchObject({
      'exception.type': 'TypeError',
      'exception.message': 'timeout',
      'audit.recorded': true,
      'tool.fallback': 'cache',
    });
    expect(span!.events[0]!.attributes!['exception.stacktrace']).toContain('TypeError: timeout');
  });

  it('records on a span of another library that is active', ({ finished }) => {
    trace.getTracer('http').startActiveSpan('GET /x', (span) => {
      recordError('plain string');
      span.end();
    });
    expect(finished()[0]!.events[0]!.attributes).toMatchObject({ 'exception.type': 'Error', 'exception.message': 'plain string' });
  });

  it('makes a carrier span outside any span, whose error still becomes an audit event', ({ finished }) => {
    recordError(new Error('lost connection'));
    const spans = finished();
    expect(spans).toHaveLength(1);
    expect(spans[0]!.attributes['audit.carrier']).toBe(true);
    const events = toAuditEvents(spans);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'error', payload: { error_type: 'Error', message: 'lost connection', handled: true } });
  });

  // `for`, not `each`: only `for` hands the test its fixtures (after the row).
  it.for([
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['a symbol', Symbol('s')],
    ['an object with throwing getters', { get name(): string { throw new Error('x'); }, get message(): string { throw new Error('y'); } }],
    ['a proxy that throws on every read', hostile],
  ])('never throws for %s', ([_kind, error], { tracing }) => {
    expect(() => recordError(error)).not.toThrow();
    expect(() => withToolCall('t', {}, () => recordError(error))).not.toThrow();
  });

  it('still records an error whose properties throw when read', ({ finished }) => {
    withToolCall('t', {}, () => recordError({ get name(): string { throw new Error('x'); }, message: 'half readable' }));
    expect(finished()[0]!.events[0]!.attributes).toMatchObject({ 'exception.type': '_OTHER', 'exception.message': 'half readable' });
  });

  it('never throws for attributes that are not attributes', ({ tracing }) => {
    expect(() => recordError(new Error('e'), hostile as never)).not.toThrow();
    expect(() => recordError(new Error('e'), { nested: { a: 1 } } as never)).not.toThrow();
  });
});

describe('recordEvent', () => {
  it('adds a named event with its JSON payload to the active span', ({ finished }) => {
    withToolCall('route', {}, () => recordEvent('handoff', { to: 'billing', reason: 'refund' }));
    const event = finished()[0]!.events[0]!;
    expect(event.name).toBe('handoff');
    expect(event.attributes).toEqual({ 'audit.event.payload': '{"to":"billing","reason":"refund"}', 'audit.recorded': true });
  });

  it('makes a carrier span outside any span, whose event still becomes a custom audit event', ({ finished }) => {
    recordEvent('policy.checked', { allowed: true });
    const spans = finished();
    expect(spans.map((s) => s.name)).toEqual(['audit.event policy.checked']);
    const events = toAuditEvents(spans);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'custom', payload: { name: 'policy.checked', data: { allowed: true } } });
    expect(events[0]!.id).toBe(`${spans[0]!.spanContext().traceId}-${spans[0]!.spanContext().spanId}-custom.0`);
  });

  it('records an empty object when no payload is given', ({ finished }) => {
    recordEvent('ping');
    expect(toAuditEvents(finished())[0]!.payload).toEqual({ name: 'ping', data: {} });
  });

  it('never throws for payloads that cannot be serialised or names that are not strings', ({ finished }) => {
    const circular: Record<string, unknown> = {};
    circular.me = circular;
    expect(() => recordEvent('a', hostile)).not.toThrow();
    expect(() => recordEvent('b', circular)).not.toThrow();
    expect(() => recordEvent('c', 10n)).not.toThrow();
    expect(() => recordEvent(undefined as unknown as string, {})).not.toThrow();
    expect(() => recordEvent(hostile as unknown as string)).not.toThrow();
    expect(() => toAuditEvents(finished())).not.toThrow();
  });
});
