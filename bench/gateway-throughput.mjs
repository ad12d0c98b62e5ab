// (i) the audit gateway's throughput, per instance: an app's ordinary
// OTLPTraceExporter (protobuf) in this process → the gateway in its own
// process (bench/gateway-process.mjs) → the local receiver in a third
// (bench/counting-receiver.mjs). run.mjs measures the in-process
// AuditSpanExporter on the same spans, into the same receiver, beside it.
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess } from './processes.mjs';

// BatchSpanProcessor's default export size, and as many requests in flight
// as (b) allows OTLP and the audit exporter, so the gateway is kept busy.
export const SPANS_PER_REQUEST = 512;
export const REQUESTS_IN_FLIGHT = 8;
const DELIVERY_TIMEOUT_MILLIS = 120_000;

/**
 * Starts the receiver and the gateway. `OTEL_AGENT_AUDIT_BENCH_CPU_PROF=<dir>`
 * runs the gateway under `node --cpu-prof`, its profile written to <dir> at stop.
 */
export async function startGatewayPath() {
  const dir = mkdtempSync(join(tmpdir(), 'otel-agent-audit-bench-gateway-trail-'));
  const receiver = await startProcess(['bench/counting-receiver.mjs', join(dir, 'trail.jsonl')], { ipc: true });
  const agentId = await registerAgent(receiver.url, 'bench-gateway');
  const profile = process.env.OTEL_AGENT_AUDIT_BENCH_CPU_PROF;
  const nodeArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  const gateway = await startProcess(['bench/gateway-process.mjs', receiver.url, agentId], { nodeArgs });
  const exporter = new OTLPTraceExporter({ url: `${gateway.url}/v1/traces` });
  let storedBefore = 0;
  return {
    /** The receiver, for the in-process exporter to deliver to as well. */
    receiverUrl: receiver.url,
    /**
     * Sends `spans` through the gateway; resolves with spans/s in (first
     * export to last 200, which the gateway answers once the events are
     * fsynced in its spool) and events/s delivered (until the receiver has
     * stored `events` more for the gateway's agent).
     */
    async throughGateway(spans, events) {
      const start = process.hrtime.bigint();
      const failures = await exportAll(exporter, spans);
      const inSeconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (failures.length > 0) throw new Error(`gateway refused ${failures.length} export requests: ${failures[0]}`);
      const stored = await storedAtLeast(receiver.child, agentId, storedBefore + events);
      const deliveredSeconds = Number(process.hrtime.bigint() - start) / 1e9;
      storedBefore = stored;
      return { spansPerSecond: spans.length / inSeconds, eventsPerSecond: events / deliveredSeconds };
    },
    async stop() {
      await exporter.shutdown();
      await gateway.stop();
      await receiver.stop();
      rmSync(dir, { recursive: true, force: true }); // the trail: some 800 bytes per event
    },
  };
}

async function exportAll(exporter, spans) {
  const pending = [];
  for (let i = 0; i < spans.length; i += SPANS_PER_REQUEST) pending.push(spans.slice(i, i + SPANS_PER_REQUEST));
  const failures = [];
  const lane = async () => {
    for (let batch = pending.shift(); batch; batch = pending.shift()) {
      const result = await new Promise((resolve) => exporter.export(batch, resolve));
      if (result.code !== 0) failures.push(result.error?.message ?? 'export failed');
    }
  };
  await Promise.all(Array.from({ length: REQUESTS_IN_FLIGHT }, lane));
  return failures;
}

async function registerAgent(receiverUrl, name) {
  const response = await fetch(`${receiverUrl}/v1/agents`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer bench' }, body: JSON.stringify({ name, framework: 'custom' }) });
  if (response.status !== 201) throw new Error(`registering ${name} at the receiver: ${response.status} ${await response.text()}`);
  return (await response.json()).id;
}

/** Resolves with the receiver's count once it has stored at least `events` for `agentId`. */
function storedAtLeast(child, agentId, events) {
  return new Promise((resolve, reject) => {
    // Events the gateway lost would never arrive: fail the part rather than hang the whole benchmark.
    const timer = setTimeout(() => reject(new Error(`the receiver had not stored ${events} events of the gateway's agent after ${DELIVERY_TIMEOUT_MILLIS} ms; see the gateway's stderr`)), DELIVERY_TIMEOUT_MILLIS);
    const onMessage = (message) => {
      if (message.agentId !== agentId || message.stored < events) return;
      child.off('message', onMessage);
      clearTimeout(timer);
      resolve(message.stored);
    };
    child.on('message', onMessage);
    child.send({ agentId, events });
  });
}
