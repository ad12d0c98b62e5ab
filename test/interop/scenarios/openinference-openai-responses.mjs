// @arizeai/openinference-instrumentation-openai on the `openai` client's
// Responses API (`client.responses.create`), instrumented by hand as in
// openinference-openai.mjs (its loader hook crashes at start-up: interop-notes.md).
import * as openaiModule from 'openai';
import { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import { env, startTelemetry } from './harness.mjs';
import { runResponsesAgent } from './openai-responses-agent.mjs';

const instrumentation = new OpenAIInstrumentation();
const telemetry = startTelemetry({
  scenario: 'openinference-openai-responses',
  instrumentations: [instrumentation],
  packages: ['openai', '@arizeai/openinference-instrumentation-openai'],
});
instrumentation.manuallyInstrument(openaiModule);

const client = new openaiModule.OpenAI({ baseURL: env.modelUrl, apiKey: env.modelKey, maxRetries: 0 });
await runResponsesAgent(client);
await telemetry.shutdown();
