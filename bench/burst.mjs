// Part (j): a burst of tool calls as fast as the agent's loop allows, at the
// default settings (span queue, batch size, spool), in a process of its own
// so that its RSS is the burst's. Run as `node bench/burst.mjs <calls> <mode>`;
// prints one JSON line. Modes: `yielding` (sync tools, the loop turning
// after every 100 calls, as an agent awaiting I/O lets it), `awaited` (each
// call awaited, an async tool: only microtasks run between calls) and `sync`
// (a plain loop of sync tools, nothing else runs until it ends).
import { context, propagation, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditSpanProcessor, withToolCall } from 'otel-agent-audit';

const calls = Number(process.argv[2] ?? 100_000);
const mode = process.argv[3] ?? 'awaited';
/** Tool-call events the backend was sent (the trail's own checkpoints left out). */
let delivered = 0;
const counting = { name: 'counting', maxBatchSize: 100, send: async (events) => { delivered += events.filter((e) => e.type === 'tool_call').length; return { kind: 'delivered' }; }, shutdown: async () => {} };

const spoolDir = mkdtempSync(join(tmpdir(), 'otel-agent-audit-burst-'));
const processor = auditSpanProcessor({ backends: [counting], announceDelivery: false, spoolDir: process.env.BURST_SPOOL === 'off' ? false : spoolDir });
const provider = new NodeTracerProvider({ spanProcessors: [processor] });
provider.register();

let peakRss = 0;
const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);
global.gc?.();
const baseline = process.memoryUsage().rss;
const started = performance.now();
if (mode === 'yielding') {
  for (let i = 0; i < calls; i++) {
    withToolCall('lookup_order', { orderId: i }, () => ({ status: 'shipped' }));
    if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
  }
} else if (mode === 'sync') {
  for (let i = 0; i < calls; i++) withToolCall('lookup_order', { orderId: i }, () => ({ status: 'shipped' }));
} else {
  for (let i = 0; i < calls; i++) await withToolCall('lookup_order', { orderId: i }, async () => ({ status: 'shipped' }));
}
const burstMillis = performance.now() - started;
peakRss = Math.max(peakRss, process.memoryUsage().rss);
await processor.forceFlush();
const stats = processor.stats();
clearInterval(sample);
await provider.shutdown();
trace.disable(); context.disable(); propagation.disable();
rmSync(spoolDir, { recursive: true, force: true });
const backend = stats.backends.counting ?? {};
console.log(JSON.stringify({
  calls, mode, burstMillis, spansDropped: stats.spansDropped, eventsConverted: stats.eventsConverted, delivered,
  eventsDropped: backend.dropped ?? 0, eventsFailed: backend.failed ?? 0, rssGrowthMB: (peakRss - baseline) / 2 ** 20,
}));
