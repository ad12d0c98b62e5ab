// A Mastra agent (@mastra/core Agent + createTool) runs the framework script
// against the fake OpenAI server: get_weather (a real HTTP service), then
// get_forecast (throws), then the answer. Mastra's model is its own
// OpenAI-compatible config ({ id, url, apiKey }: the AI SDK's
// openai-compatible chat model, so /v1/chat/completions), called with
// agent.generate (doGenerate: no streaming) and no retries. Mastra's spans
// reach our NodeTracerProvider through @mastra/otel-bridge, which starts a real
// OTel span for every Mastra span on the provider it is given.
// The agent's run is the session; INTEROP_SESSION=1 wraps it in withSession,
// whose session it must then be part of.
// No LLM-level instrumentation applies: Mastra calls the model through the AI
// SDK providers it bundles, over fetch — no `openai` client to instrument, and
// not through the AI SDK's generateText, so no `ai.*` spans. The undici
// instrumentation the harness installs describes the HTTP request, nothing more.
import { Mastra } from '@mastra/core';
import { Agent } from '@mastra/core/agent';
import { createTool } from '@mastra/core/tools';
import { Observability } from '@mastra/observability';
import { withSession } from 'otel-agent-audit';
import { OtelBridge } from '@mastra/otel-bridge';
import { z } from 'zod';
import { AGENT, FORECAST_TOOL, MODEL, QUESTION, SYSTEM_PROMPT, WEATHER_TOOL } from '../../interop/scenarios/framework-tools.mjs';
import { env, startTelemetry } from './harness.mjs';

const telemetry = startTelemetry({
  scenario: 'mastra',
  packages: ['@mastra/core', '@mastra/observability', '@mastra/otel-bridge', '@mastra/otel-exporter', 'zod'],
});

/** A Mastra tool from one of the shared tool definitions (its JSON schema, via zod). */
function mastraTool(tool) {
  return createTool({
    id: tool.name,
    description: tool.description,
    inputSchema: z.fromJSONSchema(tool.parameters),
    execute: (input) => tool.run(input),
  });
}

const agent = new Agent({
  id: AGENT,
  name: AGENT,
  instructions: SYSTEM_PROMPT,
  model: { id: `openai/${MODEL}`, url: env.modelUrl, apiKey: env.modelKey },
  tools: { [WEATHER_TOOL.name]: mastraTool(WEATHER_TOOL), [FORECAST_TOOL.name]: mastraTool(FORECAST_TOOL) },
});

const mastra = new Mastra({
  agents: { [AGENT]: agent },
  observability: new Observability({
    configs: {
      default: { serviceName: 'interop-mastra', bridge: new OtelBridge({ tracerProvider: telemetry.tracerProvider }) },
    },
  }),
});

const generate = () => mastra.getAgent(AGENT).generate(QUESTION, { maxSteps: 3, modelSettings: { maxRetries: 0 } });
const result = process.env.INTEROP_SESSION === '1' ? await withSession({ agentName: AGENT }, generate) : await generate();
console.log(`answer: ${result.text}`);
for (const step of result.steps ?? []) {
  for (const toolResult of step.toolResults ?? []) console.log(`tool result: ${JSON.stringify(toolResult.payload ?? toolResult)}`);
}
// Mastra ends its OTel spans asynchronously (after converting each span): drain it first.
await mastra.shutdown();
await telemetry.shutdown();
