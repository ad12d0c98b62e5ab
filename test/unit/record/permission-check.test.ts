import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordPermissionCheck, toAuditEvents, withToolCall, type PermissionCheck } from '../../../src/index.js';
import { installTracing, type TestTracing } from '../../support/tracing.js';

let tracing: TestTracing;

beforeEach(() => {
  tracing = installTracing();
});

afterEach(async () => {
  await tracing.close();
});

const events = () => toAuditEvents(tracing.memory.getFinishedSpans());

describe('recordPermissionCheck', () => {
  it('becomes a custom permission_check event with scope, allowed, function_name and the details', () => {
    withToolCall('get_order', { id: 1 }, () => {
      recordPermissionCheck({ scope: 'read:orders', allowed: true, functionName: 'get_order', userId: 'u-1' });
    });
    const check = events().find((e) => e.type === 'custom')!;
    expect(check.payload).toEqual({ name: 'permission_check', data: { userId: 'u-1', scope: 'read:orders', allowed: true, function_name: 'get_order' } });
    expect(check.spanId).toBe(tracing.memory.getFinishedSpans()[0]!.spanContext().spanId);
  });

  it('records a denial outside any span, on a span of its own, and leaves out a missing function name', () => {
    recordPermissionCheck({ scope: 'admin', allowed: false });
    expect(events().map((e) => [e.type, e.payload])).toEqual([['custom', { name: 'permission_check', data: { scope: 'admin', allowed: false } }]]);
  });

  it('never throws, whatever it is given', () => {
    const hostile = new Proxy({}, { ownKeys() { throw new Error('trap'); }, get() { throw new Error('trap'); } }) as PermissionCheck;
    expect(() => recordPermissionCheck(hostile)).not.toThrow();
    expect(() => recordPermissionCheck(null as unknown as PermissionCheck)).not.toThrow();
  });
});
