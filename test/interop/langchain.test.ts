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
import type { StoredAuditEvent } from '../../src/index.js';
import { responseModelFor } from '../servers/fake-openai-server.js';
import { FRAMEWORK_SCRIPT, frameworkReplies } from './framework-script.js';
import { runScenario, type ScenarioRun } from './run-scenario.js';

const MODEL = 'gpt-4o-mini';
const byTime = (a: StoredAuditEvent, b: StoredAuditEvent) => a.timestamp.localeCompare(b.timestamp);
const ofType = (run: ScenarioRun, type: string) => run.events.filter((e) => e.type === type).sort(byTime);

/**
 * What an instrumentation writes of the tools that the trail cannot improve
 * on (README, "Supported conventions"): OpenInference writes a one-argument
 * tool's input as the bare value; neither writes the failed tool's call id
 * (it is only in the ToolMessage of a successful run); OpenLLMetry names the
 * failed tool by its class.
 */
interface ToolWrites {
  readonly arguments: unknown;
  readonly failedToolName: string;
}

const OPENINFERENCE_WRITES: ToolWrites = { arguments: 'Oslo', failedToolName: FRAMEWORK_SCRIPT.forecast.name };

function expectFrameworkTrail(run: ScenarioRun, writes: ToolWrites): void {
  const s = FRAMEWORK_SCRIPT;
  expect(run.modelRequests.map((r) => r.status)).toEqual([200, 200, 200]);
  expect(run.stdout).toContain(`answer: ${s.answer}`);
  // LangChain does not throw the tool's error: the model gets it back as a tool message.
  expect(run.stdout).toContain(`"tool_call_id":"${s.forecast.callId}","status":"error","content":"Error: ${s.forecast.failure}`);

  expect.soft(run.events.map((e) => e.type).sort()).toEqual([
    'completion', 'completion', 'completion', 'custom', 'custom', 'error', 'prompt', 'prompt', 'prompt', 'tool_call', 'tool_call',
  ]);
  // One session, the agent's run; Traceloop puts every span in a trace of its own, so no trace-id check.
  const sessionIds = new Set(run.events.map((e) => e.payload.session_id));
  expect.soft(sessionIds.size).toBe(1);
  expect.soft([...sessionIds][0]).toEqual(expect.any(String));
  expect.soft(new Set(run.events.map((e) => e.payload.agent_name))).toEqual(new Set(['weather-agent']));

  const [start, end] = ofType(run, 'custom');
  expect.soft(start?.payload).toMatchObject({ name: 'session.start' });
  expect.soft(end?.payload).toMatchObject({ name: 'session.end', outcome: 'success' });

  const prompts = ofType(run, 'prompt');
  const completions = ofType(run, 'completion');
  s.usage.forEach((usage, i) => {
    expect.soft(prompts[i]?.payload).toMatchObject({ model: MODEL, provider: 'openai', token_count: usage.promptTokens });
    expect.soft(completions[i]?.payload).toMatchObject({ provider: 'openai', token_count: usage.completionTokens });
    // The LangChain spans name the model asked for; the answering model is only inside their output JSON.
    expect.soft([MODEL, responseModelFor(MODEL)]).toContain(completions[i]?.payload.model);
    expect.soft(completions[i]?.payload.span_id).toBe(prompts[i]?.payload.span_id);
  });
  expect.soft(prompts[0]?.payload.prompt).toContain('What is the weather in Oslo');
  expect.soft(prompts[2]?.payload.prompt).toContain(s.forecast.failure); // the failure went back to the model
  expect.soft(completions[2]?.payload.response).toBe(s.answer);

  const [weather, forecast] = ofType(run, 'tool_call');
  expect.soft(weather?.payload).toMatchObject({
    tool_name: s.weather.name, tool_call_id: s.weather.callId, arguments: writes.arguments, result: s.weather.result, status: 'ok',
  });
  expect.soft(forecast?.payload).toMatchObject({ tool_name: writes.failedToolName, arguments: writes.arguments, status: 'error' });
  const [error] = ofType(run, 'error');
  expect.soft(error?.payload.message).toContain(s.forecast.failure);
  expect.soft(error?.payload.span_id).toBe(forecast?.payload.span_id);
}

// The scenarios load the built package by name: `npm test` builds first.
describe('interop: LangChain agent (langchain createAgent + @langchain/openai)', () => {
  it('yields exactly the expected events under OpenInference LangChain', async () => {
    expectFrameworkTrail(await runScenario('langchain-openinference', {}, 'langchain-openinference', frameworkReplies()), OPENINFERENCE_WRITES);
  });

  // OpenLLMetry's handler starts every span with no parent: only withSession's context key joins them into one session.
  it('yields exactly the expected events under Traceloop LangChain, in a withSession', async () => {
    const run = await runScenario('langchain-traceloop', { INTEROP_SESSION: '1' }, 'langchain-traceloop', frameworkReplies());
    expectFrameworkTrail(run, { arguments: FRAMEWORK_SCRIPT.forecast.arguments, failedToolName: 'DynamicStructuredTool' });
  });

  // Each model call is a LangChain LLM span and an OpenAI client span — not its child: a root of its own trace.
  it('yields no duplicates with OpenInference OpenAI on the client as well', async () => {
    const env = { INTEROP_LLM_INSTRUMENTATION: 'openinference' };
    expectFrameworkTrail(await runScenario('langchain-openinference', env, 'langchain-openinference-openai', frameworkReplies()), OPENINFERENCE_WRITES);
  });
});
