// @arizeai/openinference-instrumentation-openai on the `openai` client,
// instrumented by hand (its loader hook crashes at start-up: interop-notes.md).
import * as openaiModule from 'openai';
import { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import { env, startTelemetry } from './harness.mjs';
import { runWeatherAgent } from './openai-agent.mjs';

const instrumentation = new OpenAIInstrumentation();
const telemetry = startTelemetry({
  scenario: 'openinference-openai',
  instrumentations: [instrumentation],
  packages: ['openai', '@arizeai/openinference-instrumentation-openai'],
});
instrumentation.manuallyInstrument(openaiModule);

const client = new openaiModule.OpenAI({ baseURL: env.modelUrl, apiKey: env.modelKey, maxRetries: 0 });
await runWeatherAgent(client);
await telemetry.shutdown();
