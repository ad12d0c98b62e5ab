/**
 * The OpenAI Agents SDK (@openai/agents 0.14, Chat Completions against the
 * fake server) recorded by our own trace processor, auditAgentsTraceProcessor:
 * the one line `addTraceProcessor(auditAgentsTraceProcessor())`, no bridge.
 *
 * 1. The framework script must leave exactly the framework trail (the SDK
 *    run as the session, one prompt + completion per model call with
 *    tokens, one tool_call per tool with arguments, result and — unlike the
 *    bridge — the call id, one error for the failing tool) in each
 *    combination: alone; with OpenInference on the `openai` client (each
 *    call described twice: one pair); with OpenInference's bridge also
 *    registered, before or after ours (each call described two or three
 *    times: one pair, one tool_call); inside a withSession.
 * 2. A handoff and a tripped input guardrail: the handoff as one `custom`
 *    event naming both agents, the trip as one `error` and a failed session
 *    — ended when the run ends, not at shutdown.
 */
import { describe, expect, it } from 'vitest';
import type { StoredAuditEvent } from '../../src/receiver/index.js';
import { expectHandoffRuns, expectLoopbackOnly, handoffReplies, named, ofType } from './agents-handoff.js';
import { expectFrameworkTrail, type FrameworkWrites } from './expect-framework-trail.js';
import { FRAMEWORK_SCRIPT, frameworkReplies } from './framework-script.js';
import { runScenario, type ScenarioRun } from './run-scenario.js';


/** Each model call once (one pair per response id) and each tool once (one tool_call per call id). */
function expectNoDuplicates(events: readonly StoredAuditEvent[]): void {
  const completions = ofType(events, 'completion');
  const prompts = ofType(events, 'prompt');
  expect.soft(prompts).toHaveLength(3);
  expect.soft(completions).toHaveLength(3);
  expect.soft(new Set(prompts.map((p) => p.payload.span_id)).size).toBe(3);
  const tools = ofType(events, 'tool_call');
  expect.soft(tools.map((t) => t.payload.tool_call_id)).toEqual([FRAMEWORK_SCRIPT.weather.callId, FRAMEWORK_SCRIPT.forecast.callId]);
}

/** The scenario ran as scripted, and the trail (see the module comment); `runName` names the session. */
function expectAgentsTrail(run: ScenarioRun, runName: string, oneTrace: FrameworkWrites['oneTrace']): void {
  const s = FRAMEWORK_SCRIPT;
  expectLoopbackOnly(run, 3);
  expect(run.stdout).toContain(`answer: ${s.answer}`);
  expect(run.stdout).toContain(`failed tool output: "An error occurred while running the tool. Please try again. Error: Error: ${s.forecast.failure}"`);
  // Every SDK span ended: nothing abandoned.
  expect(run.stdout).toContain('agents processor: {"openRuns":0,"openSpans":0,"abandoned":0}');
  const isSessionEvent = (e: StoredAuditEvent) => e.type === 'custom' && String(e.payload.name).startsWith('session.');
  expectFrameworkTrail(run.events, {
    agentOf: (e) => (isSessionEvent(e) ? runName : 'weather-agent'),
    oneTrace,
    completionModel: 'either',
    weather: { tool_name: s.weather.name, tool_call_id: s.weather.callId, arguments: s.weather.arguments, result: s.weather.result },
    forecast: { tool_name: s.forecast.name, tool_call_id: s.forecast.callId, arguments: s.forecast.arguments },
  });
  expectNoDuplicates(run.events);
}

