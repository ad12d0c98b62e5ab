// @arizeai/openinference-instrumentation-anthropic on the `@anthropic-ai/sdk`
// client, instrumented by hand as its README says for ESM. Inside one session:
// a Messages call the model answers with a tool_use, the tool (run by the
// agent, recorded with withToolCall under the tool_use id), and a second call
// whose last user message carries the tool_result block, answered with text.
import Anthropic from '@anthropic-ai/sdk';
import { AnthropicInstrumentation } from '@arizeai/openinference-instrumentation-anthropic';
import { withSession, withToolCall } from 'otel-agent-audit';
import { AGENT_NAME, env, startTelemetry } from './harness.mjs';
import { getWeather } from './weather-service.mjs';

export const MODEL = 'claude-haiku-4-5';
const SYSTEM_PROMPT = 'You are a weather assistant. Use tools for facts.';
const QUESTION = 'What is the weather in Oslo?';
const TOOLS = [
  {
    name: 'get_weather',
    description: 'Current weather for a city',
    input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
];

const instrumentation = new AnthropicInstrumentation();
const telemetry = startTelemetry({
  scenario: 'openinference-anthropic',
  instrumentations: [instrumentation],
  packages: ['@anthropic-ai/sdk', '@arizeai/openinference-instrumentation-anthropic'],
});
instrumentation.manuallyInstrument(Anthropic);

const client = new Anthropic({ baseURL: env.modelUrl, apiKey: env.modelKey, maxRetries: 0 });

await withSession({ agentName: AGENT_NAME }, async () => {
  const messages = [{ role: 'user', content: QUESTION }];
  const ask = () => client.messages.create({ model: MODEL, max_tokens: 1024, system: SYSTEM_PROMPT, messages, tools: TOOLS });
  const first = await ask();
  messages.push({ role: 'assistant', content: first.content });
  const results = [];
  for (const block of first.content) {
    if (block.type !== 'tool_use') continue;
    const result = await withToolCall(block.name, block.input, () => getWeather(block.input), { callId: block.id });
    results.push({ type: 'tool_result', tool_use_id: block.id, content: JSON.stringify(result) });
  }
  messages.push({ role: 'user', content: results });
  const second = await ask();
  console.log(`answer: ${second.content.find((b) => b.type === 'text')?.text}`);
});
await telemetry.shutdown();
