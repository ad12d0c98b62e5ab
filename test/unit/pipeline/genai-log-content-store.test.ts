import { SpanKind, trace } from '@opentelemetry/api';
import { describe, expect } from 'vitest';
import { DEFAULTS } from '../../../src/config/defaults.js';
import { contentChars } from '../../../src/model/bounded-content.js';
import { GenAiLogContentStore } from '../../../src/pipeline/genai-log-content-store.js';
import { loggedContentOf } from '../../../src/convert/genai-log-messages.js';
import { toAuditEvents } from '../../../src/convert/to-audit-events.js';
import { it } from '../../support/audit-test.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const user = (text: string) => ({ role: 'user', parts: [{ type: 'text', content: text }] });

function storeWith(limits: Partial<{ maxSpans: number; maxAgeMillis: number; maxMessagesPerSpan: number; maxChars: number }>, clock = { now: 0 }) {
  const store = new GenAiLogContentStore(
    { maxSpans: 10, maxAgeMillis: 1000, maxMessagesPerSpan: 100, maxChars: 1_000_000, ...limits },
    () => clock.now,
  );
  return { store, clock };
}

describe('GenAiLogContentStore', () => {
  it('joins the records of one span and hands them out once', () => {
    const { store } = storeWith({});
    store.add(TRACE, 'a1', { input: [user('hi')] });
    store.add(TRACE, 'a1', { output: [{ index: 0, message: { role: 'assistant', parts: [] } }] });
    expect(store.take(TRACE, 'a1')).toEqual({ input: [user('hi')], output: [{ role: 'assistant', parts: [] }] });
    expect(store.take(TRACE, 'a1')).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('orders choices by their index, not by arrival', () => {
    const { store } = storeWith({});
    store.add(TRACE, 'b1', { output: [{ index: 1, message: 'second' }] });
    store.add(TRACE, 'b1', { output: [{ index: 0, message: 'first' }] });
    expect(store.take(TRACE, 'b1')?.output).toEqual(['first', 'second']);
  });

  it('never holds more than maxSpans spans: the oldest is discarded and counted', () => {
    const { store } = storeWith({ maxSpans: 3 });
    const discarded = ['s1', 's2', 's3', 's4', 's5'].map((span) => store.add(TRACE, span, { input: [user(span)] }));
    expect(store.size).toBe(3);
    expect(discarded.map((d) => d.get('store full') ?? 0)).toEqual([0, 0, 0, 1, 1]);
    expect(store.take(TRACE, 's1')).toBeUndefined();
    expect(store.take(TRACE, 's5')?.input).toEqual([user('s5')]);
  });

  it('discards content whose span did not come within maxAgeMillis', () => {
    const { store, clock } = storeWith({ maxAgeMillis: 1000 });
    store.add(TRACE, 'old', { input: [user('old')] });
    clock.now = 1500;
    expect(store.add(TRACE, 'new', { input: [user('new')] }).get('expired')).toBe(1);
    expect(store.size).toBe(1);
    clock.now = 2600;
    expect(store.take(TRACE, 'new')).toBeUndefined(); // too old to trust, and freed
    expect(store.size).toBe(0);
  });

  it('refuses content older than maxAgeMillis when it is read, frees it, and says so through diag', ({ diagnostics }) => {
    const { store, clock } = storeWith({ maxAgeMillis: 1000 });
    store.add(TRACE, 'late', { input: [user('stale')] });
    store.add(TRACE, 'kept', { input: [user('fresh')] });
    clock.now = 1000; // exactly the limit: still good
    expect(store.peek(TRACE, 'late')).toEqual({ input: [user('stale')] });
    clock.now = 1001;
    expect(store.peek(TRACE, 'late')).toBeUndefined();
    expect(store.peek(TRACE, 'late')).toBeUndefined(); // every later read agrees
    expect(store.take(TRACE, 'kept')).toBeUndefined(); // take applies the same rule
    expect(store.size).toBe(0);
    expect(diagnostics.warnings).toEqual([expect.stringMatching(/log records was discarded unused \(1 expired: .*more than 1000 ms/)]);
  });

  it('reports later expiries as totals at most once per interval, and what is left when it closes', ({ diagnostics }) => {
    const { store, clock } = storeWith({ maxAgeMillis: 1000 });
    for (const span of ['e1', 'e2', 'e3']) store.add(TRACE, span, { input: [user(span)] });
    clock.now = 5000;
    for (const span of ['e1', 'e2']) store.peek(TRACE, span);
    clock.now = 5000 + DEFAULTS.lossReportIntervalMillis - 1;
    store.peek(TRACE, 'e3');
    expect(diagnostics.warnings.map((w) => w.match(/\((\d+) expired/)?.[1])).toEqual(['1']);
    store.close();
    expect(diagnostics.warnings.map((w) => w.match(/\((\d+) expired/)?.[1])).toEqual(['1', '2']);
  });

  it('keeps at most maxMessagesPerSpan messages per span and counts the rest', () => {
    const { store } = storeWith({ maxMessagesPerSpan: 3 });
    expect(store.add(TRACE, 'c1', { input: [user('1'), user('2')] }).size).toBe(0);
    const discarded = store.add(TRACE, 'c1', { input: [user('3'), user('4')], output: [{ index: 0, message: 'x' }] });
    expect(discarded.get('too many messages')).toBe(2);
    expect(store.take(TRACE, 'c1')).toEqual({ input: [user('1'), user('2'), user('3')] });
  });

  it('never holds more than maxChars characters: the oldest spans are discarded first and counted', () => {
    const message = (span: string) => user(`${span}:${'x'.repeat(200)}`);
    const size = contentChars(message('s1'));
    const { store } = storeWith({ maxChars: 2 * size + 10 });
    const discarded = ['s1', 's2', 's3'].map((span) => store.add(TRACE, span, { input: [message(span)] }));
    expect(discarded.map((d) => d.get('store full') ?? 0)).toEqual([0, 0, 1]);
    expect(store.chars).toBe(2 * size);
    expect(store.take(TRACE, 's1')).toBeUndefined();
    expect(store.take(TRACE, 's2')?.input).toEqual([message('s2')]);
    expect(store.chars).toBe(size);
  });

  it('keeps what fits of one span larger than the whole budget and counts the rest', () => {
    const message = (n: number) => user(`${n}:${'y'.repeat(200)}`);
    const { store } = storeWith({ maxChars: 2 * contentChars(message(1)) });
    const discarded = store.add(TRACE, 'big', { input: [message(1), message(2), message(3)] });
    expect(discarded.get('too much content')).toBe(1);
    expect(store.take(TRACE, 'big')?.input).toEqual([message(1), message(2)]);
  });

  it('frees a released span without counting it as discarded', () => {
    const { store } = storeWith({ maxSpans: 1 });
    store.add(TRACE, 'inner', { input: [user('recorded by the outer span')] });
    store.release(TRACE, 'inner');
    expect([store.size, store.chars]).toEqual([0, 0]);
    expect(store.add(TRACE, 'next', { input: [user('next')] }).size).toBe(0);
    expect(store.take(TRACE, 'inner')).toBeUndefined();
  });
});

describe('log-record content joined by a conversion', () => {
  it('is left out when the span is converted more than maxAgeMillis after its records', ({ tracing }) => {
    const clock = { now: 0 };
    const { store } = storeWith({ maxAgeMillis: 1000 }, clock);
    const span = trace.getTracer('@opentelemetry/instrumentation-openai').startSpan('chat m', {
      kind: SpanKind.CLIENT,
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm', 'gen_ai.system': 'openai' },
    });
    const { traceId, spanId } = span.spanContext();
    store.add(traceId, spanId, { input: [user('stale')] });
    span.end();
    const promptAt = (now: number) => {
      clock.now = now;
      return toAuditEvents(tracing.memory.getFinishedSpans(), { logContent: store }).find((e) => e.type === 'prompt')?.payload['prompt'];
    };
    expect(promptAt(1000)).toBe('user: stale');
    expect(promptAt(5000)).not.toBe('user: stale');
  });
});

describe('loggedContentOf', () => {
  it('reads semconv 1.28–1.36 message records by their event.name attribute', () => {
    expect(loggedContentOf({ attributes: { 'event.name': 'gen_ai.system.message' }, body: { content: 'Be brief.' } })).toEqual({
      input: [{ role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] }],
    });
    expect(loggedContentOf({
      attributes: { 'event.name': 'gen_ai.assistant.message' },
      body: { tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
    })).toEqual({
      input: [{ role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Oslo' } }] }],
    });
    expect(loggedContentOf({ attributes: { 'event.name': 'gen_ai.tool.message' }, body: { id: 'call_1', content: '{"t":12}' } })).toEqual({
      input: [{ role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: '{"t":12}' }] }],
    });
  });

  it('reads a choice, with its finish reason and index, from the record eventName too', () => {
    expect(loggedContentOf({ eventName: 'gen_ai.choice', body: { index: 1, finish_reason: 'stop', message: { content: 'Hi.' } } })).toEqual({
      output: [{ index: 1, message: { role: 'assistant', parts: [{ type: 'text', content: 'Hi.' }], finish_reason: 'stop' } }],
    });
  });

  it('reads semconv 1.37+ inference operation details (messages already in GenAI shape)', () => {
    const input = [user('hello')];
    const output = [{ role: 'assistant', parts: [{ type: 'text', content: 'Hi!' }], finish_reason: 'stop' }];
    expect(loggedContentOf({
      eventName: 'gen_ai.client.inference.operation.details',
      attributes: { 'gen_ai.input.messages': input, 'gen_ai.output.messages': JSON.stringify(output), 'gen_ai.system_instructions': 'Be kind.' },
    })).toEqual({ input, output: [{ index: 0, message: output[0] }], systemInstructions: 'Be kind.' });
  });

  it('yields nothing for bodies without content (capture off) and for other records', () => {
    expect(loggedContentOf({ attributes: { 'event.name': 'gen_ai.user.message' }, body: {} })).toBeUndefined();
    expect(loggedContentOf({ attributes: { 'event.name': 'gen_ai.tool.message' }, body: { id: 'call_1' } })).toBeUndefined();
    expect(loggedContentOf({ eventName: 'http.request', body: { content: 'x' } })).toBeUndefined();
    expect(loggedContentOf({ body: 'plain log line' })).toBeUndefined();
  });

  it('cuts every text to maxTextLength, as the recording helpers do', () => {
    const long = 'z'.repeat(50);
    const cut = `${'z'.repeat(10)}…[truncated 40 chars]`;
    expect(loggedContentOf({ attributes: { 'event.name': 'gen_ai.user.message' }, body: { content: long } }, 10)).toEqual({
      input: [{ role: 'user', parts: [{ type: 'text', content: cut }] }],
    });
    expect(loggedContentOf({
      eventName: 'gen_ai.client.inference.operation.details',
      attributes: { 'gen_ai.output.messages': [{ role: 'assistant', parts: [{ type: 'text', content: long }] }], 'gen_ai.system_instructions': long },
    }, 10)).toEqual({ output: [{ index: 0, message: { role: 'assistant', parts: [{ type: 'text', content: cut }] } }], systemInstructions: cut });
  });

  it('never throws on odd bodies and attributes', () => {
    const odd: unknown[] = [null, 42, 'text', [1, 2], { content: { nested: true } }, { tool_calls: 'no' }, { tool_calls: [null, { function: 3 }] }, { message: [] }];
    for (const body of odd) {
      for (const name of ['gen_ai.user.message', 'gen_ai.assistant.message', 'gen_ai.tool.message', 'gen_ai.choice']) {
        expect(() => loggedContentOf({ eventName: name, body })).not.toThrow();
      }
    }
    expect(() => loggedContentOf({
      eventName: 'gen_ai.client.inference.operation.details',
      attributes: { 'gen_ai.input.messages': '[{"truncated', 'gen_ai.output.messages': 7 },
    })).not.toThrow();
  });
});
