// Quickstart for a new app: one call sets up tracing with audit export.
//
//   npx otel-agent-audit serve                       # terminal 1: local audit receiver
//   SECUREAGENTICS_API_KEY=dev SECUREAGENTICS_BASE_URL=http://127.0.0.1:8787 \
//     node examples/quickstart.mjs                   # terminal 2
//
// Against the real service, set SECUREAGENTICS_API_KEY only. Set
// OTEL_EXPORTER_OTLP_ENDPOINT as well to send the same spans over OTLP.
import { setupAudit, withLLMCall, withSession, withToolCall } from 'otel-agent-audit';

const audit = setupAudit({ serviceName: 'quickstart-agent' });

// Your model client; any SDK works. This one answers like OpenAI's chat API.
const model = {
  async chat(messages) {
    return {
      id: 'chatcmpl-quickstart',
      object: 'chat.completion',
      model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: `You said: ${messages.at(-1).content}` }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 9, completion_tokens: 4 },
    };
  },
};

const answer = await withSession({ agentName: 'quickstart-agent' }, async () => {
  const messages = [{ role: 'user', content: 'What is the weather in Oslo?' }];
  const forecast = await withToolCall('get_forecast', { city: 'Oslo' }, async () => ({ sky: 'rain', celsius: 7 }));
  messages.push({ role: 'user', content: `Forecast: ${JSON.stringify(forecast)}` });
  const reply = await withLLMCall({ model: 'gpt-4o-mini', provider: 'openai', messages }, () => model.chat(messages));
  return reply.choices[0].message.content;
});

console.log(answer);
await audit.shutdown(); // delivers what is still queued
console.log(JSON.stringify(audit.stats().backends));
