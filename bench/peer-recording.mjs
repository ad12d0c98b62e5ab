// Part (k) of `npm run bench`: what recording one tool call and one LLM call costs
// with our helpers beside the helpers of OpenInference, Langfuse and Traceloop, on
// the same work, in one process, on one NodeTracerProvider (the global one, so one
// API instance) with the audit span processor installed: every variant pays the
// same processor, and the only difference is the helper on the call path.
//
// Each peer is written as its docs show a user writing it:
//  - OpenInference (@arizeai/openinference-core): `traceTool` for the tool; `withSpan`
//    of kind LLM with `getLLMAttributes` in processInput / processOutput for the chat call.
//  - Langfuse (@langfuse/tracing): `startActiveObservation(name, fn, { asType })` and
//    `observation.update({ input, output, model, usageDetails })`. It takes its tracer
//    from the global provider unless `setLangfuseTracerProvider` was called: the global
//    one is ours, checked below. No LangfuseSpanProcessor: nothing is exported.
//  - Traceloop (@traceloop/node-server-sdk): `withTool` and `withLLMCall` with
//    `reportRequest` / `reportResponse`. Its helpers take their tracer from the global
//    provider, but record a tool's input and output only once `initialize()` has run;
//    `initialize({ tracingEnabled: false, traceloopSyncEnabled: false })` sets the
//    configuration without starting its own NodeSDK, exporter or prompt sync.
import { context, propagation, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { auditSpanProcessor, withLLMCall, withToolCall } from 'otel-agent-audit';
import { completion, discard, handLLMSpan, handToolSpan, messages, nsPerCall } from './helper-workload.mjs';

const ROUNDS = 5;
const CALLS = 20_000;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const lookupOrder = () => ({ status: 'shipped' });
const callModel = () => completion;

/** OpenInference: `traceTool` and an LLM `withSpan`, wrapped once as a user would. */
function openInference({ traceTool, withSpan, getLLMAttributes }) {
  const tool = traceTool((args) => lookupOrder(args), { name: 'lookup_order' });
  const chat = withSpan((request) => callModel(request), {
    name: 'chat gpt-4o-mini',
    kind: 'LLM',
    processInput: (request) => getLLMAttributes({ provider: 'openai', modelName: request.model, inputMessages: request.messages }),
    processOutput: (r) =>
      getLLMAttributes({
        responseModelName: r.model,
        outputMessages: r.choices.map((c) => ({ role: c.message.role, content: c.message.content })),
        tokenCount: { prompt: r.usage.prompt_tokens, completion: r.usage.completion_tokens, total: r.usage.prompt_tokens + r.usage.completion_tokens },
      }),
  });
  return { tool: (i) => tool({ orderId: i }), llm: () => chat({ model: 'gpt-4o-mini', messages }) };
}

/** Langfuse: a tool observation and a generation, input and output set through `update`. */
function langfuse({ startActiveObservation }) {
  const tool = (i) =>
    startActiveObservation('lookup_order', (observation) => {
      const args = { orderId: i };
      observation.update({ input: args });
      const result = lookupOrder(args);
      observation.update({ output: result });
      return result;
    }, { asType: 'tool' });
  const llm = () =>
    startActiveObservation('chat gpt-4o-mini', (generation) => {
      generation.update({ model: 'gpt-4o-mini', input: messages });
      const r = callModel();
      generation.update({ output: r.choices[0].message, usageDetails: { input: r.usage.prompt_tokens, output: r.usage.completion_tokens } });
      return r;
    }, { asType: 'generation' });
  return { tool, llm };
}

/** Traceloop: `withTool` (input and output recorded by the helper) and `withLLMCall` with its reports. */
function traceloop({ withTool, withLLMCall: traceloopLLMCall }) {
  const tool = (i) => withTool({ name: 'lookup_order' }, (args) => lookupOrder(args), { orderId: i });
  const llm = () =>
    traceloopLLMCall({ vendor: 'openai', type: 'chat' }, ({ span }) => {
      span.reportRequest({ model: 'gpt-4o-mini', messages });
      const r = callModel();
      span.reportResponse({ model: r.model, usage: { ...r.usage, total_tokens: r.usage.prompt_tokens + r.usage.completion_tokens }, completions: r.choices });
      return r;
    });
  return { tool, llm };
}

/** Loads the peers; a peer that cannot record to this provider without network is left out with the reason. */
async function loadPeers(provider) {
  const peers = {};
  const left = {};
  peers.OpenInference = openInference(await import('@arizeai/openinference-core'));
  const lf = await import('@langfuse/tracing');
  // Langfuse's tracer provider is `trace.getTracerProvider()` (the global proxy) unless one was set for it.
  if (lf.getLangfuseTracerProvider() === trace.getTracerProvider() && trace.getTracerProvider().getDelegate() === provider) peers.Langfuse = langfuse(lf);
  else left.Langfuse = 'its tracer provider is not the global one';
  const tl = await import('@traceloop/node-server-sdk');
  // With an API key in the environment, initialize() would create a client for Traceloop's service.
  delete process.env.TRACELOOP_API_KEY;
  tl.initialize({ tracingEnabled: false, traceloopSyncEnabled: false, silenceInitializationMessage: true, baseUrl: 'http://127.0.0.1:9' });
  peers.Traceloop = traceloop(tl);
  return { peers, left };
}

/**
 * One call of each variant, caught by `lastEnded` and flushed through the audit
 * processor: proof that it recorded to this provider, what the span holds, and
 * which audit events the processor made of it (work that is not the same for all).
 */
async function recorded(variants, lastEnded, probe, provider) {
  const out = {};
  for (const [name, fn] of Object.entries(variants)) {
    await provider.forceFlush();
    lastEnded.span = undefined;
    probe.events = [];
    fn(1);
    await provider.forceFlush();
    const span = lastEnded.span;
    const events = probe.events.length === 0 ? 'no audit event' : `audit events: ${probe.events.map((e) => e.type).join(', ')}`;
    out[name] = span ? `"${span.name}", ${Object.keys(span.attributes).length} attributes, ${events}` : 'NO SPAN on this provider';
  }
  return out;
}

/**
 * Prints ns/call of each variant, its ratio to the bare span and to our helper, what
 * one call recorded (span name, attribute count, the audit events the processor made
 * of it), the ≤ 1.2× target against the hand-written span, and ours against each peer.
 */
export async function peerRecording() {
  const lastEnded = { span: undefined };
  // Discards like `discard`, keeping what it is sent only while the probe is open.
  const probe = { open: true, events: [] };
  const keep = { ...discard, send: async (events) => { if (probe.open) probe.events.push(...events); return { kind: 'delivered' }; } };
  const catchLast = { onStart() {}, onEnd(span) { lastEnded.span = span; }, forceFlush: async () => {}, shutdown: async () => {} };
  const provider = new NodeTracerProvider({ spanProcessors: [auditSpanProcessor({ backends: [keep], announceDelivery: false }), catchLast] });
  provider.register();
  const tracer = trace.getTracer('bench');
  const { peers, left } = await loadPeers(provider);
  const work = {
    tool: { label: 'tool call lookup_order({ orderId })', hand: 'hand-written tool span', ours: 'withToolCall (ours)', fns: { 'hand-written tool span': handToolSpan(tracer), 'withToolCall (ours)': (i) => withToolCall('lookup_order', { orderId: i }, lookupOrder) } },
    llm: { label: 'LLM chat call (2 messages in, 1 out, token counts)', hand: 'hand-written LLM span', ours: 'withLLMCall (ours)', fns: { 'hand-written LLM span': handLLMSpan(tracer), 'withLLMCall (ours)': () => withLLMCall({ model: 'gpt-4o-mini', provider: 'openai', messages }, callModel) } },
  };
  const peerHelper = { OpenInference: { tool: 'traceTool', llm: 'withSpan kind LLM' }, Langfuse: { tool: "startActiveObservation 'tool'", llm: "startActiveObservation 'generation'" }, Traceloop: { tool: 'withTool', llm: 'withLLMCall + reports' } };
  for (const [key, w] of Object.entries(work)) for (const [peer, fns] of Object.entries(peers)) w.fns[`${peer} ${peerHelper[peer][key]}`] = fns[key];
  const variants = { 'bare startActiveSpan': () => tracer.startActiveSpan('span', (span) => span.end()), ...work.tool.fns, ...work.llm.fns };
  const what = await recorded(variants, lastEnded, probe, provider);
  probe.open = false;

  // The audit processor converts each variant's spans after its calls; flushing before
  // every measurement keeps that backlog (and its garbage) out of the next variant's
  // time, and starting each round one variant later keeps any rest from landing on
  // the same neighbour every round.
  const names = Object.keys(variants);
  const samples = Object.fromEntries(names.map((k) => [k, []]));
  const measure = async (name, calls) => {
    await provider.forceFlush();
    return nsPerCall(variants[name], calls);
  };
  for (const name of names) await measure(name, 5_000); // warm-up
  for (let r = 0; r < ROUNDS; r++) for (let v = 0; v < names.length; v++) {
    const name = names[(v + r) % names.length];
    samples[name].push(await measure(name, CALLS));
  }
  await provider.shutdown();
  trace.disable(); context.disable(); propagation.disable();

  const m = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)]));
  const bare = m['bare startActiveSpan'];
  const row = (name, ns, ours) =>
    console.log(`      ${name.padEnd(44)} ${fmt(ns).padStart(6)} ns/call   ${(ns / bare).toFixed(2)}× bare span${ours === undefined ? '             ' : `   ${(ns / ours).toFixed(2)}× ours`}   ${what[name]}`);
  console.log(`\n(k) recording cost beside the peers: the same work on one provider, audit span processor installed for all; median of ${ROUNDS} interleaved rounds × ${fmt(CALLS)} calls, the processor flushed before each`);
  row('bare startActiveSpan', bare);
  for (const [key, w] of Object.entries(work)) {
    const ours = m[w.ours];
    console.log(`    ${w.label}`);
    for (const name of Object.keys(w.fns)) row(name, m[name], ours);
    const hand = ours / m[w.hand];
    console.log(`      ours / ${w.hand}   ${hand.toFixed(2)}×   target ≤ 1.2×: ${hand <= 1.2 ? 'met' : 'NOT met'}`);
    const vs = Object.keys(peers).map((peer) => [peer, ours / m[`${peer} ${peerHelper[peer][key]}`]]);
    const behind = vs.filter(([, ratio]) => ratio > 1).map(([peer]) => peer);
    console.log(`      ours vs each peer (ours / peer): ${vs.map(([peer, ratio]) => `${peer} ${ratio.toFixed(2)}×`).join(' · ')}   never behind: ${behind.length === 0 ? 'met' : `NOT met (behind ${behind.join(', ')})`}`);
  }
  for (const [peer, reason] of Object.entries(left)) console.log(`    ${peer} left out: ${reason}`);
}
