import { describe, expect } from 'vitest';
import { recordPermissionCheck, toAuditEvents, withToolCall, type PermissionCheck } from '../../../src/index.js';
import { it as base } from '../../support/audit-test.js';

/** `events`: the audit events of every span the test has finished. */
const it = base.extend('events', ({ tracing }) => () => toAuditEvents(tracing.memory.getFinishedSpans()));

describe('recordPermissionCheck', () => {
  it('becomes a custom permission_check event with scope, allowed, function_name and the details', ({ events, tracing }) => {
    withToolCall('get_order', { id: 1 }, () => {
      recordPermissionCheck({ scope: 'read:orders', allowed: true, functionName: 'get_order', userId: 'u-1' });
    });
    const check = events().find((e) => e.type === 'custom')!;
    expect(check.payload).toEqual({ name: 'permission_check', data: { userId: 'u-1', scope: 'read:orders', allowed: true, function_name: 'get_order' } });
    expect(check.spanId).toBe(tracing.memory.getFinishedSpans()[0]!.spanContext().spanId);
  });

  it('records a denial outside any span, on a span of its own, and leaves out a missing function name', ({ events }) => {
    recordPermissionCheck({ scope: 'admin', allowed: false });
    expect(events().map((e) => [e.type, e.payload])).toEqual([['custom', { name: 'permission_check', data: { scope: 'admin', allowed: false } }]]);
  });

  it('never throws, whatever it is given', ({ tracing }) => {
    const hostile = new Proxy({}, { ownKeys() { throw new Error('trap'); }, get() { throw new Error('trap'); } }) as PermissionCheck;
    expect(() => recordPermissionCheck(hostile)).not.toThrow();
    expect(() => recordPermissionCheck(null as unknown as PermissionCheck)).not.toThrow();
  });
});
