// (f) and (g): what trust costs. Redaction and the hash chain per event, on
// converted model-call events with a realistic ~1.5 KB conversation; the
// export throughput with both on against both off, side by side; and how
// fast `verify` reads a trail.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { AuditSpanExporter, secureagentics, verifyTrail, verifyTrailSource } from 'otel-agent-audit';
import { BUILTIN_RULES, SECRET_KEY_NAMES } from '../dist/esm/redact/builtin-rules.js';
import { redactEvent } from '../dist/esm/redact/redact-event.js';
import { Redactor } from '../dist/esm/redact/redactor.js';
import { signingKeyFromPem } from '../dist/esm/chain/signing-key.js';
import { StreamChain } from '../dist/esm/chain/stream-chain.js';
import { toWireEvent, wireEventJson } from '../dist/esm/backends/secureagentics/secureagentics-wire.js';

/** One key for every run: no run makes (and prints) a key of its own. */
export const BENCH_SIGNING_KEY = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** A support conversation of about 1.5 KB, with no secret in it (the common case: nothing to redact). */
export const conversation = [
  { role: 'system', content: 'You are a support agent for an online shop. Be concise, cite the order status, never promise refunds without checking the policy. ' + 'Policy: returns within 30 days, unused items, receipt required. '.repeat(6) },
  { role: 'user', content: 'Hi, I ordered a pair of running shoes two weeks ago (order 4411) and they still have not arrived. The tracking page says "in transit" since last Monday. Can you check what is going on and tell me when they will arrive? I need them for a race on Saturday.' },
  { role: 'assistant', content: 'Let me look up order 4411 for you.' },
  { role: 'tool', content: '{"orderId":4411,"status":"in_transit","carrier":"PostNord","lastScan":"Oslo terminal","eta":"Thursday"}' },
  { role: 'user', content: 'Thanks. If it does not arrive by Friday, can I get a replacement sent by express? What would that cost, and would I have to send the first pair back when it finally shows up?' },
];

export const reply = {
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Your order 4411 is with PostNord and due Thursday. If it has not arrived by Friday, I can send a replacement by express at no cost; the first pair can be refused at delivery or returned within 30 days.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 412, completion_tokens: 58 },
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** µs per event of `fn(events)`, median of `rounds`. */
function microsPerEvent(fn, events, rounds) {
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    fn(events);
    samples.push(Number(process.hrtime.bigint() - start) / 1e3 / events.length);
  }
  return median(samples);
}

/** Redaction and chaining cost per event (µs), each alone and both, as the exporter runs them. */
export function trustCostPerEvent(events, rounds = 7) {
  const redactor = new Redactor({ rules: BUILTIN_RULES, keyNames: [SECRET_KEY_NAMES], maxLength: 16_384 });
  const key = signingKeyFromPem(BENCH_SIGNING_KEY);
  const redact = (batch) => {
    const counts = {};
    for (const event of batch) redactEvent(event, redactor, counts);
  };
  const chain = (batch) => {
    const stream = new StreamChain({ key, keepTexts: true }); // as the exporter runs it for a Secureagentics backend
    for (let i = 0; i < batch.length; i += 128) stream.link(batch.slice(i, i + 128));
  };
  const both = (batch) => {
    const stream = new StreamChain({ key, keepTexts: true }); // as the exporter runs it for a Secureagentics backend
    const counts = {};
    for (let i = 0; i < batch.length; i += 128) stream.link(batch.slice(i, i + 128).map((e) => redactEvent(e, redactor, counts)));
  };
  for (const fn of [redact, chain, both]) fn(events.slice(0, 2_000)); // warm-up
  const out = { redaction: [], chain: [], both: [] };
  for (let r = 0; r < rounds; r++) {
    out.redaction.push(microsPerEvent(redact, events, 1));
    out.chain.push(microsPerEvent(chain, events, 1));
    out.both.push(microsPerEvent(both, events, 1));
  }
  return { redaction: median(out.redaction), chain: median(out.chain), both: median(out.both) };
}

/** Spans → AuditSpanExporter (spool on) → sink, with redaction and the chain on or off: spans/s. */
export async function exportWithTrust(spans, sinkUrl, trust) {
  const spoolDir = mkdtempSync(join(tmpdir(), 'otel-agent-audit-bench-trust-'));
  const exporter = new AuditSpanExporter({
    maxQueueSize: 1_000_000,
    spoolDir,
    backends: [secureagentics({ apiKey: 'bench', baseUrl: sinkUrl, agentName: 'bench-agent' })],
    redaction: trust ? {} : false,
    integrity: trust ? { signingKey: BENCH_SIGNING_KEY } : false,
    announceDelivery: false,
  });
  const start = process.hrtime.bigint();
  for (let i = 0; i < spans.length; i += 128) {
    exporter.export(spans.slice(i, i + 128), () => {});
    await yieldToLoop();
  }
  await exporter.forceFlush();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const { failed, dropped } = exporter.stats().backends.secureagentics;
  await exporter.shutdown();
  rmSync(spoolDir, { recursive: true, force: true });
  if (failed + dropped > 0) throw new Error(`export lost events: ${failed} failed, ${dropped} dropped`);
  return spans.length / seconds;
}

/**
 * A chained trail of `events` (as the local receiver stores them), written
 * to a file: events/s of `verifyTrailSource` (reading the file) and of
 * `verifyTrail` (lines in memory), median of `rounds`. `reserialised`: each
 * payload's keys in the order of our internal event instead of canonical
 * order, as a trail re-serialised by a backend could hold them (verify then
 * sorts a copy of each).
 */
export async function verifyThroughput(events, { rounds = 5, reserialised = false } = {}) {
  const stream = new StreamChain({ key: signingKeyFromPem(BENCH_SIGNING_KEY), keepTexts: true });
  const chained = [];
  for (let i = 0; i < events.length; i += 128) chained.push(...stream.link(events.slice(i, i + 128)));
  chained.push(...stream.close());
  const lines = chained.map((e) => JSON.stringify(storedForm(e, reserialised)));
  const dir = mkdtempSync(join(tmpdir(), 'otel-agent-audit-bench-verify-'));
  const file = join(dir, 'trail.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const fromFile = [];
  const inMemory = [];
  await verifyTrailSource(file); // warm-up
  for (let r = 0; r < rounds; r++) {
    let start = process.hrtime.bigint();
    const report = await verifyTrailSource(file);
    fromFile.push(chained.length / (Number(process.hrtime.bigint() - start) / 1e9));
    if (!report.ok) throw new Error('the benchmark trail did not verify');
    start = process.hrtime.bigint();
    verifyTrail(lines);
    inMemory.push(chained.length / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  rmSync(dir, { recursive: true, force: true });
  return { events: chained.length, bytesPerLine: Math.round(lines.reduce((n, l) => n + l.length + 1, 0) / lines.length), fromFile: median(fromFile), inMemory: median(inMemory) };
}

/**
 * The local receiver's line for an event (src/receiver/stored-event.ts): the
 * Secureagentics wire event the exporter sends (for a chained event, the
 * canonical text it was hashed over), wrapped as the receiver stores it;
 * `reserialised`, with the payload's keys unsorted (identity first, as
 * `toWireEvent` builds it).
 */
function storedForm(event, reserialised) {
  const wire = reserialised ? toWireEvent(event) : JSON.parse(wireEventJson(event));
  return { id: 'evt_01JBENCH00000000000000000', agent_id: 'agt_bench', type: wire.type, payload: wire.payload, trace_id: wire.trace_id, timestamp: wire.timestamp, policy_result: { decision: 'allow', violations: [] } };
}
