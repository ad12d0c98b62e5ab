/**
 * `EventSpool.shortage`: whether events can be appended without the spool
 * later pushing out, to stay within maxBytes, events a backend has not
 * settled. Real spools in temp folders; the backends are sinks whose queues
 * take what the test says, and settle when the test says.
 */
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { EventSpool } from '../../../../src/deliver/spool/event-spool.js';
import type { SpoolEntry } from '../../../../src/deliver/spool/spool-entry.js';
import type { SpoolFeed } from '../../../../src/deliver/spool/spool-feed.js';
import { spoolShortage } from '../../../../src/deliver/spool/spool-room.js';
import type { AuditEvent } from '../../../../src/model/audit-event.js';

/** Segments are maxBytes / 8, and at least 64 KiB: at this size a spool has 8 of 64 KiB. */
const MAX_BYTES = 512 * 1024;
/** What checked appends may fill: 90% of MAX_BYTES. */
const LIMIT = Math.floor(0.9 * MAX_BYTES);

/** An event of about `size` bytes of JSON. */
const event = (i: number, size = 1_000): AuditEvent => ({ id: `t-s${i}-custom`, type: 'custom', traceId: 't', spanId: `s${i}`, timestamp: '2026-05-04T10:00:00.000Z', payload: { name: 'x', text: 'x'.repeat(size) } });
const events = (from: number, count: number, size?: number): AuditEvent[] => Array.from({ length: count }, (_, i) => event(from + i, size));

/** A real spool with one backend whose queue takes everything offered and settles only when told. */
function openSpool(): { spool: EventSpool; feed: SpoolFeed; taken: SpoolEntry[] } {
  const spool = EventSpool.open({ serviceDir: mkdtempSync(join(tmpdir(), 'spool-room-')), maxBytes: MAX_BYTES, flushMillis: 3_600_000, maxEventAgeMillis: 86_400_000 });
  if (!(spool instanceof EventSpool)) throw new Error(spool.problem);
  const taken: SpoolEntry[] = [];
  const feed = spool.feed('b', { offer: (entries) => (taken.push(...entries), entries.length), room: () => 1_000_000, lose: () => {} });
  spool.start();
  onTestFinished(() => spool.close());
  return { spool, feed, taken };
}

/** Bytes in the spool's segment files. */
function segmentFileBytes(dir: string): number {
  return readdirSync(dir).filter((name) => name.endsWith('.log')).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

/** Appends and commits, as the gateway does (`durable`), after asking; returns the entries. */
async function appendDurably(spool: EventSpool, batch: AuditEvent[]): Promise<SpoolEntry[]> {
  expect(spool.shortage(batch)).toBeUndefined();
  const entries = spool.append(batch);
  expect(await spool.durable(entries)).toBe(true);
  return entries;
}

describe('EventSpool.shortage', () => {
  it('has room while the spool stays within 90% of maxBytes after the events', async () => {
    const { spool } = openSpool();
    await appendDurably(spool, events(0, 200)); // ~210 KB

    expect(spool.shortage(events(200, 100))).toBeUndefined(); // ~315 KB in all, below 471 KB
  });

  it('says full, with the sizes, when the events would take the spool past 90% while a backend has not settled what it holds', async () => {
    const { spool } = openSpool();
    await appendDurably(spool, events(0, 300));
    const before = spool.stats();

    const shortage = spool.shortage(events(300, 200));

    expect(shortage).toMatchObject({ reason: 'full', spoolBytes: before.bytes, limitBytes: LIMIT });
    expect(shortage!.spoolBytes + shortage!.bytes).toBeGreaterThan(LIMIT);
    // Asking changed nothing.
    expect(spool.stats()).toEqual(before);
  });

  it('counts the oldest segments every backend settled as room: trimming deletes those without loss', async () => {
    const { spool, feed, taken } = openSpool();
    const first = await appendDurably(spool, events(0, 300)); // several 64 KiB segments
    expect(spool.stats().segments).toBeGreaterThan(2);
    const next = events(300, 200);
    expect(spool.shortage(next)?.reason).toBe('full');

    feed.settle(taken.splice(0, first.length));

    expect(spool.shortage(next)).toBeUndefined();
  });

  it('does not count a segment as room while a backend still needs one of its events', async () => {
    const { spool, feed, taken } = openSpool();
    await appendDurably(spool, events(0, 300));
    const next = events(300, 200);

    // All but the very first: the cursor stays at the start, so no segment is done everywhere.
    feed.settle(taken.slice(1));

    expect(spool.shortage(next)?.reason).toBe('full');
  });

  it('says too-large for events that alone are more than 90% of maxBytes, even in an empty spool', () => {
    const { spool } = openSpool();

    expect(spool.shortage(events(0, 480))).toMatchObject({ reason: 'too-large', spoolBytes: 0, limitBytes: LIMIT });
  });

  it('weighs events as measured while buffered, while being written and once written, so a check made during a commit sees them', async () => {
    const { spool } = openSpool();
    const batch = events(0, 100);

    expect(spool.shortage(batch)).toBeUndefined();
    spool.append(batch);
    const buffered = spool.stats().bytes;
    const commit = spool.commit(); // under way: its write has not finished
    const writing = spool.stats().bytes;
    await commit;

    expect([writing, spool.stats().bytes]).toEqual([buffered, buffered]);
    // What was measured is what was written.
    expect(segmentFileBytes(spool.dir)).toBe(buffered);
  });
});

describe('spoolShortage', () => {
  it('asks for the settled bytes only when the events do not fit without them', () => {
    let asked = 0;
    const settled = (): number => (asked++, 50_000);

    expect(spoolShortage({ bytes: 10_000, spoolBytes: 50_000, maxBytes: 100_000, settledBytes: settled })).toBeUndefined();
    expect(asked).toBe(0);
    expect(spoolShortage({ bytes: 40_000, spoolBytes: 90_000, maxBytes: 100_000, settledBytes: settled })).toBeUndefined();
    expect(spoolShortage({ bytes: 60_000, spoolBytes: 90_000, maxBytes: 100_000, settledBytes: settled })).toEqual({ reason: 'full', bytes: 60_000, spoolBytes: 90_000, limitBytes: 90_000 });
    expect(asked).toBe(2);
  });
});
