import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventSpool } from '../../../../src/deliver/spool/event-spool.js';
import type { SpoolEntry } from '../../../../src/deliver/spool/spool-entry.js';
import type { AuditEvent } from '../../../../src/model/audit-event.js';

const event = (i: number, text = ''): AuditEvent => ({ id: `t-s${i}-custom`, type: 'custom', traceId: 't', spanId: `s${i}`, timestamp: new Date().toISOString(), payload: { name: 'x', i, text } });

function open(dir: string): EventSpool {
  const spool = EventSpool.open({ serviceDir: dir, maxBytes: 1024 ** 3, flushMillis: 5, maxEventAgeMillis: 86_400_000 });
  if (!(spool instanceof EventSpool)) throw new Error(spool.problem);
  return spool;
}

/** A feed whose queue takes `room` entries at a time and settles them at once. */
function collect(spool: EventSpool, room: number) {
  const got: SpoolEntry[] = [];
  const losses: string[] = [];
  const feed = spool.feed('b', {
    offer: (entries) => {
      const taken = entries.slice(0, room);
      got.push(...taken);
      setImmediate(() => feed.settle(taken));
      return taken.length;
    },
    room: () => room,
    lose: (count, _kind, reason) => losses.push(`${count} ${reason}`),
  });
  return { got, losses, feed };
}

describe('reading a backlog back, a window at a time', () => {
  it('reads every record once, records larger than the window included, and counts nothing lost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spool-window-'));
    const first = open(dir);
    first.feed('b', { offer: () => 0, room: () => 0, lose: () => {} }); // a backend that takes nothing: everything is written
    first.start();
    const big = 'x'.repeat(1_500_000); // beyond the 1 MiB read window
    const events = [...Array.from({ length: 3_000 }, (_, i) => event(i, 'small')), event(3_000, big), ...Array.from({ length: 50 }, (_, i) => event(3_001 + i))];
    first.append(events);
    await first.close();

    const second = open(dir);
    const { got, losses, feed } = collect(second, 700);
    second.start();
    await expect.poll(() => got.length, { timeout: 10_000 }).toBe(events.length);
    expect(got.map((e) => e.event.id)).toEqual(events.map((e) => e.id));
    expect((got[3_000]!.event.payload['text'] as string).length).toBe(big.length);
    expect(losses).toEqual([]);
    expect(feed.isBehind).toBe(false);
    await second.close();
  });
});
