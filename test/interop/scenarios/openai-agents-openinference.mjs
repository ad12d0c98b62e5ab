// The OpenAI Agents SDK (@openai/agents) running the framework script — two
// tool calls, the second throwing, then the answer — traced by
// @arizeai/openinference-instrumentation-openai-agents, a TracingProcessor
// the SDK calls (no patching). Environment switches of the test:
//   INTEROP_LLM_INSTRUMENTATION=openinference  also instrument the `openai` client (LLM-level spans)
//   INTEROP_WITH_SESSION=1                     run the agent inside withSession
import * as agents from '@openai/agents';
import { OpenAIAgentsInstrumentation } from '@arizeai/openinference-instrumentation-openai-agents';
import { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import * as openaiModule from 'openai';
import { startTelemetry } from './harness.mjs';
import { configureAgents, runWeatherAgent, SdkSpanDump } from './openai-agents-setup.mjs';

const llmLevel = process.env.INTEROP_LLM_INSTRUMENTATION === 'openinference';
const bridge = new OpenAIAgentsInstrumentation();
const llm = llmLevel ? [new OpenAIInstrumentation()] : [];
const telemetry = startTelemetry({
  scenario: 'openai-agents-openinference',
  instrumentations: [bridge, ...llm],
  packages: ['@openai/agents', '@arizeai/openinference-instrumentation-openai-agents', 'openai', ...(llmLevel ? ['@arizeai/openinference-instrumentation-openai'] : [])],
});
// ESM: hand the SDK namespace over. Exclusive mode (the default) replaces the SDK's OpenAI trace exporter.
bridge.manuallyInstrument(agents);
if (llmLevel) llm[0].manuallyInstrument(openaiModule);
const dump = new SdkSpanDump();
configureAgents([dump]);

await runWeatherAgent();

dump.write(process.env.INTEROP_WITH_SESSION === '1' ? 'openai-agents-session-sdk-spans' : 'openai-agents-sdk-spans');
await telemetry.shutdown();
