// A LangChain agent (langchain createAgent + @langchain/openai) instrumented
// by @traceloop/instrumentation-langchain. Registered as its README says; its
// constructor patches CallbackManager itself — the CJS build at once, the ESM
// build only after a dynamic import() resolves, which loses the race against
// an agent started in the same tick (the agent run's own span went missing).
// Its manuallyInstrument patches the ESM build synchronously; the late patch
// then sees the module already patched and does nothing.
//   INTEROP_LLM_INSTRUMENTATION=traceloop  also instruments the `openai` client
//   underneath with @traceloop/instrumentation-openai, as traceloop.initialize()
//   installs both: two instrumentations describing the same model calls.
import * as CallbackManagerModule from '@langchain/core/callbacks/manager';
import { LangChainInstrumentation } from '@traceloop/instrumentation-langchain';
import { OpenAIInstrumentation } from '@traceloop/instrumentation-openai';
// The ESM build of `openai`, which @langchain/openai's ESM build uses.
import OpenAI from 'openai';
import { startTelemetry } from './harness.mjs';
import { runLangChainAgent } from './langchain-agent.mjs';

const withOpenAI = process.env.INTEROP_LLM_INSTRUMENTATION === 'traceloop';
const langchain = new LangChainInstrumentation();
const openai = withOpenAI ? new OpenAIInstrumentation() : undefined;
const telemetry = startTelemetry({
  scenario: withOpenAI ? 'langchain-traceloop-openai' : 'langchain-traceloop',
  instrumentations: openai ? [langchain, openai] : [langchain],
  packages: [
    'langchain', '@langchain/core', '@langchain/openai', '@langchain/langgraph', 'openai', '@traceloop/instrumentation-langchain',
    ...(openai ? ['@traceloop/instrumentation-openai'] : []),
  ],
});
langchain.manuallyInstrument({ callbackManagerModule: CallbackManagerModule });
openai?.manuallyInstrument(OpenAI);

await runLangChainAgent();
await telemetry.shutdown();
