import { describe, expect, expectTypeOf, it } from 'vitest';
import { DEFAULTS } from '../../../src/config/defaults.js';
import { resolveConfig } from '../../../src/config/resolve-env.js';
import { checkValue, resolveOption } from '../../../src/config/resolve-option.js';
import { positive, resolveDeliveryConfig, resolveSpanQueueConfig } from '../../../src/config/resolve.js';
import type { LogLevelName } from '../../../src/config/option-types.js';
import { isAuditError } from '../../../src/errors.js';
import { defaultSpoolRoot } from '../../../src/config/spool-root.js';

const quiet = (): void => {};
const envConfig = (env: Record<string, string>) => resolveConfig(env, quiet);

/** The error `run` throws; fails the test when it throws none. */
function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('resolveOption', () => {
  it('takes the option over the env over the default', () => {
    const withEnv = envConfig({ OTEL_AGENT_AUDIT_MAX_QUEUE_SIZE: '300' });
    expect(resolveOption('maxQueueSize', 50, { config: withEnv })).toBe(50);
    expect(resolveOption('maxQueueSize', undefined, { config: withEnv })).toBe(300);
    expect(resolveOption('maxQueueSize', undefined, { config: envConfig({}) })).toBe(DEFAULTS.maxQueueSize);
  });

  it('uses the default when the env value was invalid', () => {
    expect(resolveOption('maxQueueSize', undefined, { config: envConfig({ OTEL_AGENT_AUDIT_MAX_QUEUE_SIZE: 'abc' }) })).toBe(20_000);
  });

  it('throws INVALID_OPTION naming the option for a bad value in code, whatever the env says', () => {
    const error = thrown(() => resolveOption('maxQueueSize', 0, { config: envConfig({ OTEL_AGENT_AUDIT_MAX_QUEUE_SIZE: '300' }) }));
    expect(isAuditError(error) && error.code).toBe('INVALID_OPTION');
    expect((error as Error).message).toBe("otel-agent-audit: option 'maxQueueSize' must be a positive integer; got 0.");
  });

  it('names a nested option by its label', () => {
    expect(() => resolveOption('requestTimeoutMillis', -1, { label: 'agentops.requestTimeoutMillis' })).toThrow(
      "option 'agentops.requestTimeoutMillis' must be a positive integer; got -1.",
    );
  });

  it('never echoes a credential passed in the wrong shape', () => {
    const error = thrown(() => resolveOption('secureagenticsApiKey', 12345 as unknown as string));
    expect(isAuditError(error) && error.code).toBe('INVALID_OPTION');
    expect((error as Error).message).toBe("otel-agent-audit: option 'secureagenticsApiKey' must be a string; got a value of type number.");
  });

  it('keeps an empty API key from code, so the backend can say which variable to set', () => {
    expect(resolveOption('secureagenticsApiKey', '', { config: envConfig({ SECUREAGENTICS_API_KEY: 'from-env' }) })).toBe('');
  });

  it('types each option by its row', () => {
    const config = envConfig({});
    expectTypeOf(resolveOption('maxQueueSize', undefined, { config })).toEqualTypeOf<number>();
    expectTypeOf(resolveOption('secureagenticsApiKey', undefined, { config })).toEqualTypeOf<string | undefined>();
    expectTypeOf(config.logLevel).toEqualTypeOf<LogLevelName>();
    expectTypeOf(config.captureContent).toEqualTypeOf<boolean>();
  });
});

describe('checkValue', () => {
  it.each([
    ['positiveInteger', 1.5, 'a positive integer'],
    ['nonNegativeNumber', Number.NaN, 'a number ≥ 0'],
    ['boolean', 'yes', "'true' or 'false'"],
    ['logLevel', 'loud', 'one of NONE, ERROR, WARN, INFO, DEBUG, VERBOSE, ALL'],
    ['string', 42, 'a string'],
  ] as const)('rejects a %s given %j, saying what it accepts', (type, value, expected) => {
    expect(() => checkValue(type, 'x', value)).toThrow(`option 'x' must be ${expected}`);
  });

  it('returns a valid value unchanged', () => {
    expect(checkValue('nonNegativeNumber', 'x', 0)).toBe(0);
    expect(checkValue('logLevel', 'x', 'INFO')).toBe('INFO');
  });
});

