/**
 * The audit trail of the Responses API scenarios (scenarios/openai-responses-agent.mjs),
 * whatever instrumentation wrote the spans: session.start, one prompt and one
 * completion per `responses.create` call with token counts and content, the
 * first completion naming the tool call the model asked for (by its `call_…`
 * id, not the `fc_…` item id), one tool_call for the executed tool, session.end.
 */
import { expect } from 'vitest';
import type { StoredAuditEvent } from '../../src/receiver/index.js';
import { responseModelFor, textReply, toolCallReply, type ModelReply } from '../servers/fake-openai-server.js';
import { SCRIPT, type ScenarioRun } from './run-scenario.js';

const MODEL = 'gpt-4o-mini';
const SYSTEM_PROMPT = 'You are a weather assistant. Use tools for facts.';
const QUESTION = 'What is the weather in Oslo?';
const TOOL_RESULT = { city: 'Oslo', temperature_c: 12, conditions: 'light rain' };

/** The model's side: ask for get_weather(Oslo) as call_weather_1, then answer. */
export function responsesReplies(): ModelReply[] {
  return [
    toolCallReply('get_weather', SCRIPT.toolArguments, { callId: SCRIPT.toolCallId, usage: SCRIPT.usage[0] }),
    textReply(SCRIPT.answer, { usage: SCRIPT.usage[1] }),
  ];
}

const byTime = (a: StoredAuditEvent, b: StoredAuditEvent) => a.timestamp.localeCompare(b.timestamp);
export const ofType = (events: readonly StoredAuditEvent[], type: string) => events.filter((e) => e.type === type).sort(byTime);

/** The message parts of `type` in an event's `messages` (e.g. a completion's `tool_call` parts: the calls the model requested). */
export function partsOf(event: StoredAuditEvent | undefined, type: string): Array<Record<string, unknown>> {
  const messages = event?.payload.messages;
  if (!Array.isArray(messages)) return [];
  return messages.flatMap((m: any) => (Array.isArray(m?.parts) ? m.parts : [])).filter((p: any) => p?.type === type);
}

/** The model server saw two Responses calls; the scenario printed the model's ids. */
export function expectResponsesTraffic(run: ScenarioRun): void {
  expect(run.trail).toMatchObject({ ok: true, streams: [{ ok: true, tail: 'closed' }] });
  expect(run.modelRequests.map((r) => `${r.path} ${r.status}`)).toEqual(['/v1/responses 200', '/v1/responses 200']);
  expect(run.stdout).toMatch(new RegExp(`^function_call: id=fc_\\S+ call_id=${SCRIPT.toolCallId}$`, 'm'));
  expect(run.stdout).toContain(`answer: ${SCRIPT.answer}`);
}

/** Exactly the expected events, with tokens, content and the requested call id. Soft: lists every difference. */
export function expectResponsesTrail(run: ScenarioRun): void {
  const events = run.events;
  expect.soft(events.map((e) => e.type).sort()).toEqual(['completion', 'completion', 'custom', 'custom', 'prompt', 'prompt', 'tool_call']);
  expect.soft(new Set(events.map((e) => e.payload.session_id)).size).toBe(1);
  for (const event of events) expect.soft(event.payload.agent_name).toBe('weather-agent');
  const [start, end] = ofType(events, 'custom');
  expect.soft(start?.payload).toMatchObject({ name: 'session.start' });
  expect.soft(end?.payload).toMatchObject({ name: 'session.end', outcome: 'success' });

  const [prompt1, prompt2] = ofType(events, 'prompt');
  const [completion1, completion2] = ofType(events, 'completion');
  expect.soft(completion1?.payload.span_id).toBe(prompt1?.payload.span_id);
  expect.soft(completion2?.payload.span_id).toBe(prompt2?.payload.span_id);
  for (const prompt of [prompt1, prompt2]) {
    expect.soft(prompt?.payload).toMatchObject({ model: MODEL, provider: 'openai' });
    expect.soft(prompt?.payload.prompt ?? '').toContain(SYSTEM_PROMPT);
    expect.soft(prompt?.payload.prompt ?? '').toContain(QUESTION);
  }
  expect.soft(prompt2?.payload.prompt ?? '').toContain('light rain'); // the function_call_output went back to the model
  expect.soft(prompt1?.payload.token_count).toBe(SCRIPT.usage[0]?.promptTokens);
  expect.soft(prompt2?.payload.token_count).toBe(SCRIPT.usage[1]?.promptTokens);
  expect.soft(completion1?.payload).toMatchObject({ model: responseModelFor(MODEL), provider: 'openai', token_count: SCRIPT.usage[0]?.completionTokens });
  expect.soft(completion2?.payload).toMatchObject({ model: responseModelFor(MODEL), provider: 'openai', token_count: SCRIPT.usage[1]?.completionTokens });
  expect.soft(completion2?.payload.response).toBe(SCRIPT.answer);
  // The call the model asked for, by the id the tool's result answers (call_id), not the fc_ item id.
  expect.soft(partsOf(completion1, 'tool_call')).toEqual([
    expect.objectContaining({ id: SCRIPT.toolCallId, name: 'get_weather' }),
  ]);

  const [toolCall] = ofType(events, 'tool_call');
  expect.soft(toolCall?.payload).toMatchObject({
    tool_name: 'get_weather', tool_call_id: SCRIPT.toolCallId, arguments: SCRIPT.toolArguments, result: TOOL_RESULT, status: 'ok',
  });
}
