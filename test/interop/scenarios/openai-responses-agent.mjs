// The agent the Responses API scenarios run, whatever instruments the client:
// inside one session, a `responses.create` call whose input is a developer
// instruction and a user message (input_text parts), answered with a
// function_call; the tool (run with withToolCall under the call's call_id);
// then a second call replaying the function_call item and its
// function_call_output, answered with text.
import { withSession, withToolCall } from 'otel-agent-audit';
import { AGENT_NAME } from './harness.mjs';
import { getWeather } from './weather-service.mjs';

export const MODEL = 'gpt-4o-mini';
export const SYSTEM_PROMPT = 'You are a weather assistant. Use tools for facts.';
export const QUESTION = 'What is the weather in Oslo?';

const TOOLS = [
  {
    type: 'function',
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
    strict: true,
  },
];

/** Runs the agent with `client` (an `OpenAI` instance); prints the ids the model used and the answer. */
export async function runResponsesAgent(client) {
  await withSession({ agentName: AGENT_NAME }, async () => {
    const input = [
      { role: 'developer', content: [{ type: 'input_text', text: SYSTEM_PROMPT }] },
      { role: 'user', content: [{ type: 'input_text', text: QUESTION }] },
    ];
    const first = await client.responses.create({ model: MODEL, input, tools: TOOLS });
    for (const item of first.output) {
      input.push(item);
      if (item.type !== 'function_call') continue;
      console.log(`function_call: id=${item.id} call_id=${item.call_id}`);
      const args = JSON.parse(item.arguments);
      const result = await withToolCall(item.name, args, () => getWeather(args), { callId: item.call_id });
      input.push({ type: 'function_call_output', call_id: item.call_id, output: JSON.stringify(result) });
    }
    const second = await client.responses.create({ model: MODEL, input, tools: TOOLS });
    console.log(`answer: ${second.output_text}`);
  });
}
