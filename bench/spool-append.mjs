// (d) The write-ahead spool alone: converted events appended in batches of
// 128 (as the exporter does per export), one batch per turn of the event
// loop, group commit every 100 ms (the default); events/s until the last
// one is on disk (fsynced).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { EventSpool } from '../dist/esm/deliver/spool/event-spool.js';

/** Events/s appended and made durable, and the bytes each took on disk. */
export async function spoolAppendThroughput(events, { flushMillis = 100, batch = 128 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'otel-agent-audit-bench-spool-'));
  const spool = EventSpool.open({ serviceDir: dir, maxBytes: 4 * 1024 ** 3, flushMillis, maxEventAgeMillis: 86_400_000 });
  if (!(spool instanceof EventSpool)) throw new Error(spool.problem);
  spool.start();
  const start = process.hrtime.bigint();
  for (let i = 0; i < events.length; i += batch) {
    spool.append(events.slice(i, i + batch));
    await yieldToLoop();
  }
  await spool.commit();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const { bytes } = spool.stats();
  await spool.close();
  rmSync(dir, { recursive: true, force: true });
  return { eventsPerSecond: events.length / seconds, bytesPerEvent: bytes / events.length };
}
