// @opentelemetry/instrumentation-openai on the `openai` client. Content is
// written only as log records (OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true,
// set by the test), which auditLogRecordProcessor() joins to the spans.
import { createRequire } from 'node:module';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { env, startTelemetry } from './harness.mjs';
import { runWeatherAgent } from './openai-agent.mjs';

const telemetry = startTelemetry({
  scenario: 'opentelemetry-openai',
  instrumentations: [new OpenAIInstrumentation()],
  packages: ['openai', '@opentelemetry/instrumentation-openai', '@opentelemetry/sdk-logs'],
});

// Loaded after the instrumentation is enabled, through require: the CommonJS
// build is the one its require hook patches (an ESM import needs a loader hook).
const { OpenAI } = createRequire(import.meta.url)('openai');
const client = new OpenAI({ baseURL: env.modelUrl, apiKey: env.modelKey, maxRetries: 0 });

await runWeatherAgent(client);
await telemetry.shutdown();
