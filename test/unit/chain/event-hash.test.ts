import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chainViewOfEvent } from '../../../src/chain/chain-view.js';
import { createHash } from 'node:crypto';
import { canonicalJson, chainHash, eventHash, referenceCanonicalJson } from '../../../src/chain/event-hash.js';
import { sampleEvent } from './trail-fixtures.js';

describe('canonicalJson', () => {
  it('sorts keys by UTF-16 code units at every depth and writes no white space (RFC 8785)', () => {
    const value = { b: [3, { z: 1, a: 2 }], a: 'x', '€': 1, '\u{1F600}': 2, '\uFB33': 3 };
    expect(canonicalJson(value)).toBe('{"a":"x","b":[3,{"a":2,"z":1}],"€":1,"\u{1F600}":2,"\uFB33":3}');
  });

  it('writes numbers in their shortest ECMAScript form (RFC 8785 §3.2.2.3)', () => {
    expect(canonicalJson([1.0, 1e21, 1e-7, -0, 0.1 + 0.2, 333333333.3333333])).toBe('[1,1e+21,1e-7,0,0.30000000000000004,333333333.3333333]');
  });

  it('gives what the canonicalize package gives for any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => canonicalJson(value) === referenceCanonicalJson(value)), { numRuns: 2000 });
  });

  it('gives the canonical form of the JSON round trip for values beyond plain data', () => {
    const anything = fc.anything({ withDate: true, withMap: true, withSet: true, withBoxedValues: true, withNullPrototype: true, withSparseArray: true, withObjectString: true });
    fc.assert(
      fc.property(anything, (value) => {
        const expected = attempt(() => referenceCanonicalJson(value));
        return attempt(() => canonicalJson(value)) === expected;
      }),
      { numRuns: 2000 },
    );
  });

  it('handles integer-like, __proto__ and toJSON keys through the reference', () => {
    const value = JSON.parse('{"10":1,"9":2,"__proto__":{"x":1},"toJSON":"kept","a":[{"2":0,"1":0}]}');
    expect(canonicalJson(value)).toBe('{"10":1,"9":2,"__proto__":{"x":1},"a":[{"1":0,"2":0}],"toJSON":"kept"}');
  });

  it('writes NaN and ±Infinity as null, and leaves undefined members out, as JSON does', () => {
    expect(canonicalJson({ a: NaN, b: [Infinity, undefined], c: undefined, d: -Infinity })).toBe('{"a":null,"b":[null,null],"d":null}');
    expect(canonicalJson({ when: new Date('2026-05-04T10:30:00Z') })).toBe('{"when":"2026-05-04T10:30:00.000Z"}');
  });

  it('throws a TypeError for values with no JSON form', () => {
    const loop: Record<string, unknown> = {};
    loop['self'] = loop;
    expect(() => canonicalJson(loop)).toThrow(TypeError);
    expect(() => canonicalJson({ n: 1n })).toThrow(TypeError);
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });
});

describe('chainHash', () => {
  it('is the lowercase hex SHA-256 of the canonical view', async () => {
    const { createHash } = await import('node:crypto');
    const view = chainViewOfEvent(sampleEvent(1));
    expect(chainHash(view)).toBe(createHash('sha256').update(canonicalJson(view)).digest('hex'));
    expect(chainHash(view)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hashes NaN the same as the null a trail holds for it', () => {
    const event = { ...sampleEvent(2), payload: { score: NaN } };
    const readBack = { ...event, payload: JSON.parse(JSON.stringify(event.payload)) as Record<string, unknown> };
    expect(readBack.payload['score']).toBeNull();
    expect(chainHash(chainViewOfEvent(event))).toBe(chainHash(chainViewOfEvent(readBack)));
  });
});

function attempt(run: () => string): string {
  try {
    return run();
  } catch (error) {
    return `threw ${(error as Error).name}`;
  }
}

describe('the hash of a view, written member by member', () => {
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  const payloads = fc.dictionary(fc.string(), fc.oneof(fc.jsonValue(), fc.constant(undefined), fc.constant(Number.NaN)), { maxKeys: 12 });
  const identity = fc.record(
    { id: fc.string(), spanId: fc.string(), parentSpanId: fc.option(fc.string(), { nil: undefined }), sessionId: fc.option(fc.string(), { nil: undefined }), agentName: fc.option(fc.string(), { nil: undefined }), agentId: fc.option(fc.string(), { nil: undefined }) },
    { requiredKeys: ['id', 'spanId'] },
  );

  it('is the SHA-256 of the reference canonical JSON of the view, identity merged under the payload', () => {
    fc.assert(
      fc.property(payloads, identity, fc.string(), fc.string(), (payload, who, timestamp, traceId) => {
        const event = { ...who, type: 'custom' as const, traceId, timestamp, payload };
        const view = chainViewOfEvent(event);
        expect(eventHash(event)).toBe(sha(referenceCanonicalJson(view)));
        expect(chainHash(view)).toBe(sha(referenceCanonicalJson(view)));
      }),
      { numRuns: 2000 },
    );
  });
});
