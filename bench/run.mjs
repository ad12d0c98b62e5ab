// `npm run bench`: every number is measured side by side in this one run and
// reported as a ratio, because this machine is shared and noisy.
//  (a) cost of withLLMCall / withToolCall over a bare tracer.startActiveSpan;
//  (b) export throughput: AuditSpanExporter → local receiver (own process)
//      against OTLPTraceExporter → local OTLP sink (own process), same spans;
//  (c) the agent's own latency with the audit backend down vs. healthy;
//  (d) the write-ahead spool's append throughput with group commit;
//  (e) the p99 event-loop delay the audit path adds at 1,000 events/s;
//  (f) redaction and the hash chain: µs per event, and export throughput with both on vs. off;
//  (g) `verify`: events/s over a chained trail;
//  (h) conversion cost per span of each convention, on the spans the real instrumentations wrote;
//  (i) the OTLP audit gateway per instance: spans/s in and events/s delivered, against
//      AuditSpanExporter in process on the same spans, into the same receiver;
//  (j) a burst of 100,000 tool calls as fast as the loop allows, at the defaults:
//      spans dropped and RSS growth, each mode in a process of its own (bench/burst.mjs);
//  (k) recording cost of a tool call and an LLM call beside the OpenInference, Langfuse and
//      Traceloop helpers, on one provider with the audit span processor (bench/peer-recording.mjs).
import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { AuditSpanExporter, auditSpanProcessor, secureagentics, toAuditEvents, withLLMCall, withToolCall } from 'otel-agent-audit';
import { eventLoopDelay } from './event-loop-delay.mjs';
import { spoolAppendThroughput } from './spool-append.mjs';
import { completion, discard, handLLMSpan, handToolSpan, messages, nsPerCall } from './helper-workload.mjs';
import { peerRecording } from './peer-recording.mjs';
import { startProcess } from './processes.mjs';
import { CAPTURES, conversionCost } from './conversion-cost.mjs';
import { REQUESTS_IN_FLIGHT, SPANS_PER_REQUEST, startGatewayPath } from './gateway-throughput.mjs';
import { BENCH_SIGNING_KEY, conversation, exportWithTrust, reply, trustCostPerEvent, verifyThroughput } from './trust.mjs';

const ROUNDS = 5;
const runNode = (args) => promisify(execFile)(process.execPath, args, { maxBuffer: 1024 * 1024 });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString('en-US');

function install(processor) {
  const provider = new NodeTracerProvider({ spanProcessors: [processor] });
  provider.register();
  return async () => {
    await provider.shutdown();
    trace.disable(); context.disable(); propagation.disable();
  };
}

async function helperOverhead() {
  const uninstall = install(auditSpanProcessor({ backends: [discard], announceDelivery: false }));
  const tracer = trace.getTracer('bench');
  const variants = {
    'bare startActiveSpan': () => tracer.startActiveSpan('span', (span) => span.end()),
    'hand-written tool span': handToolSpan(tracer),
    withToolCall: (i) => withToolCall('lookup_order', { orderId: i }, () => ({ status: 'shipped' })),
    'hand-written LLM span': handLLMSpan(tracer),
    withLLMCall: () => withLLMCall({ model: 'gpt-4o-mini', provider: 'openai', messages }, () => completion),
  };
  const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (const fn of Object.values(variants)) await nsPerCall(fn, 5_000); // warm-up
  for (let r = 0; r < ROUNDS; r++) for (const [name, fn] of Object.entries(variants)) samples[name].push(await nsPerCall(fn, 20_000));
  await uninstall();
  const m = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)]));
  const bare = m['bare startActiveSpan'];
  console.log('\n(a) helper cost (audit span processor installed for all; median of 5 interleaved rounds × 20,000 calls)');
  for (const [name, ns] of Object.entries(m)) console.log(`    ${name.padEnd(24)} ${fmt(ns).padStart(6)} ns/call   ${(ns / bare).toFixed(2)}× bare span`);
  console.log(`    withToolCall / hand-written tool span   ${(m.withToolCall / m['hand-written tool span']).toFixed(2)}×`);
  console.log(`    withLLMCall / hand-written LLM span     ${(m.withLLMCall / m['hand-written LLM span']).toFixed(2)}×`);
}

