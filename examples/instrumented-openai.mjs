// An agent that is already instrumented: the real `openai` client with the
// official `@opentelemetry/instrumentation-openai`. Its code has no audit calls
// around model calls; the audit trail comes from the instrumentation's spans
// and (for message content) its log records. Everything runs on this machine:
// a small fake OpenAI-compatible model server and the local audit receiver are
// started in this process.
//
//   npm install openai@6 @opentelemetry/instrumentation @opentelemetry/instrumentation-openai @opentelemetry/sdk-logs
//   npm install @opentelemetry/api-logs   # only on API 1.9 (SDK 2.x); API 1.10 has the logs API in it
//   node examples/instrumented-openai.mjs
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import * as api from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { auditLogRecordProcessor, secureagentics, setupAudit, withSession, withToolCall } from 'otel-agent-audit';
import { startAuditReceiver } from 'otel-agent-audit/receiver';

// The logs API of this app's line: part of @opentelemetry/api from 1.10, its own
// package before. A LoggerProvider set through the other one sees no records.
const { logs } = api.logs === undefined ? await import('@opentelemetry/api-logs') : api;

const receiver = await startAuditReceiver({ port: 0 });
const modelServer = await startFakeModel();

// 1. Tracing with audit export, and a LoggerProvider whose audit processor joins
//    the instrumentation's content log records to their spans.
const audit = setupAudit({
  serviceName: 'instrumented-openai-example',
  otlp: false,
  backends: [secureagentics({ apiKey: 'local-dev-key', baseUrl: receiver.url })],
});
const loggerProvider = new LoggerProvider({ processors: [auditLogRecordProcessor(audit)] });
logs.setGlobalLoggerProvider(loggerProvider);

// 2. The instrumentation, enabled before `openai` is loaded. Content capture is
//    off by default (OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true also turns it on).
registerInstrumentations({ instrumentations: [new OpenAIInstrumentation({ captureMessageContent: true })] });
// Through require: the CommonJS build is the one its require hook patches. A
// plain ESM import would need a loader hook (`node --import`) to be patched.
const { OpenAI } = createRequire(import.meta.url)('openai');

// 3. The agent: plain OpenAI calls, one tool.
const client = new OpenAI({ baseURL: `${modelServer.url}/v1`, apiKey: 'sk-local-fake' });
const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
const answer = await withSession({ agentName: 'weather-agent' }, async () => {
  const messages = [{ role: 'user', content: 'What is the weather in Oslo?' }];
  const first = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools });
  const call = first.choices[0].message.tool_calls[0];
  messages.push({ role: 'assistant', content: null, tool_calls: [call] });
  const args = JSON.parse(call.function.arguments);
  // Tools are the agent's own code: withToolCall records them.
  const weather = await withToolCall(call.function.name, args, async () => ({ city: args.city, celsius: 12, sky: 'light rain' }), { callId: call.id });
  messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(weather) });
  const second = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools });
  return second.choices[0].message.content;
});
console.log(`Agent: ${answer}`);

await loggerProvider.shutdown();
await audit.shutdown();
// Batches arrive concurrently: order by time (session.start first and session.end last within a millisecond).
const rank = (event) => (event.payload.name === 'session.start' ? 0 : event.payload.name === 'session.end' ? 2 : 1);
const events = [...receiver.events()].sort((a, b) => a.timestamp.localeCompare(b.timestamp) || rank(a) - rank(b));
await Promise.all([receiver.close(), modelServer.close()]);

console.log(`\nAudit trail: ${events.length} events`);
for (const { type, payload } of events) {
  const detail = {
    prompt: () => `${payload.model} (${payload.token_count} tokens): ${String(payload.prompt).split('\n').at(-1)}`,
    completion: () => `${payload.model} (${payload.token_count} tokens): ${payload.response ?? `[${payload.finish_reasons}]`}`,
    tool_call: () => `${payload.tool_name} ${JSON.stringify(payload.arguments)} → ${JSON.stringify(payload.result)}`,
    error: () => `${payload.error_type}: ${payload.message}`,
  }[type]?.() ?? payload.name;
  console.log(`  ${type.padEnd(10)} ${detail}`);
}

/** A stand-in for the OpenAI API: asks for `get_weather` first, then answers from the tool's result. */
async function startFakeModel() {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const { model, messages } = JSON.parse(body);
      const toolResult = messages.find((m) => m.role === 'tool');
      const message = toolResult
        ? { role: 'assistant', content: `It is ${JSON.parse(toolResult.content).celsius} °C with ${JSON.parse(toolResult.content).sky} in Oslo.` }
        : { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] };
      const reply = {
        id: `chatcmpl-${messages.length}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: `${model}-2024-07-18`,
        choices: [{ index: 0, message, finish_reason: toolResult ? 'stop' : 'tool_calls' }],
        usage: { prompt_tokens: 20 * messages.length, completion_tokens: toolResult ? 14 : 9, total_tokens: 20 * messages.length + (toolResult ? 14 : 9) },
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    }),
  };
}