describe('resolveDeliveryConfig', () => {
  it('is every default when nothing is given', () => {
    expect(resolveDeliveryConfig({}, envConfig({}))).toEqual({
      maxQueueSize: DEFAULTS.maxQueueSize,
      maxConcurrentRequests: DEFAULTS.maxConcurrentRequests,
      retry: {
        maxAttempts: DEFAULTS.maxAttempts,
        initialBackoffMillis: DEFAULTS.initialBackoffMillis,
        maxBackoffMillis: DEFAULTS.maxBackoffMillis,
        maxRetryAfterMillis: DEFAULTS.maxRetryAfterMillis,
        maxRetryElapsedMillis: DEFAULTS.maxRetryElapsedMillis,
      },
      shutdownTimeoutMillis: DEFAULTS.shutdownTimeoutMillis,
      lossReportIntervalMillis: DEFAULTS.lossReportIntervalMillis,
      maxEventAgeMillis: DEFAULTS.maxEventAgeMillis,
      spool: { root: defaultSpoolRoot(), maxBytes: DEFAULTS.spoolMaxBytes, flushMillis: DEFAULTS.spoolFlushMillis },
      announceDelivery: true,
    });
  });

  it('keeps events in memory only for spoolDir false, or env none / false / off', () => {
    expect(resolveDeliveryConfig({ spoolDir: false }, envConfig({})).spool.root).toBe(false);
    for (const off of ['none', 'false', 'OFF']) expect(resolveDeliveryConfig({}, envConfig({ OTEL_AGENT_AUDIT_SPOOL_DIR: off })).spool.root).toBe(false);
    expect(resolveDeliveryConfig({}, envConfig({ OTEL_AGENT_AUDIT_SPOOL_DIR: '/var/spool/agent' })).spool.root).toBe('/var/spool/agent');
    expect(resolveDeliveryConfig({ spoolDir: '/x' }, envConfig({ OTEL_AGENT_AUDIT_SPOOL_DIR: 'none' })).spool.root).toBe('/x');
    expect(() => resolveDeliveryConfig({ spoolDir: '' }, envConfig({}))).toThrow(/option 'spoolDir' must be a folder path/);
  });

  it('takes the env for the options that have a variable, and the option over it', () => {
    const config = envConfig({ OTEL_AGENT_AUDIT_MAX_QUEUE_SIZE: '40', OTEL_AGENT_AUDIT_SHUTDOWN_TIMEOUT_MILLIS: '700' });
    expect(resolveDeliveryConfig({}, config)).toMatchObject({ maxQueueSize: 40, shutdownTimeoutMillis: 700 });
    expect(resolveDeliveryConfig({ maxQueueSize: 4, shutdownTimeoutMillis: 0 }, config)).toMatchObject({
      maxQueueSize: 4,
      shutdownTimeoutMillis: 0,
    });
  });

  it('passes every option through', () => {
    const options = {
      maxQueueSize: 1,
      maxConcurrentRequests: 2,
      maxAttempts: 3,
      initialBackoffMillis: 0,
      maxBackoffMillis: 5,
      maxRetryAfterMillis: 6,
      maxRetryElapsedMillis: 7,
      shutdownTimeoutMillis: 8,
      maxEventAgeMillis: 9,
      announceDelivery: false,
    };
    const { retry, spool, ...rest } = resolveDeliveryConfig({ ...options, spoolDir: '/s', spoolMaxBytes: 10, spoolFlushMillis: 11 }, envConfig({}));
    expect({ ...rest, ...retry }).toEqual({ ...options, lossReportIntervalMillis: DEFAULTS.lossReportIntervalMillis });
    expect(spool).toEqual({ root: '/s', maxBytes: 10, flushMillis: 11 });
  });

  it.each([
    ['maxQueueSize', 0, 'a positive integer'],
    ['maxConcurrentRequests', 2.5, 'a positive integer'],
    ['maxAttempts', -1, 'a positive integer'],
    ['initialBackoffMillis', -1, 'a number ≥ 0'],
    ['maxBackoffMillis', Number.POSITIVE_INFINITY, 'a number ≥ 0'],
    ['maxRetryAfterMillis', Number.NaN, 'a number ≥ 0'],
    ['maxRetryElapsedMillis', -0.5, 'a number ≥ 0'],
    ['shutdownTimeoutMillis', -10, 'a number ≥ 0'],
  ] as const)('throws naming %s when it is %s', (name, value, expected) => {
    const error = thrown(() => resolveDeliveryConfig({ [name]: value }, envConfig({})));
    expect(isAuditError(error) && error.code).toBe('INVALID_OPTION');
    expect((error as Error).message).toContain(`option '${name}' must be ${expected}`);
  });
});

describe('resolveSpanQueueConfig', () => {
  it('takes each option, else its default', () => {
    expect(resolveSpanQueueConfig({}, envConfig({}))).toEqual({
      maxSpanQueueSize: DEFAULTS.maxSpanQueueSize,
      maxSpanBatchSize: DEFAULTS.maxSpanBatchSize,
      scheduledDelayMillis: DEFAULTS.scheduledDelayMillis,
    });
    expect(resolveSpanQueueConfig({ maxSpanQueueSize: 10, maxSpanBatchSize: 2, scheduledDelayMillis: 0 })).toEqual({
      maxSpanQueueSize: 10,
      maxSpanBatchSize: 2,
      scheduledDelayMillis: 0,
    });
  });

  it.each([
    ['maxSpanQueueSize', 0],
    ['maxSpanBatchSize', 1.5],
    ['scheduledDelayMillis', -1],
  ] as const)('throws naming %s when it is %s', (name, value) => {
    expect(() => resolveSpanQueueConfig({ [name]: value })).toThrow(`option '${name}' must be`);
  });
});

describe('positive', () => {
  it('passes a positive integer and undefined through, and throws naming the option otherwise', () => {
    expect(positive('a.b', 3)).toBe(3);
    expect(positive('a.b', undefined)).toBeUndefined();
    expect(() => positive('a.b', 0)).toThrow("option 'a.b' must be a positive integer; got 0.");
  });
});