async function recordSpans(count) {
  const memory = new InMemorySpanExporter();
  const uninstall = install(new SimpleSpanProcessor(memory));
  for (let i = 0; i < count; i++) withLLMCall({ model: 'gpt-4o-mini', provider: 'openai', messages }, () => completion);
  const spans = memory.getFinishedSpans();
  await uninstall();
  return spans;
}

// The size AuditSpanProcessor converts per turn of the event loop (DEFAULTS.maxSpanBatchSize).
function batches(spans, size = 128) {
  const out = [];
  for (let i = 0; i < spans.length; i += size) out.push(spans.slice(i, i + size));
  return out;
}

async function auditExport(spans, receiverUrl, spool = false) {
  const exporter = new AuditSpanExporter({
    maxQueueSize: 1_000_000,
    // Each run a spool of its own: what one run leaves must not be delivered by the next.
    spoolDir: spool ? mkdtempSync(join(tmpdir(), 'otel-agent-audit-bench-export-')) : false,
    integrity: { signingKey: BENCH_SIGNING_KEY }, // one key: no run makes (and prints) its own
    announceDelivery: false, // each throwaway pipeline would print its first delivery
    backends: [secureagentics({ apiKey: 'bench', baseUrl: receiverUrl, agentName: 'bench-agent' })],
  });
  const start = process.hrtime.bigint();
  // One batch per turn of the event loop, as AuditSpanProcessor drives it, so
  // conversion overlaps sending.
  for (const batch of batches(spans)) {
    exporter.export(batch, () => {});
    await yieldToLoop();
  }
  await exporter.forceFlush();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const { delivered, failed, dropped } = exporter.stats().backends.secureagentics;
  await exporter.shutdown();
  if (failed + dropped > 0) throw new Error(`audit export lost events: ${failed} failed, ${dropped} dropped`);
  return { spansPerSecond: spans.length / seconds, eventsPerSecond: delivered / seconds };
}

async function otlpExport(spans, sinkUrl) {
  const exporter = new OTLPTraceExporter({ url: `${sinkUrl}/v1/traces` });
  const start = process.hrtime.bigint();
  // Up to 8 exports in flight, as many as the audit exporter's requests
  // (BatchSpanProcessor itself would allow only one).
  const pending = batches(spans, 512); // BatchSpanProcessor's default export size
  const results = [];
  const lane = async () => {
    for (let b = pending.shift(); b; b = pending.shift()) results.push(await new Promise((resolve) => exporter.export(b, resolve)));
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await exporter.shutdown();
  if (results.some((r) => r.code !== 0)) throw new Error(`OTLP export failed: ${results.find((r) => r.code !== 0).error}`);
  return { spansPerSecond: spans.length / seconds };
}

async function exportThroughput() {
  const dir = mkdtempSync(join(tmpdir(), 'otel-agent-audit-bench-'));
  const receiver = await startProcess(['dist/esm/cli/main.js', 'serve', '--port', '0', '--quiet', '--file', join(dir, 'trail.jsonl')]);
  const sink = await startProcess(['bench/otlp-sink.mjs']);
  const auditSink = await startProcess(['bench/audit-sink.mjs']);
  // Fresh spans for every round: the receiver answers a re-sent event id as a
  // client's retry (compares it, stores nothing), which is not the path a
  // running agent's new events take. Each destination gets the same spans.
  const SPANS = 25_000;
  // Warm-up: one full round per destination, discarded, so every path is
  // JIT-compiled and every server has grown its buffers before measuring.
  let spans = await recordSpans(SPANS);
  await auditExport(spans, receiver.url, true);
  await auditExport(spans, auditSink.url, true);
  await auditExport(spans, auditSink.url, false);
  await otlpExport(spans, sink.url);
  const runs = { receiver: [], auditSink: [], auditSinkNoSpool: [], otlp: [] };
  for (let r = 0; r < ROUNDS; r++) {
    spans = await recordSpans(SPANS);
    runs.receiver.push(await auditExport(spans, receiver.url, true));
    runs.auditSink.push(await auditExport(spans, auditSink.url, true));
    runs.auditSinkNoSpool.push(await auditExport(spans, auditSink.url, false));
    runs.otlp.push(await otlpExport(spans, sink.url));
  }
  await Promise.all([receiver.stop(), sink.stop(), auditSink.stop()]);
  const m = (xs, key) => median(xs.map((x) => x[key]));
  const otlpSpans = m(runs.otlp, 'spansPerSecond');
  const row = (label, x) =>
    console.log(`    ${label.padEnd(44)} ${fmt(m(x, 'spansPerSecond')).padStart(8)} spans/s ${fmt(m(x, 'eventsPerSecond')).padStart(8)} events/s   ${(m(x, 'spansPerSecond') / otlpSpans).toFixed(2)}× OTLP spans/s  ${(m(x, 'eventsPerSecond') / otlpSpans).toFixed(2)}× as items/s`);
  console.log(`\n(b) export throughput, ${fmt(SPANS)} LLM-call spans (2 audit events each), median of ${ROUNDS} alternating rounds, new spans each round`);
  row('AuditSpanExporter, spool → local receiver', runs.receiver);
  row('AuditSpanExporter, spool → audit sink', runs.auditSink);
  row('AuditSpanExporter, no spool → audit sink', runs.auditSinkNoSpool);
  console.log(`    ${'OTLPTraceExporter → minimal OTLP sink'.padEnd(44)} ${fmt(otlpSpans).padStart(8)} spans/s`);
  console.log(`    spool on / spool off (audit sink)            ${(m(runs.auditSink, 'spansPerSecond') / m(runs.auditSinkNoSpool, 'spansPerSecond')).toFixed(2)}×`);
}

async function latencyWithBackendDown() {
  const receiver = await startProcess(['dist/esm/cli/main.js', 'serve', '--port', '0', '--quiet']);
  const run = () => withLLMCall({ model: 'gpt-4o-mini', messages }, () => completion);
  const samples = { healthy: [], down: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const [state, baseUrl] of [['healthy', receiver.url], ['down', 'http://127.0.0.1:9']]) {
      const processor = auditSpanProcessor({ backends: [secureagentics({ apiKey: 'bench', baseUrl })], maxAttempts: 3, initialBackoffMillis: 50, spoolDir: false, announceDelivery: false });
      const uninstall = install(processor);
      samples[state].push(await nsPerCall(run, 10_000));
      await uninstall();
    }
  }
  await receiver.stop();
  const healthy = median(samples.healthy);
  const down = median(samples.down);
  console.log('\n(c) agent latency per withLLMCall, audit backend healthy vs. down (connection refused), median of 5 rounds × 10,000 calls');
  console.log(`    healthy ${fmt(healthy)} ns/call   down ${fmt(down)} ns/call   ratio down / healthy ${(down / healthy).toFixed(2)}×`);
}

