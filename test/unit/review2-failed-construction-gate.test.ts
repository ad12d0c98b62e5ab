/**
 * Review: AuditSpanProcessor's constructor registers its policy (with its
 * tool gate) in the process-wide LiveRecordingPolicies *before* it validates
 * unfinishedCallTimeoutMillis. When that validation throws, the caller never
 * gets an object to shut down: the phantom policy stays live forever, and
 * every span no audit processor stamps is gated by a pipeline that does not exist.
 */
import { expect } from 'vitest';
import { isAuditBlockedError, jsonlFile, withToolCall, auditSpanProcessor, type AuditBackend } from '../../src/index.js';
import { it } from '../support/audit-test.js';

const blocker: AuditBackend = {
  name: 'blocker',
  maxBatchSize: 100,
  send: async () => ({ kind: 'delivered' as const }),
  decide: async () => ({ kind: 'block' as const, reason: 'no' }),
  shutdown: async () => undefined,
};

it('review2: a processor whose construction threw leaves no tool gate behind', async ({ install }) => {
  expect(() =>
    auditSpanProcessor({ backends: [jsonlFile({ path: '/dev/null' })], toolDecision: { backend: blocker, failMode: 'closed' }, unfinishedCallTimeoutMillis: -1 }),
  ).toThrow(/unfinishedCallTimeoutMillis/);
  install.tracing(); // the app's own provider, no audit pipeline at all
  let ran = false;
  const outcome = await Promise.resolve(withToolCall('wire_money', {}, () => (ran = true))).catch((e: unknown) => e);
  expect(isAuditBlockedError(outcome)).toBe(false);
  expect(ran).toBe(true);
});
