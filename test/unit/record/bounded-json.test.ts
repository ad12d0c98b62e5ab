import { afterEach, describe, expect, it } from 'vitest';
import { boundedJson, exceedsJsonLength } from '../../../src/record/bounded-json.js';
import { toSafeJson } from '../../../src/record/safe-json.js';
import { withToolCall } from '../../../src/record/tool-call.js';
import { installTracing, onlySpanAttributes, type TestTracing } from '../../support/tracing.js';

const LIMIT = 16_384; // DEFAULTS.maxContentLength
const MARKER = `…[truncated, over ${LIMIT * 4} chars]`;

/** `rows` rows of a query result, with a count of the rows read. */
function rowsCounted(rows: number): { value: unknown[]; read: () => number } {
  const data = Array.from({ length: rows }, (_, i) => ({ id: i, name: `customer ${i}`, email_verified: i % 2 === 0 }));
  const touched = new Set<number>();
  const value = new Proxy(data, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) touched.add(Number(key));
      return Reflect.get(target, key, receiver);
    },
  });
  return { value, read: () => touched.size };
}

describe('a tool result far past the content limit', () => {
  let tracing: TestTracing | undefined;
  afterEach(async () => {
    await tracing?.close();
    tracing = undefined;
  });

  it('is written only up to the limit: a million rows are not all read, let alone serialised', () => {
    tracing = installTracing();
    const rows = rowsCounted(1_000_000);
    withToolCall('query_customers', { where: 'all' }, () => rows.value);
    const result = onlySpanAttributes(tracing)['gen_ai.tool.call.result'] as string;
    expect(result).toBe(JSON.stringify(rows.value.slice(0, 1000)).slice(0, LIMIT) + MARKER);
    expect(rows.read()).toBeLessThan(5_000);
  });

  it('cuts one huge string without copying it whole', () => {
    const page = 'lorem ipsum '.repeat(200_000);
    expect(toSafeJson({ url: '/docs', page })).toBe(`{"url":"/docs","page":"${page}`.slice(0, LIMIT) + MARKER);
  });
});

describe('toSafeJson keeps the exact path below the bound', () => {
  it('gives JSON.stringify text, cut with the exact count, for values up to a few times the limit', () => {
    const value = { data: 'y'.repeat(LIMIT * 2) };
    const json = JSON.stringify(value);
    expect(toSafeJson(value)).toBe(`${json.slice(0, LIMIT)}…[truncated ${json.length - LIMIT} chars]`);
  });

  it('serialises exactly a small value the estimate takes for large (shared references)', () => {
    const shared = { text: 'z'.repeat(1000) };
    const value = Array.from({ length: 20 }, () => shared); // 20 kB of JSON, one object
    expect(toSafeJson(value, 100_000)).toBe(JSON.stringify(value));
  });
});

describe('exceedsJsonLength', () => {
  it('answers for small and huge values without walking past the bound, and stops on a cycle', () => {
    expect(exceedsJsonLength({ orderId: 42, status: 'shipped' }, 100)).toBe(false);
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;
    expect(exceedsJsonLength(cyclic, 100)).toBe(true); // counted again on each lap: high, never endless
    expect(toSafeJson(cyclic, 100)).toBe('{"name":"loop","self":"[Circular]"}');
    expect(exceedsJsonLength(new Array(10_000_000).fill(0), 1000)).toBe(true);
    expect(exceedsJsonLength(Buffer.alloc(1_000_000), 1000)).toBe(true);
    expect(exceedsJsonLength({ nested: [[['x'.repeat(2000)]]] }, 1000)).toBe(true);
  });
});

describe('boundedJson', () => {
  it('writes what JSON.stringify writes, up to the limit, for odd values too', () => {
    const cyclic: Record<string, unknown> = { id: 1 };
    cyclic['self'] = cyclic;
    const value = {
      when: new Date(0),
      big: 2n ** 70n,
      skipped: undefined,
      fn: () => 1,
      items: [undefined, NaN, -0, 'a"b', { toJSON: () => 'custom' }],
      error: new Error('boom'),
      cyclic,
      filler: 'x'.repeat(100),
    };
    const text = boundedJson(value, 150, 600);
    expect(text).toBe(
      `${'{"when":"1970-01-01T00:00:00.000Z","big":"1180591620717411303424","items":[null,null,0,"a\\"b","custom"],"error":{"name":"Error","message":"boom"},"cyclic":{"id":1,"self":"[Circular]"},"filler":"' + 'x'.repeat(100)}`.slice(0, 150) +
        '…[truncated, over 600 chars]',
    );
  });

  it('answers undefined when the whole value fits, for the caller to serialise exactly', () => {
    expect(boundedJson({ a: 1 }, 100, 400)).toBeUndefined();
  });
});
