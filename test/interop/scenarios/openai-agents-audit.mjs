// The OpenAI Agents SDK (@openai/agents) running the framework script — two
// tool calls, the second throwing, then the answer — recorded by our own
// trace processor, auditAgentsTraceProcessor (the one line an app adds).
// Environment switches of the test:
//   INTEROP_LLM_INSTRUMENTATION=openinference  also instrument the `openai` client (LLM-level spans)
//   INTEROP_AGENTS_BRIDGE=1                    also register OpenInference's bridge, before ours
//   INTEROP_AGENTS_ORDER=ours-first            … or after ours
//   INTEROP_WITH_SESSION=1                     run the agent inside withSession
import * as agents from '@openai/agents';
import { OpenAIAgentsInstrumentation } from '@arizeai/openinference-instrumentation-openai-agents';
import { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import * as openaiModule from 'openai';
import { auditAgentsTraceProcessor } from 'otel-agent-audit';
import { startTelemetry } from './harness.mjs';
import { configureAgents, runWeatherAgent } from './openai-agents-setup.mjs';

const llmLevel = process.env.INTEROP_LLM_INSTRUMENTATION === 'openinference';
const withBridge = process.env.INTEROP_AGENTS_BRIDGE === '1';
const oursFirst = process.env.INTEROP_AGENTS_ORDER === 'ours-first';
const bridge = withBridge ? [new OpenAIAgentsInstrumentation({ exclusiveProcessor: !oursFirst })] : [];
const llm = llmLevel ? [new OpenAIInstrumentation()] : [];
const telemetry = startTelemetry({
  scenario: 'openai-agents-audit',
  instrumentations: [...bridge, ...llm],
  packages: ['@openai/agents', 'openai', ...(withBridge ? ['@arizeai/openinference-instrumentation-openai-agents'] : []), ...(llmLevel ? ['@arizeai/openinference-instrumentation-openai'] : [])],
});
const recorder = auditAgentsTraceProcessor();
// No trace export to OpenAI's endpoint. The bridge's exclusive mode (the default) replaces the SDK's
// processors: it goes first and ours is added after it; not exclusive, it is added after ours.
agents.setTraceProcessors(oursFirst ? [recorder] : []);
if (withBridge) bridge[0].manuallyInstrument(agents);
if (llmLevel) llm[0].manuallyInstrument(openaiModule);
configureAgents(oursFirst ? [] : [recorder]);

await runWeatherAgent();

console.log(`agents processor: ${JSON.stringify(recorder.stats())}`);
await telemetry.shutdown();
