// The agent the three `openai`-client scenarios run, whatever instruments the
// client: inside one session, a chat call that asks for a tool, the tool
// (executed by the agent, recorded with withToolCall), a second chat call with
// the tool's result, then a call the model server fails with 500 (caught).
import { withSession, withToolCall } from 'otel-agent-audit';
import { AGENT_NAME } from './harness.mjs';
import { getWeather } from './weather-service.mjs';

export const MODEL = 'gpt-4o-mini';
export const SYSTEM_PROMPT = 'You are a weather assistant. Use tools for facts.';
export const QUESTION = 'What is the weather in Oslo?';
export const FAILING_QUESTION = 'And tomorrow?';

const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
];


/** Runs the agent with `client` (an `OpenAI` instance); prints the answer and the failure. */
export async function runWeatherAgent(client) {
  await withSession({ agentName: AGENT_NAME }, async () => {
    const messages = [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content: QUESTION },
    ];
    const first = await client.chat.completions.create({ model: MODEL, messages, tools: TOOLS });
    const request = first.choices[0].message;
    messages.push({ role: 'assistant', content: request.content, tool_calls: request.tool_calls });
    for (const call of request.tool_calls ?? []) {
      const args = JSON.parse(call.function.arguments);
      const result = await withToolCall(call.function.name, args, () => getWeather(args), { callId: call.id });
      messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(result) });
    }
    const second = await client.chat.completions.create({ model: MODEL, messages, tools: TOOLS });
    console.log(`answer: ${second.choices[0].message.content}`);

    try {
      await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: FAILING_QUESTION }] });
    } catch (error) {
      console.log(`failed call: ${error.status ?? error.message}`);
    }
  });
}
