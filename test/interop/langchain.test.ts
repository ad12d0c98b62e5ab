/**
 * A real LangChain agent (langchain 1.x `createAgent`, `ChatOpenAI`) runs the
 * framework script — get_weather (ok), get_forecast (throws; the agent's
 * ToolNode turns the error into a ToolMessage with status "error" and goes
 * on), the answer — under the OpenInference and the Traceloop LangChain
 * instrumentations, and under OpenInference LangChain plus OpenInference
 * OpenAI on the client underneath. Each must leave exactly: the agent run as
 * the session (start + end), one prompt and one completion per model call
 * with token counts, one tool_call per executed tool with arguments and
 * result, one error for the failing tool — and no duplicates when the model
 * calls are described twice.
 */
import { describe, expect, it } from 'vitest';
import { expectFrameworkTrail, type FrameworkWrites } from './expect-framework-trail.js';
import { FRAMEWORK_SCRIPT, frameworkReplies } from './framework-script.js';
import { runScenario, type ScenarioRun } from './run-scenario.js';

const s = FRAMEWORK_SCRIPT;

/** The scenario's own output: the answer, and the failed tool's message (LangChain does not throw the tool's error). */
function expectAgentRan(run: ScenarioRun): void {
  expect(run.modelRequests.map((r) => r.status)).toEqual([200, 200, 200]);
  expect(run.stdout).toContain(`answer: ${s.answer}`);
  expect(run.stdout).toContain(`"tool_call_id":"${s.forecast.callId}","status":"error","content":"Error: ${s.forecast.failure}`);
}

/**
 * What the instrumentations write of the tools that the trail cannot
 * improve on (README, "Supported conventions"): OpenInference writes a
 * one-argument tool's input as the bare value; neither writes the failed
 * tool's call id (it is only in the ToolMessage of a successful run);
 * OpenLLMetry names the failed tool by its class. The LangChain spans name
 * the model asked for; the answering one is only inside their output JSON.
 */
const LANGCHAIN: Omit<FrameworkWrites, 'weather' | 'forecast'> = { agentOf: () => 'weather-agent', oneTrace: 'all', completionModel: 'either' };
const tools = (args: unknown, failedToolName: string) => ({
  weather: { tool_name: s.weather.name, tool_call_id: s.weather.callId, arguments: args, result: s.weather.result },
  forecast: { tool_name: failedToolName, arguments: args },
});
const OPENINFERENCE: FrameworkWrites = { ...LANGCHAIN, ...tools('Oslo', s.forecast.name) };

// The scenarios load the built package by name: `npm test` builds first.
describe('interop: LangChain agent (langchain createAgent + @langchain/openai)', () => {
  it('yields exactly the expected events under OpenInference LangChain', async () => {
    const run = await runScenario('langchain-openinference', {}, 'langchain-openinference', frameworkReplies());
    expectAgentRan(run);
    expectFrameworkTrail(run.events, OPENINFERENCE);
  });

  // OpenLLMetry's handler starts every span with no parent: only withSession's context key joins them into one session.
  it('yields exactly the expected events under Traceloop LangChain, in a withSession', async () => {
    const run = await runScenario('langchain-traceloop', { INTEROP_SESSION: '1' }, 'langchain-traceloop', frameworkReplies());
    expectAgentRan(run);
    // Every span a trace of its own.
    expectFrameworkTrail(run.events, { ...LANGCHAIN, oneTrace: 'none', ...tools(s.forecast.arguments, 'DynamicStructuredTool') });
  });

  // Each model call is a LangChain LLM span and an OpenAI client span — not its child: a root of its own trace.
  it('yields no duplicates with OpenInference OpenAI on the client as well', async () => {
    const env = { INTEROP_LLM_INSTRUMENTATION: 'openinference' };
    const run = await runScenario('langchain-openinference', env, 'langchain-openinference-openai', frameworkReplies());
    expectAgentRan(run);
    // The OpenAI client's spans record the calls, each in the trace it started.
    expectFrameworkTrail(run.events, { ...OPENINFERENCE, oneTrace: 'all but model calls' });
  });
});
