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
import { textReply, toolCallReply } from '../servers/fake-openai-server.js';
import { expectFrameworkTrail, type FrameworkWrites } from './expect-framework-trail.js';
import { FRAMEWORK_SCRIPT, frameworkReplies } from './framework-script.js';
import { runScenario, type ScenarioRun } from './run-scenario.js';

const byTime = (a: StoredAuditEvent, b: StoredAuditEvent) => a.timestamp.localeCompare(b.timestamp);
const ofType = (events: readonly StoredAuditEvent[], type: string) => events.filter((e) => e.type === type).sort(byTime);
const named = (events: readonly StoredAuditEvent[], name: string) => events.filter((e) => e.type === 'custom' && e.payload.name === name);

/** The model calls reached only the fake server (no trace export to OpenAI ran). */
function expectLoopbackOnly(run: ScenarioRun, calls: number): void {
  expect(run.modelRequests.map((r) => r.status)).toEqual(Array(calls).fill(200));
  const urls = JSON.parse(/^http client spans: (.*)$/m.exec(run.stdout)?.[1] ?? 'null') as string[];
  expect(urls).toHaveLength(calls);
  for (const url of urls) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions$/);
}

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

const HANDOFF = Object.freeze({
  callId: 'call_handoff_1',
  answer: 'Tomorrow: sunny, 15 °C in Oslo.',
  usage: [{ promptTokens: 40, completionTokens: 9 }, { promptTokens: 61, completionTokens: 11 }],
});

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
    const replies = [
      toolCallReply('transfer_to_forecast_agent', {}, { callId: HANDOFF.callId, usage: HANDOFF.usage[0] }),
      textReply(HANDOFF.answer, { usage: HANDOFF.usage[1] }),
    ];
    const run = await runScenario('openai-agents-handoff', { INTEROP_AGENTS_PROCESSOR: 'audit' }, 'openai-agents-audit-handoff', replies);
    expectLoopbackOnly(run, 2);
    expect(run.stdout).toContain(`answer: ${HANDOFF.answer} (last agent: forecast-agent)`);
    expect(run.stdout).toContain('blocked run: InputGuardrailTripwireTriggered');

    const traces = [...new Set(run.events.map((e) => e.trace_id))];
    expect.soft(traces).toHaveLength(2);
    const [handedOff, blocked] = traces.map((t) => run.events.filter((e) => e.trace_id === t).sort(byTime));
    for (const events of [handedOff ?? [], blocked ?? []]) {
      expect.soft(new Set(events.map((e) => e.payload.session_id)).size).toBe(1);
      expect.soft(named(events, 'session.start')).toHaveLength(1);
      expect.soft(named(events, 'session.end')).toHaveLength(1);
    }

    const events = handedOff ?? [];
    expect.soft(ofType(events, 'prompt')).toHaveLength(2);
    expect.soft(ofType(events, 'tool_call')).toHaveLength(0);
    expect.soft(ofType(events, 'error')).toHaveLength(0);
    ofType(events, 'completion').forEach((completion, i) => {
      expect.soft(completion.payload).toMatchObject({ token_count: HANDOFF.usage[i]?.completionTokens });
    });
    // The second call is the forecast agent's.
    expect.soft(ofType(events, 'completion').map((c) => c.payload.agent_name)).toEqual(['weather-agent', 'forecast-agent']);
    expect.soft(ofType(events, 'completion')[1]?.payload.response).toBe(HANDOFF.answer);
    const handoffs = named(events, 'handoff');
    expect.soft(handoffs.map((h) => h.payload.data)).toEqual([{ from_agent: 'weather-agent', to_agent: 'forecast-agent' }]);
    // No other custom event tells of it (the model's call `call_handoff_1` is in the prompt and completion, as asked).
    expect.soft(events.filter((e) => e.type === 'custom' && /handoff/i.test(JSON.stringify(e.payload)))).toHaveLength(1);
    expect.soft(named(events, 'guardrail').map((g) => g.payload.data)).toEqual([{ guardrail: 'no_secrets', triggered: false }]);
    expect.soft(named(events, 'session.end')[0]?.payload).toMatchObject({ outcome: 'success' });

    const stopped = blocked ?? [];
    expect.soft(ofType(stopped, 'prompt')).toHaveLength(0);
    const errors = ofType(stopped, 'error');
    expect.soft(errors).toHaveLength(1);
    expect.soft(errors[0]?.payload).toMatchObject({ error_type: 'InputGuardrailTripwireTriggered', message: expect.stringContaining('Input guardrail triggered') });
    expect.soft(named(stopped, 'guardrail').map((g) => g.payload.data)).toEqual([{ guardrail: 'no_secrets', triggered: true }]);
    // The run's own span ended failed: the session ends then, not at shutdown.
    expect.soft(named(stopped, 'session.end')[0]?.payload).toMatchObject({ outcome: 'error', status_message: expect.stringContaining('Input guardrail triggered') });
    expect.soft(JSON.stringify(stopped)).not.toContain('never ended');
  });
});
