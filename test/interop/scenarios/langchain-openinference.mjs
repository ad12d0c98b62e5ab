// A LangChain agent (langchain createAgent + @langchain/openai) instrumented
// by @arizeai/openinference-instrumentation-langchain, as its README says: by
// hand, on the ESM `@langchain/core/callbacks/manager` module (its require hook
// watches only the CJS file, which an ESM app never loads).
//   INTEROP_LLM_INSTRUMENTATION=openinference  also instruments the `openai`
//   client underneath with @arizeai/openinference-instrumentation-openai: two
//   instrumentations describing the same model calls.
//   INTEROP_LLM_INSTRUMENTATION=opentelemetry  instruments it with the official
//   @opentelemetry/instrumentation-openai instead. Its require hook patches the
//   CommonJS `openai` only (an ESM import needs a loader hook), so the agent is
//   made of the CommonJS builds of LangChain here — loaded after the
//   instrumentations are enabled, the callback manager patched by
//   OpenInference's own require hook.
import { createRequire } from 'node:module';
import * as CallbackManagerModule from '@langchain/core/callbacks/manager';
import { LangChainInstrumentation } from '@arizeai/openinference-instrumentation-langchain';
import { OpenAIInstrumentation as OpenInferenceOpenAI } from '@arizeai/openinference-instrumentation-openai';
import { OpenAIInstrumentation as OpenTelemetryOpenAI } from '@opentelemetry/instrumentation-openai';
// @langchain/openai's ESM build imports the ESM build of `openai`: this namespace is that build.
import * as openaiModule from 'openai';
import { startTelemetry } from './harness.mjs';
import { runLangChainAgent } from './langchain-agent.mjs';

const llmLevel = process.env.INTEROP_LLM_INSTRUMENTATION;
const langchain = new LangChainInstrumentation();
const openinference = llmLevel === 'openinference' ? new OpenInferenceOpenAI() : undefined;
const opentelemetry = llmLevel === 'opentelemetry' ? new OpenTelemetryOpenAI() : undefined;
const llmPackage = { openinference: '@arizeai/openinference-instrumentation-openai', opentelemetry: '@opentelemetry/instrumentation-openai' }[llmLevel];
const telemetry = startTelemetry({
  scenario: llmLevel ? `langchain-openinference-${llmLevel}` : 'langchain-openinference',
  instrumentations: [langchain, ...(openinference ? [openinference] : []), ...(opentelemetry ? [opentelemetry] : [])],
  packages: [
    'langchain', '@langchain/core', '@langchain/openai', '@langchain/langgraph', 'openai',
    '@arizeai/openinference-instrumentation-langchain',
    ...(llmPackage ? [llmPackage] : []),
  ],
});

let modules;
if (opentelemetry) {
  const require = createRequire(import.meta.url);
  // The require hooks patch these as they load; manuallyInstrument then sees the module patched and does nothing.
  langchain.manuallyInstrument(require('@langchain/core/callbacks/manager'));
  modules = { ChatOpenAI: require('@langchain/openai').ChatOpenAI, tool: require('@langchain/core/tools').tool, createAgent: require('langchain').createAgent };
} else {
  langchain.manuallyInstrument(CallbackManagerModule);
  // Patches OpenAI.Chat.Completions.prototype of the ESM build: the class ChatOpenAI's client is made of.
  openinference?.manuallyInstrument(openaiModule);
}

await runLangChainAgent(modules);
await telemetry.shutdown();
