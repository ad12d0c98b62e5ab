/**
 * Comparing the audit trails of two runs of one program (in process, and
 * through the gateway): the same span ids through one deterministic id
 * sequence per run, and events compared without what two runs cannot share
 * (the clock) or what depends on the order events were chained in.
 */
import type { Resource } from '@opentelemetry/resources';
import type { IdGenerator, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { TracingInstaller } from './audit-test.js';
import { AUDIT_SEQUENCE_NUMBER, AUDIT_SEQUENCE_PREV_HASH, AUDIT_STREAM_ID, CHECKPOINT_NAME } from '../../src/chain/chain-fields.js';
import type { AuditEvent } from '../../src/model/audit-event.js';

/** Trace and span ids 1, 2, 3 … in order of creation: two runs of one program get the same ids. */
export function sequenceIds(): IdGenerator {
  let n = 0;
  return {
    generateTraceId: () => (++n).toString(16).padStart(32, '0'),
    generateSpanId: () => (++n).toString(16).padStart(16, '0'),
  };
}

/**
 * One run of `program` on a fresh provider with `processors`, `resource` and
 * the id sequence of {@link sequenceIds}; its spans flushed (through the
 * exporters' retries) before the provider closes.
 */
export async function runOnce(install: TracingInstaller, processors: SpanProcessor[], resource: Resource, program: () => Promise<void>): Promise<void> {
  const tracing = install.tracing(processors, { resource, idGenerator: sequenceIds() });
  try {
    await program();
    await tracing.provider.forceFlush();
  } finally {
    await tracing.close();
  }
}

/** An event without its timestamp, its duration, and its hash-chain fields. */
function comparable(event: AuditEvent): AuditEvent {
  const { timestamp: _time, payload, ...rest } = event;
  const { duration_ms: _duration, [AUDIT_STREAM_ID]: _stream, [AUDIT_SEQUENCE_NUMBER]: _seq, [AUDIT_SEQUENCE_PREV_HASH]: _prev, ...kept } = payload;
  return { ...rest, timestamp: '', payload: kept };
}

/** A trail as two runs can agree on it: checkpoints left out, each event {@link comparable}, ordered by id. */
export function comparableTrail(events: readonly AuditEvent[]): AuditEvent[] {
  return events
    .filter((e) => e.payload['name'] !== CHECKPOINT_NAME)
    .map(comparable)
    .sort((a, b) => a.id.localeCompare(b.id));
}