async function spoolAppend() {
  const spans = await recordSpans(25_000);
  const converted = toAuditEvents(spans);
  const events = [];
  while (events.length < 200_000) events.push(...converted);
  await spoolAppendThroughput(events.slice(0, 20_000)); // warm-up
  const runs = [];
  for (let r = 0; r < ROUNDS; r++) runs.push(await spoolAppendThroughput(events));
  console.log(`\n(d) spool append, ${fmt(events.length)} converted events in batches of 128, group commit every 100 ms (write + fdatasync), median of ${ROUNDS} rounds`);
  console.log(`    ${fmt(median(runs.map((x) => x.eventsPerSecond)))} events/s durable   ${fmt(median(runs.map((x) => x.bytesPerEvent)))} bytes/event on disk`);
}

async function loopDelay() {
  const auditSink = await startProcess(['bench/audit-sink.mjs']);
  const variants = ['no audit', 'audit, no spool', 'audit, spool'];
  const samples = Object.fromEntries(variants.map((v) => [v, []]));
  const rounds = 3;
  for (let r = 0; r < rounds; r++) for (const v of variants) samples[v].push(await eventLoopDelay(v, auditSink.url));
  await auditSink.stop();
  console.log(`\n(e) event-loop delay at 1,000 tool calls/s (10 every 10 ms), audit sink in its own process, median of ${rounds} alternating rounds × 4 s`);
  const p99 = (v) => median(samples[v].map((x) => x.p99));
  for (const v of variants) console.log(`    ${v.padEnd(18)} p99 ${p99(v).toFixed(2)} ms   max ${median(samples[v].map((x) => x.max)).toFixed(2)} ms   mean ${median(samples[v].map((x) => x.mean)).toFixed(3)} ms`);
  console.log(`    added by the audit path with the spool: p99 ${(p99('audit, spool') - p99('no audit')).toFixed(2)} ms (spool alone: ${(p99('audit, spool') - p99('audit, no spool')).toFixed(2)} ms)`);
}

