// @traceloop/instrumentation-openai (OpenLLMetry) on the `openai` client,
// instrumented by hand: manuallyInstrument takes the OpenAI class.
import OpenAI from 'openai';
import { OpenAIInstrumentation } from '@traceloop/instrumentation-openai';
import { env, startTelemetry } from './harness.mjs';
import { runWeatherAgent } from './openai-agent.mjs';

const instrumentation = new OpenAIInstrumentation();
const telemetry = startTelemetry({
  scenario: 'traceloop-openai',
  instrumentations: [instrumentation],
  packages: ['openai', '@traceloop/instrumentation-openai'],
});
instrumentation.manuallyInstrument(OpenAI);

const client = new OpenAI({ baseURL: env.modelUrl, apiKey: env.modelKey, maxRetries: 0 });
await runWeatherAgent(client);
await telemetry.shutdown();
