import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../src/deliver/retry-after.js';

const NOW = Date.parse('2026-05-04T10:30:00Z');

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    ['1', 1_000],
    ['120', 120_000],
    [' 30 ', 30_000],
    ['007', 7_000],
  ])('reads delay-seconds %j as %d ms', (header, millis) => {
    expect(parseRetryAfter(header, NOW)).toBe(millis);
  });

  it.each([
    ['IMF-fixdate', 'Mon, 04 May 2026 10:30:45 GMT', 45_000],
    ['obsolete RFC 850 date', 'Monday, 04-May-26 10:31:00 GMT', 60_000],
    ['obsolete asctime date', 'Mon May  4 10:32:00 2026', 120_000],
  ])('reads a future %s as the time until it', (_form, header, millis) => {
    expect(parseRetryAfter(header, NOW)).toBe(millis);
  });

  it('reads an HTTP date in the past as no wait', () => {
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', NOW)).toBe(0);
  });

  it('reads an HTTP date equal to now as no wait', () => {
    expect(parseRetryAfter(new Date(NOW).toUTCString(), NOW)).toBe(0);
  });

  it.each(['soon', '5s', '1.5', '-5', '1e3', '0x10', 'abc 2', '12 34', '', '   '])('returns undefined for the unreadable value %j', (header) => {
    expect(parseRetryAfter(header, NOW)).toBeUndefined();
  });

  it('returns undefined when the header is absent', () => {
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
  });

  it('reads the first value of a repeated header', () => {
    expect(parseRetryAfter(['3', '10'], NOW)).toBe(3_000);
    expect(parseRetryAfter(['garbage', '10'], NOW)).toBeUndefined();
    expect(parseRetryAfter([], NOW)).toBeUndefined();
  });

  it('reads a very large delay as a number the retry policy can cap, not as an error', () => {
    expect(parseRetryAfter('99999999999', NOW)).toBe(99_999_999_999_000);
    expect(parseRetryAfter('9'.repeat(400), NOW)).toBe(Infinity);
  });
});