/**
 * Model-call spans of a support conversation of about 1.5 KB; each call's
 * last user message is its own (as each turn of an agent is), the rest of
 * the history repeats.
 */
async function conversationSpans(count) {
  const memory = new InMemorySpanExporter();
  const uninstall = install(new SimpleSpanProcessor(memory));
  for (let i = 0; i < count; i++) {
    const turn = [...conversation.slice(0, -1), { role: 'user', content: `${conversation.at(-1).content} (ticket ${i})` }];
    withLLMCall({ model: 'gpt-4o-mini', provider: 'openai', messages: turn }, () => reply);
  }
  const spans = memory.getFinishedSpans();
  await uninstall();
  return spans;
}

async function trustCost() {
  for (const [label, make] of [['short model calls (the spans of (b))', recordSpans], ['a ~1.5 KB conversation per call', conversationSpans]]) await trustCostOf(label, make);
}

async function trustCostOf(label, make) {
  const spans = await make(10_000);
  const events = toAuditEvents(spans);
  const bytes = Math.round(events.reduce((n, e) => n + JSON.stringify(e.payload).length, 0) / events.length);
  const cost = trustCostPerEvent(events);
  console.log(`\n(f) redaction and hash chain, ${label}: ${fmt(events.length)} converted events (prompt and completion, ${fmt(bytes)} B of payload on average, nothing to redact), median of 7 rounds`);
  console.log(`    redaction ${cost.redaction.toFixed(1)} µs/event   chain (link + hash, checkpoint every 1,000) ${cost.chain.toFixed(1)} µs/event   both ${cost.both.toFixed(1)} µs/event`);
  const auditSink = await startProcess(['bench/audit-sink.mjs']);
  const SPANS = 10_000;
  await exportWithTrust(await make(SPANS), auditSink.url, true); // warm-up
  await exportWithTrust(await make(SPANS), auditSink.url, false);
  const runs = { on: [], off: [] };
  for (let r = 0; r < ROUNDS; r++) {
    runs.off.push(await exportWithTrust(await make(SPANS), auditSink.url, false));
    runs.on.push(await exportWithTrust(await make(SPANS), auditSink.url, true));
  }
  await auditSink.stop();
  const on = median(runs.on);
  const off = median(runs.off);
  console.log(`    export, spool → audit sink, ${fmt(SPANS)} spans, median of ${ROUNDS} alternating rounds: both on ${fmt(on)} spans/s   both off ${fmt(off)} spans/s   on / off ${(on / off).toFixed(2)}×`);
}

async function verifySpeed() {
  console.log(`\n(g) verify, a chained trail of 100,000 events in the receiver's stored form, median of 5 rounds`);
  const cases = [['short model calls', recordSpans, false], ['~1.5 KB conversations', conversationSpans, false], ['short, keys re-serialised', recordSpans, true]];
  for (const [label, make, reserialised] of cases) {
    const result = await verifyThroughput(toAuditEvents(await make(50_000)), { reserialised });
    console.log(`    ${label.padEnd(25)} ${fmt(result.bytesPerLine).padStart(5)} B/line   verifyTrailSource (reading the file) ${fmt(result.fromFile).padStart(6)} events/s   verifyTrail (lines in memory) ${fmt(result.inMemory).padStart(6)} events/s`);
  }
}

function conversionPerConvention() {
  console.log('\n(h) toAuditEvents per convention, on the spans of the interop captures (replayed through a real tracer), median of 7 rounds × ~20,000 spans');
  const rows = CAPTURES.map(([label, scenario]) => [label, conversionCost(scenario)]);
  const baseline = rows.at(-1)[1].perSpan;
  for (const [label, r] of rows) {
    const perEvent = r.perEvent === undefined ? '   —' : r.perEvent.toFixed(1).padStart(5);
    console.log(`    ${label.padEnd(40)} ${String(r.spans).padStart(3)} spans → ${String(r.events).padStart(2)} events   ${r.perSpan.toFixed(1).padStart(5)} µs/span   ${perEvent} µs/event   ${(r.perSpan / baseline).toFixed(2)}× baseline per span`);
  }
}

