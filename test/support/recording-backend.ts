/**
 * An in-process AuditBackend (our own interface, not HTTP) that keeps every
 * batch it is sent, so tests can see what the audit pipeline delivered.
 */
import type { AuditBackend } from '../../src/model/audit-backend.js';
import type { AuditEvent } from '../../src/model/audit-event.js';
import { auditSpanProcessor, type AuditSpanProcessor } from '../../src/pipeline/audit-span-processor.js';
import type { DeliveryOutcome } from '../../src/model/delivery-outcome.js';
import { FAST_RETRY } from './tracing.js';

export interface RecordingBackend extends AuditBackend {
  readonly batches: AuditEvent[][];
  events(): AuditEvent[];
}

export function recordingBackend(): RecordingBackend {
  const batches: AuditEvent[][] = [];
  return {
    name: 'recording',
    maxBatchSize: 100,
    batches,
    events: () => batches.flat(),
    async send(events): Promise<DeliveryOutcome> {
      batches.push([...events]);
      return { kind: 'delivered' };
    },
    async shutdown() {},
  };
}

/** The audit span processor wired to `backend`, with test-speed retries. */
export function recordingProcessor(backend: AuditBackend): AuditSpanProcessor {
  return auditSpanProcessor({ backends: [backend], ...FAST_RETRY });
}
