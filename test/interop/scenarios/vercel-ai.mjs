// The Vercel AI SDK (`ai` 6) with `@ai-sdk/openai` against the same fake
// OpenAI server. No patching: telemetry is switched on per call, and the SDK
// executes the tool itself (an `ai.toolCall` span).
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, stepCountIs, tool } from 'ai';
import { withSession } from 'otel-agent-audit';
import { z } from 'zod';
import { AGENT_NAME, env, startTelemetry } from './harness.mjs';
import { FAILING_QUESTION, MODEL, QUESTION, SYSTEM_PROMPT } from './openai-agent.mjs';
import { getWeather } from './weather-service.mjs';

const telemetry = startTelemetry({ scenario: 'vercel-ai', packages: ['ai', '@ai-sdk/openai', 'zod'] });
const provider = createOpenAI({ baseURL: env.modelUrl, apiKey: env.modelKey });
const model = provider.chat(MODEL); // provider(MODEL) would call /v1/responses

const tools = {
  get_weather: tool({
    description: 'Current weather for a city',
    inputSchema: z.object({ city: z.string() }),
    execute: getWeather,
  }),
};

await withSession({ agentName: AGENT_NAME }, async () => {
  const { text } = await generateText({
    model,
    system: SYSTEM_PROMPT,
    prompt: QUESTION,
    tools,
    stopWhen: stepCountIs(3),
    maxRetries: 0,
    experimental_telemetry: { isEnabled: true },
  });
  console.log(`answer: ${text}`);

  try {
    await generateText({ model, prompt: FAILING_QUESTION, maxRetries: 0, experimental_telemetry: { isEnabled: true } });
  } catch (error) {
    console.log(`failed call: ${error.statusCode ?? error.message}`);
  }
});
await telemetry.shutdown();
