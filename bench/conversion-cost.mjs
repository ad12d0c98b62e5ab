// (h) what converting one span costs per convention, on the spans the real
// instrumentations wrote in the interop tests (test/interop/captured/*.json),
// replayed through a real tracer so they are the SDK's ReadableSpans.
import { readFileSync } from 'node:fs';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { toAuditEvents } from 'otel-agent-audit';

/** Interop captures by what wrote them: frameworks first, then the LLM-level ones to compare with. */
export const CAPTURES = [
  ['LangChain · OpenInference', 'langchain-openinference'],
  ['LangChain · OpenInference + OI OpenAI', 'langchain-openinference-openai'],
  ['LangChain · Traceloop', 'langchain-traceloop'],
  ['MCP · Traceloop', 'mcp-traceloop'],
  ['OpenAI Agents · OpenInference', 'openai-agents-openinference'],
  ['Mastra · otel-bridge', 'mastra'],
  ['Claude Agent SDK · OpenInference', 'claude-agent-sdk'],
  ['OpenInference Anthropic', 'openinference-anthropic'],
  ['OpenInference OpenAI Responses', 'openinference-openai-responses'],
  ['GenAI · official OpenAI (baseline)', 'opentelemetry-openai'],
];

/** The capture's spans, recorded again on a tracer of their own: same scope, name, kind, times, attributes, events, status. */
function replay(scenario) {
  const capture = JSON.parse(readFileSync(new URL(`../test/interop/captured/${scenario}.json`, import.meta.url), 'utf8'));
  const memory = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  for (const captured of [...capture.spans, ...capture.openSpans]) {
    const tracer = provider.getTracer(captured.scope.name, captured.scope.version);
    const span = tracer.startSpan(captured.name, { kind: SpanKind[captured.kind], attributes: captured.attributes, startTime: captured.startTime });
    for (const event of captured.events) span.addEvent(event.name, event.attributes, event.time);
    if (captured.status.code !== 'UNSET') span.setStatus({ code: SpanStatusCode[captured.status.code], message: captured.status.message });
    span.end(captured.endTime ?? captured.startTime);
  }
  return memory.getFinishedSpans();
}

/** µs per span and per event of `toAuditEvents` over the capture's spans, the median of `rounds`. */
export function conversionCost(scenario, rounds = 7) {
  const spans = replay(scenario);
  const events = toAuditEvents(spans).length;
  // Enough repetitions for about 20,000 spans per round.
  const repeat = Math.max(1, Math.round(20_000 / spans.length));
  const once = () => { for (let i = 0; i < repeat; i++) toAuditEvents(spans); };
  once(); // warm-up
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    once();
    samples.push(Number(process.hrtime.bigint() - start) / 1e3 / repeat);
  }
  const perRun = samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)];
  return { spans: spans.length, events, perSpan: perRun / spans.length, perEvent: events > 0 ? perRun / events : undefined };
}

