import { jsonlFile, type AuditBackend } from '../../src/index.js';

/** A backend that keeps nothing (a JSONL file at /dev/null), for pipelines whose delivery a test does not look at. */
export const discardBackend = (): AuditBackend => jsonlFile({ path: '/dev/null' });

/** A deciding backend that blocks every tool call. */
export const blockingBackend: AuditBackend = {
  name: 'blocker',
  maxBatchSize: 100,
  send: async () => ({ kind: 'delivered' as const }),
  decide: async () => ({ kind: 'block' as const, reason: 'no' }),
  shutdown: async () => undefined,
};
