/**
 * A spool damaged on disk (a write torn by a crash, a flipped bit) is
 * recovered record by record: the next owner delivers everything intact,
 * counts what is not, records the loss in the trail, and a later start
 * does not trip over it again.
 */
import { readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { withSession, withToolCall } from '../../../../src/index.js';
import type { AuditBackend } from '../../../../src/model/audit-backend.js';
import type { AuditEvent } from '../../../../src/model/audit-event.js';
import type { DeliveryOutcome } from '../../../../src/model/delivery-outcome.js';
import { decodeRecord } from '../../../../src/deliver/spool/spool-record.js';
import { it, type TracingInstaller } from '../../../support/audit-test.js';
import { captureDiag, freshSpoolDir } from '../../../support/tracing.js';

/** An in-process backend that is down (every attempt: unreachable) until `up` is set, and keeps what it got. */
interface SwitchableBackend extends AuditBackend {
  up: boolean;
  readonly received: AuditEvent[];
}

function switchableBackend(name: string, up: boolean): SwitchableBackend {
  const received: AuditEvent[] = [];
  return {
    name,
    maxBatchSize: 100,
    up,
    received,
    async send(events): Promise<DeliveryOutcome> {
      if (!this.up) return { kind: 'retryable', unreachable: true, reason: `${name}: connect ECONNREFUSED 127.0.0.1:9` };
      received.push(...events);
      return { kind: 'delivered' };
    },
    async shutdown() {},
  };
}

interface OnDisk {
  id: string;
  start: number;
  end: number;
}

/** The records of one segment file, with their byte ranges. */
function recordsOf(path: string): OnDisk[] {
  const bytes = readFileSync(path);
  const out: OnDisk[] = [];
  let offset = 0;
  for (let step = decodeRecord(bytes, 0); step.kind === 'record' || step.kind === 'corrupt'; step = decodeRecord(bytes, offset)) {
    if (step.kind === 'record') out.push({ id: (JSON.parse(step.record.payload.toString('utf8')) as AuditEvent).id, start: offset, end: step.end });
    offset = step.end;
  }
  return out;
}

function segmentFiles(slotDir: string): string[] {
  return readdirSync(slotDir).filter((name) => name.endsWith('.log')).sort().map((name) => join(slotDir, name));
}

const lossEvents = (events: readonly AuditEvent[]): AuditEvent[] => events.filter((e) => e.type === 'custom' && e.payload['name'] === 'audit.loss');

/**
 * A run whose backend is down leaves 12 events in the spool; then one bit
 * of the fourth record's payload flips and the last record is cut in half
 * (a crash during its write). Returns what the next start should deliver.
 */
async function damagedSpool(install: TracingInstaller, serviceName: string) {
  const options = { spoolDir: freshSpoolDir(), serviceName, shutdownTimeoutMillis: 200 };
  const first = install.backends([switchableBackend('recording', false)], options);
  withSession({ agentName: serviceName }, () => {
    for (let i = 0; i < 10; i++) withToolCall(`t${i}`, { i }, () => i);
  });
  await first.tracing.close();
  const [segment] = segmentFiles(join(options.spoolDir, serviceName, '0'));
  const onDisk = recordsOf(segment!);
  const bytes = readFileSync(segment!);
  const flipped = onDisk[3]!;
  bytes[flipped.start + 40]! ^= 0x04;
  writeFileSync(segment!, bytes);
  const last = onDisk.at(-1)!;
  truncateSync(segment!, last.start + Math.floor((last.end - last.start) / 2));
  return { options, segment: segment!, written: onDisk.length, intact: onDisk.filter((r) => r !== flipped && r !== last).map((r) => r.id) };
}

/** Merges the `by_reason` of every `audit.loss` event. */
function lossReasons(events: readonly AuditEvent[]): Record<string, number> {
  return Object.assign({}, ...lossEvents(events).map((e) => e.payload['by_reason'] as Record<string, number>)) as Record<string, number>;
}

describe('spool recovery', () => {
  it('delivers every intact record of a damaged segment, and records the torn and the corrupt one as audit.loss naming the segment', async ({ install }) => {
    const { options, segment, written, intact } = await damagedSpool(install, 'damaged');
    expect(written).toBe(12);
    // Closing the first run's provider reset the OTel globals, diag included: capture from here.
    const diagnostics = captureDiag();

    const upBackend = switchableBackend('recording', true);
    const second = install.backends([upBackend], options);
    await expect.poll(() => upBackend.received.filter((e) => intact.includes(e.id)).length, { timeout: 10_000 }).toBe(intact.length);
    // The first loss is reported at once, the next at the reporter's interval or a flush: flush, then deliver that report.
    await second.processor.forceFlush();
    await second.processor.forceFlush();

    const delivered = upBackend.received.filter((e) => lossEvents([e]).length === 0).map((e) => e.id);
    expect(delivered.sort()).toEqual([...intact].sort());
    const reasons = lossReasons(upBackend.received);
    expect(Object.keys(reasons).every((r) => r.startsWith('dropped: ') && r.includes(segment))).toBe(true);
    expect(Object.values(reasons).reduce((a, b) => a + b, 0)).toBe(2);
    expect(diagnostics.warnings.some((w) => w.includes(segment))).toBe(true);
  });

  it('counts the damaged records in stats() as dropped', async ({ install }) => {
    const { options, intact } = await damagedSpool(install, 'counted');
    const upBackend = switchableBackend('recording', true);
    const second = install.backends([upBackend], options);
    await expect.poll(() => upBackend.received.filter((e) => intact.includes(e.id)).length, { timeout: 10_000 }).toBe(intact.length);
    await second.processor.forceFlush();
    expect(second.processor.stats().backends['recording']).toMatchObject({ dropped: 2, failed: 0 });
  });

  it('does not count the same damage again, nor send anything twice, on the start after', async ({ install }) => {
    const { options, intact } = await damagedSpool(install, 'again');
    const upBackend = switchableBackend('recording', true);
    const second = install.backends([upBackend], options);
    await expect.poll(() => upBackend.received.filter((e) => intact.includes(e.id)).length, { timeout: 10_000 }).toBe(intact.length);
    await second.processor.forceFlush();
    await second.processor.forceFlush();
    expect(Object.keys(lossReasons(upBackend.received))).toHaveLength(2);
    await second.tracing.close();

    const third = switchableBackend('recording', true);
    const again = install.backends([third], options);
    withToolCall('after', {}, () => 0);
    await again.processor.forceFlush();
    expect(third.received.map((e) => e.payload['tool_name'] ?? e.payload['name'])).toEqual(['after']);
  });

  it('recovers a segment that starts with garbage without throwing, and delivers the records after it', async ({ install }) => {
    const options = { spoolDir: freshSpoolDir(), serviceName: 'garbage', shutdownTimeoutMillis: 200 };
    const first = install.backends([switchableBackend('recording', false)], options);
    withToolCall('kept', {}, () => 1);
    await first.tracing.close();
    const [segment] = segmentFiles(join(options.spoolDir, 'garbage', '0'));
    // Noise before the records (a disk that returned junk), with the record magic in it.
    writeFileSync(segment!, Buffer.concat([Buffer.from('\x00\xffOAS1 junk \x01\x02'.repeat(50), 'latin1'), readFileSync(segment!)]));

    const upBackend = switchableBackend('recording', true);
    install.backends([upBackend], options);
    await expect.poll(() => upBackend.received.some((e) => e.payload['tool_name'] === 'kept'), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => Object.keys(lossReasons(upBackend.received)).some((r) => r.includes(segment!)), { timeout: 10_000 }).toBe(true);
  });
});
