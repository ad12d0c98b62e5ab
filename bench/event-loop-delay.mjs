// (e) What the audit path adds to the agent's event loop at a steady 1,000
// events/s: p99 of monitorEventLoopDelay while a timer makes one tool call
// per millisecond's worth of events (10 every 10 ms), with no audit
// processor, with the audit processor and no spool, and with the spool.
import { trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { auditSpanProcessor, secureagentics, withToolCall } from 'otel-agent-audit';

/** p99 and max event-loop delay (ms) over `seconds` at `rate` tool calls/s. */
export async function eventLoopDelay(variant, sinkUrl, { seconds = 4, rate = 1_000 } = {}) {
  const processors =
    variant === 'no audit'
      ? []
      : [
          auditSpanProcessor({
            backends: [secureagentics({ apiKey: 'bench', baseUrl: sinkUrl, agentName: 'bench-agent' })],
            spoolDir: variant === 'audit, spool' ? mkdtempSync(join(tmpdir(), 'otel-agent-audit-bench-eld-')) : false,
            announceDelivery: false,
          }),
        ];
  const provider = new NodeTracerProvider({ spanProcessors: processors });
  provider.register();
  const perTick = rate / 100;
  let seq = 0;
  const timer = setInterval(() => {
    for (let i = 0; i < perTick; i++) withToolCall('lookup_order', { orderId: seq++ }, () => ({ status: 'shipped', items: 3 }));
  }, 10);
  await sleep(500); // warm-up
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  await sleep(seconds * 1000);
  histogram.disable();
  clearInterval(timer);
  await provider.shutdown();
  trace.disable();
  return { p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6, mean: histogram.mean / 1e6 };
}
