import { describe, expect } from 'vitest';
import { recordError, toAuditEvents, withSession, withToolCall } from '../../../src/index.js';
import { it } from '../../support/audit-test.js';

/** A Node-style error: a TypeError with a code, as `fs` or `undici` throw them. */
function codedTypeError(): TypeError {
  return Object.assign(new TypeError('the argument must be a string'), { code: 'ERR_INVALID_ARG_TYPE' });
}

describe('error events', () => {
  it('carry the type name as error_type and the code apart, for a thrown error', async ({ tracing }) => {
    await withSession({ agentName: 'bot' }, async () => {
      await Promise.resolve(withToolCall('read_file', { path: 1 }, () => Promise.reject(codedTypeError()))).catch(() => undefined);
    }).catch(() => undefined);
    const errors = toAuditEvents(tracing.memory.getFinishedSpans()).filter((e) => e.type === 'error');
    expect(errors.map((e) => [e.payload['error_type'], e.payload['error_code'], e.payload['message']])).toEqual([
      ['TypeError', 'ERR_INVALID_ARG_TYPE', 'the argument must be a string'],
    ]);
  });

  it('carry the type name as error_type and the code apart, for a recorded error', async ({ tracing }) => {
    await withSession({ agentName: 'bot' }, () => recordError(codedTypeError()));
    const [error] = toAuditEvents(tracing.memory.getFinishedSpans()).filter((e) => e.type === 'error');
    expect(error?.payload).toMatchObject({ error_type: 'TypeError', error_code: 'ERR_INVALID_ARG_TYPE', handled: true });
  });
});

describe('the error type of a subclass that does not set its name', () => {
  it('is the class name, not the inherited "Error"', async ({ tracing }) => {
    class RateLimitError extends Error {}
    await Promise.resolve(withToolCall('call_api', {}, () => Promise.reject(new RateLimitError('slow down')))).catch(() => undefined);
    const [error] = toAuditEvents(tracing.memory.getFinishedSpans()).filter((e) => e.type === 'error');
    expect(error?.payload['error_type']).toBe('RateLimitError');
  });
});
