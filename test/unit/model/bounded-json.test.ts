import { describe, expect, it } from 'vitest';
import { boundJson, jsonLength } from '../../../src/model/bounded-json.js';
import type { JsonValue } from '../../../src/model/json-value.js';
import { int, mulberry32, pick, type Random } from '../../support/seeded-random.js';

const ALPHABET = ['a', 'b', ' ', '"', '\\', '\n', '\u0001', 'é', '😀', '…'];

function text(r: Random, max: number): string {
  let out = '';
  const length = int(r, max);
  for (let i = 0; i < length; i++) out += pick(r, ALPHABET);
  return out;
}

/** Random JSON data, at most `depth` levels of lists and objects deep. */
function jsonData(r: Random, depth: number): JsonValue {
  const kind = depth === 0 ? int(r, 4) : int(r, 6);
  switch (kind) {
    case 0:
      return text(r, r() < 0.2 ? 2_000 : 40);
    case 1:
      return pick(r, [0, -1.5, 1e21, 42]);
    case 2:
      return pick(r, [true, false, null]);
    case 3:
      return text(r, 10);
    case 4:
      return Array.from({ length: int(r, r() < 0.1 ? 120 : 6) }, () => jsonData(r, depth - 1));
    default:
      return Object.fromEntries(Array.from({ length: int(r, r() < 0.1 ? 80 : 6) }, (_, i) => [`${text(r, 6)}${i}`, jsonData(r, depth - 1)]));
  }
}

const kindOf = (value: JsonValue): string => (Array.isArray(value) ? 'list' : value === null ? 'null' : typeof value);

describe('boundJson', () => {
  it('returns a value that fits as it is', () => {
    const value = { a: [1, 'two'] };
    expect(boundJson(value, 100)).toBe(value);
  });

  it('always yields JSON data of the same type within the budget (seeded random values)', () => {
    let cut = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const r = mulberry32(seed);
      const value = jsonData(r, 3);
      const max = 64 + int(r, 4_000); // 64: the least budget the bound is kept exactly for
      const bounded = boundJson(value, max);
      const json = JSON.stringify(bounded);
      if (bounded !== value) cut++;
      expect(jsonLength(bounded), `seed ${seed}`).toBe(json.length);
      expect(JSON.parse(json), `seed ${seed}`).toEqual(bounded);
      expect(json.length, `seed ${seed}`).toBeLessThanOrEqual(max);
      expect(kindOf(bounded), `seed ${seed}`).toBe(kindOf(value));
    }
    expect(cut).toBeGreaterThan(20); // the generator does make values past the budget
  });

  it('says how many items and keys it left out', () => {
    const items = Array.from({ length: 1_000 }, (_, i) => i);
    const list = boundJson(items, 200) as JsonValue[];
    const marker = list[list.length - 1] as string;
    expect(Number(/^\[truncated (\d+) more items\]$/.exec(marker)![1]) + list.length - 1).toBe(1_000);

    const members = Object.fromEntries(items.map((i) => [`k${i}`, i]));
    const object = boundJson(members, 200) as Record<string, JsonValue>;
    const left = Number(/^\[truncated (\d+) more keys\]$/.exec(object['…'] as string)![1]);
    expect(left + Object.keys(object).length - 1).toBe(1_000);
  });

  it('gives the members of an object equal shares of what the small ones leave', () => {
    const bounded = boundJson({ a: 'x'.repeat(2_000), b: 'y'.repeat(2_000), n: 1, s: 'short' }, 1_000) as Record<string, string>;
    expect(bounded).toMatchObject({ n: 1, s: 'short' });
    expect(Math.abs(bounded.a!.length - bounded.b!.length)).toBeLessThanOrEqual(1);
    expect(JSON.stringify(bounded).length).toBeLessThanOrEqual(1_000);
  });

  it('keeps a marker key distinct from a key the object already has', () => {
    const members = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [i === 0 ? '…' : `k${i}`, i]));
    const bounded = boundJson(members, 200) as Record<string, JsonValue>;
    expect(bounded['…']).toBe(0);
    expect(bounded['……']).toMatch(/more keys/);
  });

  it('never splits a surrogate pair when it cuts', () => {
    const bounded = boundJson(['😀'.repeat(500)], 200) as string[];
    const kept = bounded[0]!.slice(0, bounded[0]!.indexOf('…'));
    expect(kept.length % 2).toBe(0);
    expect(JSON.stringify(bounded)).not.toMatch(/\\ud[89ab]/);
  });
});
