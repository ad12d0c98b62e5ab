import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from '../../../src/gateway/otlp-decode-error.js';
import { attributesOf, hrTimeOf } from '../../../src/gateway/otlp-values.js';

/** The reference: nanoseconds through BigInt, split into seconds and nanoseconds. */
function reference(nanos: bigint): [number, number] {
  return [Number(nanos / 1_000_000_000n), Number(nanos % 1_000_000_000n)];
}

describe('hrTimeOf', () => {
  it('splits every fixed64 decimal string exactly, as BigInt arithmetic would', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (nanos) => {
        expect(hrTimeOf({ t: nanos.toString() }, 't', 'span')).toEqual(reference(nanos));
      }),
    );
  });

  it('reads short strings, leading zeros and safe integers', () => {
    expect(hrTimeOf({ t: '0' }, 't', 'span')).toEqual([0, 0]);
    expect(hrTimeOf({ t: '999999999' }, 't', 'span')).toEqual([0, 999_999_999]);
    expect(hrTimeOf({ t: '0001000000001' }, 't', 'span')).toEqual([1, 1]);
    expect(hrTimeOf({ t: Number.MAX_SAFE_INTEGER }, 't', 'span')).toEqual(reference(BigInt(Number.MAX_SAFE_INTEGER)));
    expect(hrTimeOf({ t: 1_544_712_661_000_000 }, 't', 'span')).toEqual([1_544_712, 661_000_000]);
    expect(hrTimeOf({}, 't', 'span')).toEqual([0, 0]);
  });

  it('names the field for a value that is no count of nanoseconds', () => {
    for (const t of ['-1', '1.5', '', 1.5, -1]) {
      expect(() => hrTimeOf({ t }, 't', 'spans[2]')).toThrow(new OtlpDecodeError('spans[2].t must be nanoseconds as a decimal string or integer'));
    }
  });
});

describe('attributesOf', () => {
  it('names the attribute whose value has the wrong type, and one without a string key', () => {
    const wrongValue = { attributes: [{ key: 'a', value: { stringValue: 'x' } }, { key: 'b', value: { intValue: 'many' } }] };
    const wrongKey = { attributes: [{ key: 7, value: { stringValue: 'x' } }] };

    expect(() => attributesOf(wrongValue, 'spans[0]')).toThrow(new OtlpDecodeError('spans[0].attributes[1].value.intValue has the wrong type'));
    expect(() => attributesOf(wrongKey, 'spans[0]')).toThrow(new OtlpDecodeError('spans[0].attributes[0].key must be a string'));
  });

  it('keeps the last value of a key given twice and leaves out empty values', () => {
    const owner = { attributes: [{ key: 'a', value: { stringValue: 'first' } }, { key: 'empty', value: {} }, { key: 'a', value: { stringValue: 'last' } }] };

    expect(attributesOf(owner, 'spans[0]')).toEqual({ a: 'last' });
  });
});
