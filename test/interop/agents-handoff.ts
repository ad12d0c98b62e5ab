/**
 * What both OpenAI Agents SDK recorders (OpenInference's bridge and our
 * auditAgentsTraceProcessor) are held to in the handoff scenario
 * (scenarios/openai-agents-handoff.mjs): a run where weather-agent hands off
 * to forecast-agent, then a run an input guardrail stops. And the event
 * helpers both test files use.
 */
import { expect } from 'vitest';
import type { StoredAuditEvent } from '../../src/receiver/index.js';
import { textReply, toolCallReply, type ModelReply } from '../servers/fake-openai-server.js';
import type { ScenarioRun } from './run-scenario.js';

export const byTime = (a: StoredAuditEvent, b: StoredAuditEvent) => a.timestamp.localeCompare(b.timestamp);
export const ofType = (events: readonly StoredAuditEvent[], type: string) => events.filter((e) => e.type === type).sort(byTime);
export const named = (events: readonly StoredAuditEvent[], name: string) => events.filter((e) => e.type === 'custom' && e.payload.name === name);

/** The model calls reached only the fake server (the SDK's own trace export to OpenAI never ran). */
export function expectLoopbackOnly(run: ScenarioRun, calls: number): void {
  expect(run.modelRequests.map((r) => r.status)).toEqual(Array(calls).fill(200));
  const urls = JSON.parse(/^http client spans: (.*)$/m.exec(run.stdout)?.[1] ?? 'null') as string[];
  expect(urls).toHaveLength(calls);
  for (const url of urls) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions$/);
}

export const HANDOFF = Object.freeze({
  callId: 'call_handoff_1',
  answer: 'Tomorrow: sunny, 15 °C in Oslo.',
  usage: [{ promptTokens: 40, completionTokens: 9 }, { promptTokens: 61, completionTokens: 11 }],
});

/** The model's side of the handoff run: it calls the handoff tool, then forecast-agent answers (the guarded run makes no call). */
export function handoffReplies(): ModelReply[] {
  return [
    toolCallReply('transfer_to_forecast_agent', {}, { callId: HANDOFF.callId, usage: HANDOFF.usage[0] }),
    textReply(HANDOFF.answer, { usage: HANDOFF.usage[1] }),
  ];
}

/**
 * Checks what every recorder must leave of the scenario — it ran as
 * scripted; two traces, each one session with one start; the handed-off
 * run's two model calls (tokens, the answer) and no tool call or error — and
 * returns each run's events, in time order, for the recorder's own checks.
 */
export function expectHandoffRuns(run: ScenarioRun): { handedOff: StoredAuditEvent[]; blocked: StoredAuditEvent[] } {
  expectLoopbackOnly(run, 2); // the tripped run made no model call
  expect(run.stdout).toContain(`answer: ${HANDOFF.answer} (last agent: forecast-agent)`);
  expect(run.stdout).toContain('blocked run: InputGuardrailTripwireTriggered');

  const traces = [...new Set(run.events.map((e) => e.trace_id))];
  expect.soft(traces).toHaveLength(2);
  const [handedOff = [], blocked = []] = traces.map((t) => run.events.filter((e) => e.trace_id === t).sort(byTime));
  for (const events of [handedOff, blocked]) {
    expect.soft(new Set(events.map((e) => e.payload.session_id)).size).toBe(1);
    expect.soft(named(events, 'session.start')).toHaveLength(1);
  }
  expect.soft(ofType(handedOff, 'prompt')).toHaveLength(2);
  expect.soft(ofType(handedOff, 'tool_call')).toHaveLength(0);
  expect.soft(ofType(handedOff, 'error')).toHaveLength(0);
  ofType(handedOff, 'completion').forEach((completion, i) => {
    expect.soft(completion.payload).toMatchObject({ token_count: HANDOFF.usage[i]?.completionTokens });
  });
  expect.soft(ofType(handedOff, 'completion')[1]?.payload.response).toBe(HANDOFF.answer);
  expect.soft(named(handedOff, 'session.end')[0]?.payload).toMatchObject({ outcome: 'success' });
  expect.soft(ofType(blocked, 'prompt')).toHaveLength(0);
  return { handedOff, blocked };
}
