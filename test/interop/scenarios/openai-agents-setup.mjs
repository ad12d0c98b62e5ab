// What both OpenAI Agents SDK scenarios share: the SDK pointed at the fake
// model server over Chat Completions, its default trace exporter (a batch
// processor that posts to OpenAI's tracing endpoint) replaced, the two
// framework tools as SDK tools, and a TracingProcessor that records what the
// SDK hands a processor, for our own bridge (written beside the capture).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { trace as otelTrace } from '@opentelemetry/api';
import * as agents from '@openai/agents';
import OpenAI from 'openai';
import { withSession } from 'otel-agent-audit';
import { AGENT, FORECAST_TOOL, MODEL, QUESTION, SYSTEM_PROMPT, WEATHER_TOOL } from './framework-tools.mjs';
import { env } from './harness.mjs';

/** The SDK's tools: the framework tools with JSON-schema parameters; a throw goes to the SDK's default error handling. */
export const TOOLS = [WEATHER_TOOL, FORECAST_TOOL].map((t) =>
  agents.tool({ name: t.name, description: t.description, parameters: t.parameters, strict: true, execute: t.run }),
);

/**
 * Points the SDK's default model provider at the fake server: Chat
 * Completions (the fake serves no Responses API), no retries, and no trace
 * export anywhere. Call after instrumenting `agents`, since exclusive
 * instrumentation replaces the processor list; `processors` are appended.
 */
export function configureAgents(processors = []) {
  const client = new OpenAI({ baseURL: env.modelUrl, apiKey: env.modelKey, maxRetries: 0 });
  agents.setDefaultOpenAIClient(client);
  agents.setOpenAIAPI('chat_completions');
  // The SDK turns its tracing off when NODE_ENV=test (agents-core config.mjs), which the
  // test runner sets for this child: turn it back on, as in a deployed app.
  agents.setTracingDisabled(false);
  for (const processor of processors) agents.addTraceProcessor(processor);
  return client;
}

/** Run options every scenario passes: no streaming, sensitive data in traces (the SDK's default, stated). */
export const RUN_OPTIONS = Object.freeze({ stream: false, maxTurns: 6, traceIncludeSensitiveData: true });

/**
 * A TracingProcessor keeping every trace and span callback the SDK makes, with
 * the span data as it stands at that moment (private `_input`/`_response`
 * fields included) and the OTel span active when the callback ran.
 */
export class SdkSpanDump {
  #records = [];

  async onTraceStart(t) {
    this.#records.push({ callback: 'onTraceStart', otelActiveSpanId: activeSpanId(), trace: t.toJSON() });
  }

  async onTraceEnd(t) {
    this.#records.push({ callback: 'onTraceEnd', otelActiveSpanId: activeSpanId(), trace: t.toJSON() });
  }

  async onSpanStart(span) {
    this.#records.push({ callback: 'onSpanStart', otelActiveSpanId: activeSpanId(), span: snapshot(span) });
  }

  async onSpanEnd(span) {
    this.#records.push({ callback: 'onSpanEnd', otelActiveSpanId: activeSpanId(), span: snapshot(span) });
  }

  async shutdown() {}

  async forceFlush() {}

  /** Writes `<name>.json` beside the capture file, when the test asked for a capture. */
  write(name) {
    if (!env.captureFile) return;
    const file = join(dirname(env.captureFile), `${name}.json`);
    writeFileSync(file, `${JSON.stringify({ sdk: '@openai/agents 0.14.3', records: this.#records }, null, 2)}\n`);
  }
}

function activeSpanId() {
  return otelTrace.getActiveSpan()?.spanContext().spanId ?? null;
}

function snapshot(span) {
  return {
    id: span.spanId,
    trace_id: span.traceId,
    parent_id: span.parentId,
    started_at: span.startedAt,
    ended_at: span.endedAt,
    error: span.error,
    span_data: JSON.parse(JSON.stringify(span.spanData)),
  };
}

/**
 * The framework script's agent, run once: prints its answer and what the
 * model was told of the failed tool (the SDK's default errorFunction) —
 * inside a withSession when INTEROP_WITH_SESSION=1.
 */
export async function runWeatherAgent() {
  const agent = new agents.Agent({ name: AGENT, instructions: SYSTEM_PROMPT, model: MODEL, tools: TOOLS });
  const runAgent = async () => {
    const result = await agents.run(agent, QUESTION, RUN_OPTIONS);
    console.log(`answer: ${result.finalOutput}`);
    const failed = result.newItems.find((item) => item.type === 'tool_call_output_item' && item.rawItem.callId === 'call_forecast_1');
    console.log(`failed tool output: ${JSON.stringify(failed?.output)}`);
  };
  if (process.env.INTEROP_WITH_SESSION === '1') await withSession({ agentName: AGENT }, runAgent);
  else await runAgent();
}
