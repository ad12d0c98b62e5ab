// A LangChain agent (langchain createAgent + @langchain/openai) instrumented
// by @arizeai/openinference-instrumentation-langchain, as its README says: by
// hand, on the ESM `@langchain/core/callbacks/manager` module (its require hook
// watches only the CJS file, which an ESM app never loads).
//   INTEROP_LLM_INSTRUMENTATION=openinference  also instruments the `openai`
//   client underneath with @arizeai/openinference-instrumentation-openai: two
//   instrumentations describing the same model calls.
import * as CallbackManagerModule from '@langchain/core/callbacks/manager';
import { LangChainInstrumentation } from '@arizeai/openinference-instrumentation-langchain';
import { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
// @langchain/openai's ESM build imports the ESM build of `openai`: this namespace is that build.
import * as openaiModule from 'openai';
import { startTelemetry } from './harness.mjs';
import { runLangChainAgent } from './langchain-agent.mjs';

const withOpenAI = process.env.INTEROP_LLM_INSTRUMENTATION === 'openinference';
const langchain = new LangChainInstrumentation();
const openai = withOpenAI ? new OpenAIInstrumentation() : undefined;
const telemetry = startTelemetry({
  scenario: withOpenAI ? 'langchain-openinference-openai' : 'langchain-openinference',
  instrumentations: openai ? [langchain, openai] : [langchain],
  packages: [
    'langchain', '@langchain/core', '@langchain/openai', '@langchain/langgraph', 'openai',
    '@arizeai/openinference-instrumentation-langchain',
    ...(openai ? ['@arizeai/openinference-instrumentation-openai'] : []),
  ],
});
langchain.manuallyInstrument(CallbackManagerModule);
// Patches OpenAI.Chat.Completions.prototype of the ESM build: the class ChatOpenAI's client is made of.
openai?.manuallyInstrument(openaiModule);

await runLangChainAgent();
await telemetry.shutdown();
