/**
 * The OpenAI Agents SDK (@openai/agents 0.14, Chat Completions against the
 * fake server) traced by @arizeai/openinference-instrumentation-openai-agents,
 * the SDK TracingProcessor that bridges its traces to OTel spans.
 *
 * 1. The framework script — get_weather (ok), get_forecast (throws: the SDK's
 *    default errorFunction sends "An error occurred while running the tool…"
 *    to the model and goes on), the answer — must leave exactly: the SDK run
 *    as the session (start + end), one prompt and one completion per model
 *    call with token counts, one tool_call per executed tool with arguments
 *    and result, one error for the failing tool; also with OpenInference on
 *    the `openai` client underneath (each model call described twice), and
 *    inside a withSession (the bridge's root span nests under it: still one session).
 * 2. A handoff (weather-agent → forecast-agent) and an input guardrail that
 *    trips in a second run. Proposed trail: per run one session; one prompt +
 *    completion per model call; the handoff as one `custom` event naming both
 *    agents (not a tool_call); the tripped guardrail as one `error` (not one
 *    per enclosing span) and session.end with outcome `error` — at shutdown,
 *    since the bridge never ends a run a guardrail stopped.
 */
import { describe, expect, it } from 'vitest';
import type { StoredAuditEvent } from '../../src/receiver/index.js';
import { expectHandoffRuns, expectLoopbackOnly, handoffReplies, named, ofType } from './agents-handoff.js';
import { expectFrameworkTrail, type FrameworkWrites } from './expect-framework-trail.js';
import { FRAMEWORK_SCRIPT, frameworkReplies } from './framework-script.js';
import { runScenario, type ScenarioRun } from './run-scenario.js';

const MODEL = 'gpt-4o-mini';

/**
 * The scenario ran as scripted, and the trail: `runName` is the agent name
 * on session.start / session.end — the SDK's workflow name when its run is
 * the session, withSession's agent otherwise. The bridge's function spans
 * have no call id (README, "Supported conventions"); the requested call in
 * the completion has it. The bridge's generation span names the model asked
 * for; the OpenAI client's span the one that answered.
 */
function expectAgentsTrail(run: ScenarioRun, runName: string, oneTrace: FrameworkWrites['oneTrace']): void {
  const s = FRAMEWORK_SCRIPT;
  expectLoopbackOnly(run, 3);
  expect(run.stdout).toContain(`answer: ${s.answer}`);
  // The SDK does not throw the tool's error: the model gets it back as the tool's output.
  expect(run.stdout).toContain(`failed tool output: "An error occurred while running the tool. Please try again. Error: Error: ${s.forecast.failure}"`);
  const isSessionEvent = (e: StoredAuditEvent) => e.type === 'custom' && String(e.payload.name).startsWith('session.');
  expectFrameworkTrail(run.events, {
    agentOf: (e) => (isSessionEvent(e) ? runName : 'weather-agent'),
    oneTrace,
    completionModel: 'either',
    weather: { tool_name: s.weather.name, arguments: s.weather.arguments, result: s.weather.result },
    forecast: { tool_name: s.forecast.name, arguments: s.forecast.arguments },
  });
}

describe('interop: OpenAI Agents SDK + OpenInference (@arizeai/openinference-instrumentation-openai-agents)', () => {
  it('yields exactly the framework trail, with OpenInference on the openai client as well', async () => {
    const run = await runScenario('openai-agents-openinference', { INTEROP_LLM_INSTRUMENTATION: 'openinference' }, 'openai-agents-openinference', frameworkReplies());
    // A model call recorded by the OpenAI client's span keeps that span's trace (the bridge's call span is not its parent).
    expectAgentsTrail(run, 'Agent workflow', 'all but model calls');
  });

  it('yields the same trail inside withSession, with one session', async () => {
    const run = await runScenario('openai-agents-openinference', { INTEROP_WITH_SESSION: '1' }, 'openai-agents-openinference-session', frameworkReplies());
    expectAgentsTrail(run, 'weather-agent', 'all');
  });

  it('records a handoff once and a tripped input guardrail as one error', async () => {
    const run = await runScenario('openai-agents-handoff', {}, 'openai-agents-handoff', handoffReplies());
    const { handedOff: events, blocked: stopped } = expectHandoffRuns(run);
    expect.soft(ofType(events, 'completion').map((c) => c.payload.model)).toEqual([MODEL, MODEL]);
    const handoffs = events.filter((e) => e.type === 'custom' && /handoff/i.test(JSON.stringify(e.payload)));
    expect.soft(handoffs).toHaveLength(1);
    expect.soft(JSON.stringify(handoffs[0]?.payload)).toContain('weather-agent');
    expect.soft(JSON.stringify(handoffs[0]?.payload)).toContain('forecast-agent');

    // The trip fails the bridge's turn span (the guardrail's own span says only `triggered`): one error from there.
    const [tripped, ...others] = ofType(stopped, 'error');
    expect.soft(tripped?.payload.message).toContain('Input guardrail triggered');
    expect.soft(named(stopped, 'openinference.guardrail')[0]?.payload).toMatchObject({ guardrail: 'no_secrets', triggered: true });
    // The bridge never ends that run's span: shutdown ends the session, failed, and says why — once as the session's
    // outcome and once as the error of the span that never ended.
    const notEnded = /the agent run's span never ended \(still open at shutdown\)/;
    expect.soft(others.map((e) => e.payload.message)).toEqual([expect.stringMatching(notEnded)]);
    expect.soft(named(stopped, 'session.end')).toHaveLength(1);
    expect.soft(named(stopped, 'session.end')[0]?.payload).toMatchObject({ outcome: 'error', status_message: expect.stringMatching(notEnded) });
  });
});
