/**
 * `EventSpool.durable`: the signal a caller that acknowledges events to
 * someone else (the OTLP gateway) waits for. It commits at once, not at the
 * group-commit timer, and says whether the entries reached the disk.
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventSpool } from '../../../../src/deliver/spool/event-spool.js';
import type { AuditEvent } from '../../../../src/model/audit-event.js';

const event = (i: number): AuditEvent => ({ id: `t-s${i}-custom`, type: 'custom', traceId: 't', spanId: `s${i}`, timestamp: new Date().toISOString(), payload: { name: 'x', i } });

/** A spool whose group-commit timer never fires within a test, with one backend that takes nothing (every record must be written). */
function openSpool(): EventSpool {
  const spool = EventSpool.open({ serviceDir: mkdtempSync(join(tmpdir(), 'spool-durable-')), maxBytes: 1024 ** 3, flushMillis: 3_600_000, maxEventAgeMillis: 86_400_000 });
  if (!(spool instanceof EventSpool)) throw new Error(spool.problem);
  spool.feed('b', { offer: () => 0, room: () => 0, lose: () => {} });
  spool.start();
  return spool;
}

describe('EventSpool.durable', () => {
  it('resolves true once the entries are on disk, without waiting for the group-commit timer', async () => {
    const spool = openSpool();
    const entries = spool.append([event(1), event(2)]);

    const durable = await spool.durable(entries);

    expect(durable).toBe(true);
    const onDisk = readFileSync(spool.activeSegment.path, 'utf8');
    expect(onDisk).toContain('"id":"t-s1-custom"');
    expect(onDisk).toContain('"id":"t-s2-custom"');
    await spool.close();
  });

  it('waits for a commit already under way that holds the entries, and for the entries appended after it', async () => {
    const spool = openSpool();
    const first = spool.append([event(1)]);
    const underWay = spool.commit();
    const second = spool.append([event(2)]);

    const [a, b] = await Promise.all([spool.durable(first), spool.durable(second), underWay]);

    expect([a, b]).toEqual([true, true]);
    expect(readFileSync(spool.activeSegment.path, 'utf8')).toContain('"id":"t-s2-custom"');
    await spool.close();
  });

  it('resolves false when the write fails: the entries are in memory only', async () => {
    const spool = openSpool();
    // A directory where the segment file should be: opening it fails (EISDIR), for root too.
    mkdirSync(spool.activeSegment.path);
    const entries = spool.append([event(1)]);

    expect(await spool.durable(entries)).toBe(false);
    await spool.close();
  });
});
