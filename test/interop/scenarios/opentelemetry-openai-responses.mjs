// @opentelemetry/instrumentation-openai on the `openai` client's Responses API
// (`client.responses.create`, patched since 0.21 beside chat completions).
// Content is written only as `gen_ai.client.inference.operation.details` log
// records (OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true, set by the test).
import { createRequire } from 'node:module';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { env, startTelemetry } from './harness.mjs';
import { runResponsesAgent } from './openai-responses-agent.mjs';

const telemetry = startTelemetry({
  scenario: 'opentelemetry-openai-responses',
  instrumentations: [new OpenAIInstrumentation()],
  packages: ['openai', '@opentelemetry/instrumentation-openai', '@opentelemetry/sdk-logs'],
});

// Loaded after the instrumentation is enabled, through require: the CommonJS
// build is the one its require hook patches (an ESM import needs a loader hook).
const { OpenAI } = createRequire(import.meta.url)('openai');
const client = new OpenAI({ baseURL: env.modelUrl, apiKey: env.modelKey, maxRetries: 0 });

await runResponsesAgent(client);
await telemetry.shutdown();
