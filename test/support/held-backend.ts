/** A backend that takes nothing until `release()`: events stay queued (and in the spool), where a test looks for them. */
import type { AuditBackend } from '../../src/model/audit-backend.js';
import type { DeliveryOutcome } from '../../src/model/delivery-outcome.js';

export function heldBackend(): AuditBackend & { release(): void } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  return {
    name: 'held',
    maxBatchSize: 100,
    release,
    async send(): Promise<DeliveryOutcome> {
      await released;
      return { kind: 'delivered' };
    },
    async shutdown() {},
  };
}
