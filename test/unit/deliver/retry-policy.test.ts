import { describe, expect, it } from 'vitest';
import { classifyStatus, retryDelayMillis, type RetryConfig } from '../../../src/deliver/retry-policy.js';

const config: RetryConfig = {
  maxAttempts: 10,
  initialBackoffMillis: 100,
  maxBackoffMillis: 1_000,
  maxRetryAfterMillis: 5_000,
  maxRetryElapsedMillis: 60_000,
};

describe('classifyStatus', () => {
  it.each([200, 201, 204, 299])('treats %d as success', (status) => {
    expect(classifyStatus(status)).toBe('success');
  });

  // audit-apis.md, "Rules for every backend": 408, 429 and every 5xx but 501/505 are retried.
  it.each([408, 429, 500, 502, 503, 504, 507, 599])('retries %d', (status) => {
    expect(classifyStatus(status)).toBe('retryable');
  });

  it.each([400, 401, 403, 404, 409, 413, 422, 501, 505])('never retries %d', (status) => {
    expect(classifyStatus(status)).toBe('rejected');
  });

  it.each([100, 199, 301, 304, 0, -1])('does not count the non-answer %d as success', (status) => {
    expect(classifyStatus(status)).not.toBe('success');
  });
});

describe('retryDelayMillis', () => {
  it('waits what Retry-After asks when it is within the cap', () => {
    expect(retryDelayMillis(1, config, 2_500, () => 0.5)).toBe(2_500);
    expect(retryDelayMillis(3, config, 0, () => 0.5)).toBe(0);
  });

  it('caps a Retry-After longer than maxRetryAfterMillis', () => {
    expect(retryDelayMillis(1, config, 3_600_000, () => 0.5)).toBe(5_000);
    expect(retryDelayMillis(1, config, Infinity, () => 0.5)).toBe(5_000);
  });

  it('ignores backoff and jitter when Retry-After is given', () => {
    expect(retryDelayMillis(9, config, 50, () => 1)).toBe(50);
  });

  it('doubles the backoff ceiling per attempt, up to maxBackoffMillis', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 20].map((attempt) => retryDelayMillis(attempt, config, undefined, () => 1));
    expect(ceilings).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000]);
  });

  it('applies full jitter: the delay is random × ceiling', () => {
    expect(retryDelayMillis(3, config, undefined, () => 0)).toBe(0);
    expect(retryDelayMillis(3, config, undefined, () => 0.25)).toBe(100);
    expect(retryDelayMillis(3, config, undefined, () => 0.999_999)).toBe(400);
  });

  it('stays within [0, ceiling] for any random value (seeded sweep)', () => {
    let seed = 1;
    const random = (): number => ((seed = (seed * 16_807) % 2_147_483_647) - 1) / 2_147_483_646;
    for (let attempt = 1; attempt <= 12; attempt++) {
      const ceiling = Math.min(config.maxBackoffMillis, config.initialBackoffMillis * 2 ** (attempt - 1));
      for (let i = 0; i < 200; i++) {
        const delay = retryDelayMillis(attempt, config, undefined, random);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('uses Math.random when no random source is given', () => {
    const delay = retryDelayMillis(2, config, undefined);
    expect(delay).toBeGreaterThanOrEqual(0);
    expect(delay).toBeLessThanOrEqual(200);
  });
});