describe('interop: OpenAI Agents SDK + auditAgentsTraceProcessor', () => {
  it('yields exactly the framework trail on its own', async () => {
    const run = await runScenario('openai-agents-audit', {}, 'openai-agents-audit', frameworkReplies());
    expectAgentsTrail(run, 'Agent workflow', 'all');
  });

  it('yields the same trail with OpenInference on the openai client: one pair per call', async () => {
    const run = await runScenario('openai-agents-audit', { INTEROP_LLM_INSTRUMENTATION: 'openinference' }, 'openai-agents-audit-openinference', frameworkReplies());
    // The OpenAI client's span records each call (it has what the wire said) and keeps its own trace.
    expectAgentsTrail(run, 'Agent workflow', 'all but model calls');
  });

  it('yields the same trail with the OpenInference bridge also registered, and the client instrumented', async () => {
    const env = { INTEROP_AGENTS_BRIDGE: '1', INTEROP_LLM_INSTRUMENTATION: 'openinference' };
    const run = await runScenario('openai-agents-audit', env, 'openai-agents-audit-bridge-openinference', frameworkReplies());
    expectAgentsTrail(run, 'Agent workflow', 'all but model calls');
  });

  it('yields the same trail with the OpenInference bridge registered after ours', async () => {
    const env = { INTEROP_AGENTS_BRIDGE: '1', INTEROP_AGENTS_ORDER: 'ours-first', INTEROP_LLM_INSTRUMENTATION: 'openinference' };
    const run = await runScenario('openai-agents-audit', env, 'openai-agents-audit-ours-first', frameworkReplies());
    expectAgentsTrail(run, 'Agent workflow', 'all but model calls');
  });

  it('yields the same trail with the OpenInference bridge also registered', async () => {
    const run = await runScenario('openai-agents-audit', { INTEROP_AGENTS_BRIDGE: '1' }, 'openai-agents-audit-bridge', frameworkReplies());
    expectAgentsTrail(run, 'Agent workflow', 'all');
  });

  it('yields the same trail inside withSession, with one session', async () => {
    const run = await runScenario('openai-agents-audit', { INTEROP_WITH_SESSION: '1', INTEROP_LLM_INSTRUMENTATION: 'openinference' }, 'openai-agents-audit-session', frameworkReplies());
    expectAgentsTrail(run, 'weather-agent', 'all');
  });

  it('records a handoff once and a tripped input guardrail as one error and a failed session', async () => {
    const run = await runScenario('openai-agents-handoff', { INTEROP_AGENTS_PROCESSOR: 'audit' }, 'openai-agents-audit-handoff', handoffReplies());
    const { handedOff: events, blocked: stopped } = expectHandoffRuns(run);
    expect.soft(named(stopped, 'session.end')).toHaveLength(1);
    // The second call is the forecast agent's.
    expect.soft(ofType(events, 'completion').map((c) => c.payload.agent_name)).toEqual(['weather-agent', 'forecast-agent']);
    const handoffs = named(events, 'handoff');
    expect.soft(handoffs.map((h) => h.payload.data)).toEqual([{ from_agent: 'weather-agent', to_agent: 'forecast-agent' }]);
    // No other custom event tells of it (the model's call `call_handoff_1` is in the prompt and completion, as asked).
    expect.soft(events.filter((e) => e.type === 'custom' && /handoff/i.test(JSON.stringify(e.payload)))).toHaveLength(1);
    expect.soft(named(events, 'guardrail').map((g) => g.payload.data)).toEqual([{ guardrail: 'no_secrets', triggered: false }]);

    const errors = ofType(stopped, 'error');
    expect.soft(errors).toHaveLength(1);
    expect.soft(errors[0]?.payload).toMatchObject({ error_type: 'InputGuardrailTripwireTriggered', message: expect.stringContaining('Input guardrail triggered') });
    expect.soft(named(stopped, 'guardrail').map((g) => g.payload.data)).toEqual([{ guardrail: 'no_secrets', triggered: true }]);
    // The run's own span ended failed: the session ends then, not at shutdown.
    expect.soft(named(stopped, 'session.end')[0]?.payload).toMatchObject({ outcome: 'error', status_message: expect.stringContaining('Input guardrail triggered') });
    expect.soft(JSON.stringify(stopped)).not.toContain('never ended');
  });
});
