// A LangChain agent (langchain createAgent + @langchain/openai) instrumented
// by @traceloop/instrumentation-langchain. Registered as its README says; its
// constructor patches CallbackManager itself — the CJS build at once, the ESM
// build only after a dynamic import() resolves, which loses the race against
// an agent started in the same tick (the agent run's own span went missing).
// Its manuallyInstrument patches the ESM build synchronously; the late patch
// then sees the module already patched and does nothing.
import * as CallbackManagerModule from '@langchain/core/callbacks/manager';
import { LangChainInstrumentation } from '@traceloop/instrumentation-langchain';
import { startTelemetry } from './harness.mjs';
import { runLangChainAgent } from './langchain-agent.mjs';

const langchain = new LangChainInstrumentation();
const telemetry = startTelemetry({
  scenario: 'langchain-traceloop',
  instrumentations: [langchain],
  packages: ['langchain', '@langchain/core', '@langchain/openai', '@langchain/langgraph', 'openai', '@traceloop/instrumentation-langchain'],
});
langchain.manuallyInstrument({ callbackManagerModule: CallbackManagerModule });

await runLangChainAgent();
await telemetry.shutdown();
