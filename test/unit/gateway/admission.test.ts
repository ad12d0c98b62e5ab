import { describe, expect, it } from 'vitest';
import { admission, type AdmissionConfig } from '../../../src/gateway/admission.js';
import type { AuditStats } from '../../../src/pipeline/audit-stats.js';

const CONFIG: AdmissionConfig = { spoolMaxBytes: 1_000_000, maxQueueSize: 1_000, maxBacklogEvents: 500, retryAfterSeconds: 7 };
const BACKEND = { queued: 0, inFlight: 0, delivered: 0, failed: 0, dropped: 0, retries: 0, deferred: 0, backlog: 0, trailRecordsLost: 0 };
const SPOOL = { dir: '/spool', bytes: 0, segments: 1, appended: 0, writeFailures: 0 };

function stats(backend: Partial<typeof BACKEND>, spool: Partial<typeof SPOOL> | false = {}): AuditStats {
  return { eventsConverted: 0, spansQueued: 0, spansDropped: 0, backends: { secureagentics: { ...BACKEND, ...backend } }, ...(spool !== false && { spool: { ...SPOOL, ...spool } }) };
}

describe('admission', () => {
  it('takes requests while the spool has room and every backend keeps up', () => {
    expect(admission(stats({ queued: 100, backlog: 399 }, { bytes: 899_999 }), CONFIG)).toBeUndefined();
  });

  it('refuses with 503 once the spool is past 90% of spoolMaxBytes, naming the sizes', () => {
    expect(admission(stats({}, { bytes: 900_000 }), CONFIG)).toEqual({
      status: 503,
      retryAfterSeconds: 7,
      reason: 'the spool is full (900000 of 1000000 bytes, spoolMaxBytes); its backends are not taking events fast enough',
    });
  });

  it('refuses with 429 while a backend is maxBacklogEvents behind, counting queued, in flight and spooled', () => {
    expect(admission(stats({ queued: 100, inFlight: 100, backlog: 300 }), CONFIG)).toMatchObject({ status: 429, reason: 'backend secureagentics is 500 events behind (maxBacklogEvents 500)' });
  });

  it('without a spool, refuses with 429 once a memory queue is 90% full (more would be dropped)', () => {
    const roomy = { ...CONFIG, maxBacklogEvents: 10_000 };
    expect(admission(stats({ queued: 900 }, false), roomy)).toMatchObject({ status: 429, reason: expect.stringContaining('maxQueueSize 1000, no spool') });
    expect(admission(stats({ queued: 899 }, false), roomy)).toBeUndefined();
  });
});
