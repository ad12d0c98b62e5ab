import { describe, expect, it } from 'vitest';
import { parseTimestampMicros } from '../../../src/receiver/timestamp.js';

describe('parseTimestampMicros', () => {
  it.each([
    ['2026-05-04T10:30:00Z', Date.UTC(2026, 4, 4, 10, 30) * 1000],
    ['2026-05-04T10:30:00.123456+00:00', Date.UTC(2026, 4, 4, 10, 30, 0, 123) * 1000 + 456],
    ['2026-05-04T12:30:00+02:00', Date.UTC(2026, 4, 4, 10, 30) * 1000],
    ['2026-05-04T05:00-0530', Date.UTC(2026, 4, 4, 10, 30) * 1000],
    // No offset: read as UTC, not the receiver's local zone.
    ['2026-05-04T10:30:00', Date.UTC(2026, 4, 4, 10, 30) * 1000],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29) * 1000],
  ])('parses %s', (text, micros) => {
    expect(parseTimestampMicros(text)).toBe(micros);
  });

  it.each([
    'yesterday',
    '2026-05-04',
    '2026-02-30T00:00:00Z',
    '2025-02-29T00:00:00Z',
    '2026-05-04T24:00:00Z',
    '2026-05-04T10:30:00+25:00',
    '2026-05-04 10:30:00Z',
    'Mon, 04 May 2026 10:30:00 GMT',
    '',
  ])('rejects %j', (text) => {
    expect(parseTimestampMicros(text)).toBeUndefined();
  });
});
