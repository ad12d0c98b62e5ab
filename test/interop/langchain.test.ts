/**
 * A real LangChain agent (langchain 1.x `createAgent`, `ChatOpenAI`) runs the
 * framework script — get_weather (ok), get_forecast (throws; the agent's
 * ToolNode turns the error into a ToolMessage with status "error" and goes
 * on), the answer — under the OpenInference and the Traceloop LangChain
 * instrumentations, each alone and with an LLM-level instrumentation on the
 * `openai` client underneath (OpenInference OpenAI, the official
 * @opentelemetry/instrumentation-openai, Traceloop OpenAI), each on its own
 * and inside a user's withSession. Each must leave exactly: one session
 * (start + end), one prompt and one completion per model call with token
 * counts, one tool_call per executed tool with arguments and result, one
 * error for the failing tool — and no duplicates when the model calls are
 * described twice. Two agents run at once must leave one pair per call, each
 * in its own agent's session.
 */
import { describe, expect, it } from 'vitest';
import { expectFrameworkTrail, type FrameworkWrites } from './expect-framework-trail.js';
import { FRAMEWORK_SCRIPT, frameworkReplies } from './framework-script.js';
import { textReply } from '../servers/fake-openai-server.js';
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
  /**
   * OpenInference LangChain, alone or with an LLM-level instrumentation; on
   * its own (the run is the session) or in a withSession (the run is part of
   * it). The LLM-level spans are roots of traces of their own: they record
   * the calls (the framework's spans record nothing), each in its own trace.
   */
  const OPENINFERENCE_MATRIX: readonly { llm: string | undefined; env: Record<string, string>; capture: string }[] = [
    { llm: undefined, env: {}, capture: 'langchain-openinference' },
    { llm: 'openinference', env: { INTEROP_LLM_INSTRUMENTATION: 'openinference' }, capture: 'langchain-openinference-openai' },
    // Its content comes as log records, only when asked for; without it the prompts would have no text.
    {
      llm: 'opentelemetry',
      env: { INTEROP_LLM_INSTRUMENTATION: 'opentelemetry', OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true' },
      capture: 'langchain-openinference-opentelemetry-openai',
    },
  ];
  for (const { llm, env, capture: name } of OPENINFERENCE_MATRIX) {
    for (const inSession of [false, true]) {
      const what = `${llm === undefined ? 'alone' : `with ${llm} OpenAI on the client`}, ${inSession ? 'in a withSession' : 'on its own'}`;
      it(`yields exactly the expected events under OpenInference LangChain ${what}`, async () => {
        const capture = `${name}${inSession ? '-session' : ''}`;
        const run = await runScenario('langchain-openinference', { ...env, ...(inSession && { INTEROP_SESSION: '1' }) }, capture, frameworkReplies());
        expectAgentRan(run);
        expectFrameworkTrail(run.events, { ...OPENINFERENCE, oneTrace: llm === undefined ? 'all' : 'all but model calls' });
      });
    }
  }

  // OpenLLMetry's handler starts every span with no parent: only withSession's context key joins them into one session.
  for (const llm of [undefined, 'traceloop']) {
    const what = llm === undefined ? 'alone' : 'with Traceloop OpenAI on the client';
    it(`yields exactly the expected events under Traceloop LangChain ${what}, in a withSession`, async () => {
      const env = { INTEROP_SESSION: '1', ...(llm && { INTEROP_LLM_INSTRUMENTATION: llm }) };
      const run = await runScenario('langchain-traceloop', env, `langchain-traceloop${llm ? '-openai' : ''}`, frameworkReplies());
      expectAgentRan(run);
      // Every span a trace of its own.
      expectFrameworkTrail(run.events, { ...LANGCHAIN, oneTrace: 'none', ...tools(s.forecast.arguments, 'DynamicStructuredTool') });
    });

    // Not a coherent trail on its own: no span names a parent, so no run holds the others and there is no session
    // (its `workflow` spans are every chain of the graph, each a root). Each call and tool is still there once.
    it(`records each call and tool once, but in no session, under Traceloop LangChain ${what} on its own`, async () => {
      const run = await runScenario('langchain-traceloop', llm ? { INTEROP_LLM_INSTRUMENTATION: llm } : {}, `langchain-traceloop${llm ? '-openai' : ''}-alone`, frameworkReplies());
      expectAgentRan(run);
      expect(run.events.map((e) => e.type).sort()).toEqual(['completion', 'completion', 'completion', 'error', 'prompt', 'prompt', 'prompt', 'tool_call', 'tool_call']);
      expect(run.events.filter((e) => e.payload.session_id !== undefined)).toEqual([]);
      expect(run.events.filter((e) => e.type === 'prompt').map((e) => e.payload.token_count)).toEqual(s.usage.map((u) => u.promptTokens));
    });
  }

  // Two agents at once: both framework calls are open when the first client call ends; each client call is matched
  // to the framework call that asked what it asked (pipeline/undecided-framework-calls.ts).
  it('yields one prompt + completion per call, each in its agent\'s session, for two agents run at once', async () => {
    const env = { INTEROP_LLM_INSTRUMENTATION: 'openinference', INTEROP_CONCURRENT: '1' };
    const run = await runScenario('langchain-openinference', env, 'langchain-openinference-openai-concurrent', [textReply('Sunny.'), textReply('Rainy.')]);
    expect(run.modelRequests.map((r) => r.status)).toEqual([200, 200]);
    expect(run.stdout).toMatch(/answer of oslo-agent: (Sunny|Rainy)\./);
    const prompts = run.events.filter((e) => e.type === 'prompt');
    expect(prompts.map((e) => [e.payload.agent_name, String(e.payload.prompt).split('\n').at(-1)]).sort()).toEqual([
      ['bergen-agent', 'user: What is the weather in Bergen?'],
      ['oslo-agent', 'user: What is the weather in Oslo?'],
    ]);
    expect(run.events.filter((e) => e.type === 'completion')).toHaveLength(2);
    const sessionOf = (agent: string) => new Set(run.events.filter((e) => e.payload.agent_name === agent).map((e) => e.payload.session_id));
    expect([...sessionOf('oslo-agent')]).toHaveLength(1);
    expect([...sessionOf('bergen-agent')]).toHaveLength(1);
    expect(sessionOf('oslo-agent')).not.toEqual(sessionOf('bergen-agent'));
    // Recorded by the client's spans, each in its own trace.
    for (const prompt of prompts) expect(run.events.find((e) => e.payload.name === 'session.start' && e.payload.session_id === prompt.payload.session_id)?.trace_id).not.toBe(prompt.trace_id);
  });
});
