import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { describe, expect } from 'vitest';
import { toAuditEvents, withToolCall } from '../../../src/index.js';
import { it } from '../../support/audit-test.js';

const LIMIT = 16_384; // DEFAULTS.maxContentLength

describe('withToolCall', () => {
  it('records name, arguments and result as JSON on an execute_tool span', async ({ tracing }) => {
    const rows = await withToolCall('search_orders', { customer: 42, open: true }, async () => [{ id: 1 }], {
      callId: 'call_1',
      type: 'function',
      description: 'Finds orders',
    });
    expect(rows).toEqual([{ id: 1 }]);
    const span = tracing.memory.getFinishedSpans()[0]!;
    expect(span.name).toBe('execute_tool search_orders');
    expect(span.kind).toBe(SpanKind.INTERNAL);
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'search_orders',
      'gen_ai.tool.call.arguments': '{"customer":42,"open":true}',
      'gen_ai.tool.call.result': '[{"id":1}]',
      'gen_ai.tool.call.id': 'call_1',
      'gen_ai.tool.type': 'function',
      'gen_ai.tool.description': 'Finds orders',
    });
  });

  it('keeps string arguments and results as they are, not JSON-quoted', ({ spanAttributes: attributes }) => {
    withToolCall('echo', 'hello', () => 'world');
    expect(attributes()).toMatchObject({ 'gen_ai.tool.call.arguments': 'hello', 'gen_ai.tool.call.result': 'world' });
  });

  // Read back by the GenAI converter, which parses the attributes as JSON (GenAI defines them so).
  it.for([
    ['a number', 1], ['a boolean', true], ['null', null], ['a string that reads as a number', '1'],
    ['a string that reads as JSON', '{"id":1}'], ['plain text', 'light rain'], ['an object', { id: 1 }],
  ] as const)('keeps the JSON type of %s as the result', ([, value], { tracing }) => {
    withToolCall('lookup', value, () => value);
    const [event] = toAuditEvents(tracing.memory.getFinishedSpans());
    expect(event?.payload).toMatchObject({ arguments: value, result: value });
  });

  it('records no arguments or result attribute when they are undefined', ({ spanAttributes: attributes }) => {
    withToolCall('noop', undefined, () => undefined);
    expect(Object.keys(attributes())).toEqual(['gen_ai.operation.name', 'gen_ai.tool.name']);
  });

  it('records no result when the tool failed', ({ spanAttributes: attributes, tracing }) => {
    expect(() =>
      withToolCall('t', { a: 1 }, () => {
        throw new Error('down');
      }),
    ).toThrow('down');
    expect(attributes()['gen_ai.tool.call.result']).toBeUndefined();
    expect(tracing.memory.getFinishedSpans()[0]!.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('does not throw on circular or BigInt arguments and results', ({ spanAttributes: attributes }) => {
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    const value = withToolCall('weird', { circular, big: 2n ** 64n }, () => ({ total: 10n }));
    expect(value).toEqual({ total: 10n });
    expect(JSON.parse(attributes()['gen_ai.tool.call.arguments'] as string)).toEqual({
      circular: { name: 'loop', self: '[Circular]' },
      big: '18446744073709551616',
    });
    expect(attributes()['gen_ai.tool.call.result']).toBe('{"total":"10"}');
  });

  it('does not throw on arguments whose getters or toJSON throw', ({ spanAttributes: attributes }) => {
    const hostile = {
      get secret(): string {
        throw new Error('no access');
      },
    };
    const value = withToolCall('hostile', hostile, () => ({ toJSON: () => { throw new Error('bad toJSON'); } }));
    expect(value).toBeDefined();
    // Only the property that throws is replaced (it once replaced the whole value).
    expect(JSON.parse(attributes()['gen_ai.tool.call.arguments'] as string)).toEqual({ secret: "[unreadable property 'secret': no access]" });
    expect(attributes()['gen_ai.tool.call.result']).toMatch(/^\[unserializable: bad toJSON\]$/);
  });

  it('truncates arguments and results longer than the content limit with a marker', ({ spanAttributes: attributes }) => {
    const big = 'y'.repeat(LIMIT + 500);
    withToolCall('bulk', big, () => ({ data: big }));
    expect(attributes()['gen_ai.tool.call.arguments']).toBe(`${'y'.repeat(LIMIT)}…[truncated 500 chars]`);
    // A cut object stays an object (it was once cut as text, no longer JSON).
    const result = attributes()['gen_ai.tool.call.result'] as string;
    expect(result.length).toBeLessThanOrEqual(LIMIT);
    const { data } = JSON.parse(result) as { data: string };
    const kept = data.indexOf('…');
    expect(data).toBe(`${'y'.repeat(kept)}…[truncated ${big.length - kept} chars]`);
  });

  it('keeps text exactly at the content limit whole', ({ spanAttributes: attributes }) => {
    const exact = 'z'.repeat(LIMIT);
    withToolCall('edge', exact, () => undefined);
    expect(attributes()['gen_ai.tool.call.arguments']).toBe(exact);
  });
});