async function gatewayThroughput() {
  const gateway = await startGatewayPath();
  // 15,000 spans × 5 rounds, not (b)'s 25,000: both paths deliver some
  // 6,000 spans/s here, so this keeps the part near a minute.
  const SPANS = 15_000;
  const round = async (spans) => {
    // What the receiver will store for the gateway: the converted events (spans outside a session make no session events).
    const events = toAuditEvents(spans).length;
    // (b)'s in-process exporter, into the same receiver (an agent of its own each round).
    const inProcess = await auditExport(spans, gateway.receiverUrl, true);
    return { inProcess, gateway: await gateway.throughGateway(spans, events) };
  };
  await round(await recordSpans(5_000)); // warm-up, discarded: JIT and buffers in all three processes
  const runs = [];
  for (let r = 0; r < ROUNDS; r++) runs.push(await round(await recordSpans(SPANS)));
  await gateway.stop();
  const m = (side, key) => median(runs.map((x) => x[side][key]));
  const gatewayIn = m('gateway', 'spansPerSecond');
  const inProcess = m('inProcess', 'spansPerSecond');
  const target = (ok) => (ok ? 'met' : 'NOT met');
  const row = (label, spans, events, note = '') =>
    console.log(`    ${label.padEnd(56)} ${spans === undefined ? ' '.repeat(16) : `${fmt(spans).padStart(8)} spans/s`} ${events === undefined ? ' '.repeat(17) : `${fmt(events).padStart(8)} events/s`}   ${note}`.trimEnd());
  console.log(`\n(i) audit gateway, one instance: ${fmt(SPANS)} LLM-call spans (2 audit events each), median of ${ROUNDS} alternating rounds, new spans each round; gateway and receiver each in its own process`);
  console.log(`    OTLPTraceExporter (protobuf, ${REQUESTS_IN_FLIGHT} requests × ${SPANS_PER_REQUEST} spans in flight) → gateway (spool, redaction, chain at the defaults) → local receiver:`);
  row('  in (answered 200: its events fsynced in the spool)', gatewayIn, undefined, `target ≥ 20,000 spans/s: ${target(gatewayIn >= 20_000)}`);
  row('  delivered (stored by the receiver)', undefined, m('gateway', 'eventsPerSecond'));
  row('AuditSpanExporter in process, spool → local receiver', inProcess, m('inProcess', 'eventsPerSecond'));
  console.log(`    gateway in / in process, spans/s           ${(gatewayIn / inProcess).toFixed(2)}×   target ≥ 0.5×: ${target(gatewayIn / inProcess >= 0.5)}`);
  console.log(`    gateway delivered / in process, events/s   ${(m('gateway', 'eventsPerSecond') / m('inProcess', 'eventsPerSecond')).toFixed(2)}×`);
}

async function burst() {
  const CALLS = 100_000;
  console.log(`\n(j) a burst of ${fmt(CALLS)} tool calls as fast as the loop allows, default settings (span queue ${fmt(8192)}, spool on), each run in a process of its own, median of 3 runs`);
  for (const mode of ['yielding', 'awaited', 'sync']) {
    const runs = [];
    for (let r = 0; r < 3; r++) {
      const { stdout } = await runNode([fileURLToPath(new URL('./burst.mjs', import.meta.url)), String(CALLS), mode]);
      runs.push(JSON.parse(stdout.trim().split('\n').at(-1)));
    }
    const m = (key) => median(runs.map((x) => x[key]));
    const label = { yielding: 'the loop turning every 100 calls', awaited: 'each call awaited (async tool)', sync: 'a plain loop (sync tool)' }[mode];
    const dropped = Math.max(...runs.map((x) => x.spansDropped));
    const lost = Math.max(...runs.map((x) => x.calls - x.delivered));
    console.log(
      `    ${label.padEnd(32)} ${fmt(m('burstMillis'))} ms   spans dropped ${fmt(dropped)} (target 0: ${dropped === 0 ? 'met' : 'NOT met'})   tool calls not delivered ${fmt(lost)}   RSS growth ${fmt(m('rssGrowthMB'))} MB (target ≤ 100: ${m('rssGrowthMB') <= 100 ? 'met' : 'NOT met'})`,
    );
  }
}

const only = process.argv.slice(2);
const parts = { a: helperOverhead, b: exportThroughput, c: latencyWithBackendDown, d: spoolAppend, e: loopDelay, f: trustCost, g: verifySpeed, h: conversionPerConvention, i: gatewayThroughput, j: burst, k: peerRecording };
console.log(`otel-agent-audit benchmark — node ${process.version}, ${new Date().toISOString()}`);
for (const [key, part] of Object.entries(parts)) if (only.length === 0 || only.includes(key)) await part();
