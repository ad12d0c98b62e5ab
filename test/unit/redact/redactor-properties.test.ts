import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUILTIN_RULES } from '../../../src/redact/builtin-rules.js';
import { Redactor, type RedactionCounts } from '../../../src/redact/redactor.js';
import { SECRET_CORPUS } from '../../support/secret-corpus.js';

// REDACT_PROPERTY_RUNS=20000 for a long hunt; the defaults keep the suite fast.
const RUNS = (n: number): number => Number(process.env.REDACT_PROPERTY_RUNS ?? n);
const redactor = new Redactor({ rules: BUILTIN_RULES });
const small = new Redactor({ rules: BUILTIN_RULES, maxLength: 64 });
const tiny = new Redactor({ rules: BUILTIN_RULES, maxLength: 8 });
const hashing = new Redactor({ rules: BUILTIN_RULES, mode: 'hash', hashKey: 'property-key', maxLength: 100 });

// Pieces that make matches likely and let them touch, overlap and nest.
const PIECES = [
  ...SECRET_CORPUS.map((s) => s.context ?? s.secret),
  ...SECRET_CORPUS.map((s) => s.secret.slice(0, Math.ceil(s.secret.length / 2))),
  'password=', 'api_key: ', 'Authorization: Bearer ', 'Bearer ', 'token=', '"secret": "', '://', 'u:p@', '@', '.', ':', '::',
  '-----BEGIN PRIVATE KEY-----', '-----END PRIVATE KEY-----', '[REDACTED:email]', '[REDACTED:', ']', ' ', '\n', '"', "'", '=',
  '4111 1111 1111 1111', '192.168.0.1', '+1 415 555 2671', 'DE89 3704 0044 0532 0130 00', '123-45-6789', 'a@b.co',
];
const secretish = fc
  .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 })), { maxLength: 24 })
  .map((parts) => parts.join(''));
const anyText = fc.oneof(secretish, fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 200 }));
const json = fc.oneof(fc.jsonValue({ maxDepth: 6 }), fc.anything({ maxDepth: 6, withNullPrototype: true, withObjectString: true }));
const seeded = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, secretish, fc.integer(), fc.constant(4111111111111111), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(fc.oneof(fc.constantFrom('password', 'api_key', 'token', 'max_tokens', 'a@b.co', 'prompt'), secretish), tie('value'), { maxKeys: 4 }),
})).value;
const values = fc.oneof(json, seeded);

function deepNest(depth: number): unknown {
  let v: unknown = 'leaf sk-ant-api03-' + 'x'.repeat(30);
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? { v } : [v];
  return v;
}

describe('Redactor properties', () => {
  it('never throws on arbitrary strings and values, deep ones included', () => {
    fc.assert(
      fc.property(anyText, values, (text, value) => {
        for (const r of [redactor, small, tiny, hashing]) {
          expect(typeof r.text(text, {})).toBe('string');
          r.value(value, {});
        }
      }),
      { numRuns: RUNS(400) },
    );
    for (const depth of [63, 64, 65, 500]) expect(() => redactor.value(deepNest(depth), {})).not.toThrow();
  });

  it('is idempotent on text: the second pass changes nothing and counts nothing', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        for (const r of [redactor, small, tiny, hashing]) {
          const once = r.text(text, {});
          const counts: RedactionCounts = {};
          expect(r.text(once, counts)).toBe(once);
          expect(counts).toEqual({});
        }
      }),
      { numRuns: RUNS(600) },
    );
  });

  it('is idempotent on values: the second pass returns the same reference and counts nothing', () => {
    fc.assert(
      fc.property(values, (value) => {
        const once = redactor.value(value, {});
        const counts: RedactionCounts = {};
        expect(redactor.value(once, counts)).toBe(once);
        expect(counts).toEqual({});
      }),
      { numRuns: RUNS(400) },
    );
  });

  it('never grows a string beyond max(its length, maxLength)', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(small.text(text, {}).length).toBeLessThanOrEqual(Math.max(text.length, 64));
        expect(tiny.text(text, {}).length).toBeLessThanOrEqual(Math.max(text.length, 8));
        expect(hashing.text(text, {}).length).toBeLessThanOrEqual(Math.max(text.length, 100));
      }),
      { numRuns: RUNS(600) },
    );
  });

  it('returns the same reference exactly when it counted nothing', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, values), (value) => {
        const counts: RedactionCounts = {};
        const out = redactor.value(value, counts);
        expect(Object.keys(counts).length === 0).toBe(Object.is(out, value));
      }),
      { numRuns: RUNS(600) },
    );
  });
});
