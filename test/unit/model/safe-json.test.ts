import { describe, expect, it, vi } from 'vitest';
import { toSafeJson } from '../../../src/model/safe-json.js';

function revoked(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy; // every read of it throws
}

const LIMIT = 1_000;

describe('toSafeJson with values JSON.stringify cannot serialise', () => {
  it('replaces only a property whose getter throws, with a marker naming it', () => {
    const args = {
      city: 'Paris',
      get secret(): string {
        throw new Error('no access');
      },
      days: 3,
    };
    expect(toSafeJson(args, LIMIT)).toBe(`{"city":"Paris","secret":"[unreadable property 'secret': no access]","days":3}`);
  });

  it('replaces cycles, BigInt, revoked proxies and throwing toJSON each where they are', () => {
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    const value = { loop, big: 2n ** 64n, proxy: revoked(), when: { toJSON: () => { throw new Error('bad toJSON'); } }, ok: true };
    const parsed = JSON.parse(toSafeJson(value, LIMIT)) as Record<string, unknown>;
    expect(parsed).toEqual({
      loop: { name: 'loop', self: '[Circular]' },
      big: '18446744073709551616',
      proxy: expect.stringMatching(/^\[unreadable value: .*revoked.*\]$/),
      when: '[unserializable: bad toJSON]',
      ok: true,
    });
  });

  it('replaces only an array item whose read throws, naming its index', () => {
    const items = ['a', 'b', 'c'];
    Object.defineProperty(items, 1, { get: () => { throw new Error('gone'); } });
    expect(toSafeJson({ items, n: 1n }, LIMIT)).toBe('{"items":["a","[unreadable item 1: gone]","c"],"n":"1"}');
  });

  it('keeps JSON.stringify semantics elsewhere on the slow path (toJSON, dropped members, null items, errors)', () => {
    const value = { at: new Date(0), skip: undefined, fn: () => 1, list: [undefined, () => 1, NaN], error: new TypeError('bad'), big: 1n };
    expect(JSON.parse(toSafeJson(value, LIMIT))).toEqual({
      at: '1970-01-01T00:00:00.000Z',
      list: [null, null, null],
      error: { name: 'TypeError', message: 'bad' },
      big: '1',
    });
  });

  it('writes a value that cannot be read at all as one marker text', () => {
    expect(toSafeJson(revoked(), LIMIT)).toMatch(/^\[unreadable value: .*revoked.*\]$/);
    expect(toSafeJson({ toJSON: () => { throw new Error('bad toJSON'); } }, LIMIT)).toBe('[unserializable: bad toJSON]');
  });
});

describe('toSafeJson past the content limit', () => {
  it('keeps a long object an object: long strings cut with the marker, short members whole', () => {
    const value = { status: 200, url: 'http://127.0.0.1:9/a', body: 'y'.repeat(5_000), tail: 'end' };
    const json = toSafeJson(value, LIMIT);
    expect(json.length).toBeLessThanOrEqual(LIMIT);
    const parsed = JSON.parse(json) as Record<string, string>;
    expect(parsed).toMatchObject({ status: 200, url: 'http://127.0.0.1:9/a', tail: 'end' });
    expect(parsed.body).toMatch(/^y+…\[truncated \d+ chars\]$/);
    const kept = parsed.body!.indexOf('…');
    expect(parsed.body).toBe(`${'y'.repeat(kept)}…[truncated ${5_000 - kept} chars]`);
  });

  it('keeps a long array an array, with a last item saying how many items were cut', () => {
    const rows = Array.from({ length: 500 }, (_, id) => ({ id, name: `row ${id}` }));
    const json = toSafeJson(rows, LIMIT);
    expect(json.length).toBeLessThanOrEqual(LIMIT);
    const parsed = JSON.parse(json) as unknown[];
    expect(Array.isArray(parsed)).toBe(true);
    const marker = parsed[parsed.length - 1] as string;
    const kept = parsed.length - 1;
    expect(parsed.slice(0, kept)).toEqual(rows.slice(0, kept));
    expect(marker).toBe(`[truncated ${500 - kept} more items]`);
  });

  it('replaces the members past the budget with one marker key when there are too many to share it', () => {
    const wide = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`key${i}`, `value number ${i}`]));
    const parsed = JSON.parse(toSafeJson(wide, LIMIT)) as Record<string, string>;
    const keys = Object.keys(parsed);
    expect(keys[keys.length - 1]).toBe('…');
    const kept = keys.length - 1;
    expect(keys.slice(0, kept)).toEqual(Object.keys(wide).slice(0, kept));
    expect(parsed['…']).toBe(`[truncated ${400 - kept} more keys]`);
  });

  it('bounds nested values and text with escapes, staying valid JSON within the limit', () => {
    const value = { outer: { inner: ['"quoted"\n'.repeat(400), { deep: '\u0001'.repeat(900) }] }, n: 1 };
    const json = toSafeJson(value, LIMIT);
    expect(json.length).toBeLessThanOrEqual(LIMIT);
    const parsed = JSON.parse(json) as { outer: { inner: unknown[] }; n: number };
    expect(parsed.n).toBe(1);
    expect(Array.isArray(parsed.outer.inner)).toBe(true);
  });

  it('bounds a value that is both too long and unserialisable', () => {
    const value = { big: 1n, text: 'z'.repeat(5_000) };
    const json = toSafeJson(value, LIMIT);
    expect(json.length).toBeLessThanOrEqual(LIMIT);
    expect(JSON.parse(json)).toMatchObject({ big: '1', text: expect.stringMatching(/^z+…\[truncated \d+ chars\]$/) });
  });

  it('reads a long value once: its getters run once', () => {
    const read = vi.fn(() => 'x'.repeat(5_000));
    const value = Object.defineProperty({}, 'text', { get: read, enumerable: true });
    toSafeJson(value, LIMIT);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('serialises a value within the limit with exactly one JSON.stringify', () => {
    const stringify = vi.spyOn(JSON, 'stringify');
    try {
      expect(toSafeJson({ orderId: 42 }, LIMIT)).toBe('{"orderId":42}');
      expect(stringify).toHaveBeenCalledTimes(1);
    } finally {
      stringify.mockRestore();
    }
  });

  it('keeps a string the string itself, cut with the marker', () => {
    expect(toSafeJson('abcdef', 3)).toBe('abc…[truncated 3 chars]');
  });
});

describe('toSafeJson at the root', () => {
  it('writes what JSON.stringify writes for values it can serialise, and BigInt as a JSON string', () => {
    expect(toSafeJson(new Date(0), LIMIT)).toBe('"1970-01-01T00:00:00.000Z"');
    expect(toSafeJson(new RangeError('x'), LIMIT)).toBe('{"name":"RangeError","message":"x"}');
    expect(toSafeJson(10n, LIMIT)).toBe('"10"');
    expect(toSafeJson(undefined, LIMIT)).toBe('undefined');
    expect(toSafeJson([1, 'a', null], LIMIT)).toBe('[1,"a",null]');
  });
});
