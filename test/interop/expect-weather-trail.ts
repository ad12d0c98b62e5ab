/**
 * The audit trail every interop scenario must produce (issue 4, acceptance),
 * whatever instrumentation wrote the spans: session.start, one prompt and one
 * completion per successful model call, one tool_call for the executed tool,
 * one prompt and one error for the failing call, session.end — and nothing
 * for the HTTP client spans beside them.
 */
import { expect } from 'vitest';
import type { StoredAuditEvent } from '../../src/receiver/index.js';
import { responseModelFor } from '../servers/fake-openai-server.js';
import { SCRIPT, type ScenarioRun } from './run-scenario.js';

const MODEL = 'gpt-4o-mini';
const SYSTEM_PROMPT = 'You are a weather assistant. Use tools for facts.';
const QUESTION = 'What is the weather in Oslo?';
const FAILING_QUESTION = 'And tomorrow?';
const TOOL_RESULT = { city: 'Oslo', temperature_c: 12, conditions: 'light rain' };

export interface TrailExpectations {
  /** `provider` of the model-call events. */
  provider: string;
  /** Whether message content (prompt and response text) is expected. */
  content: boolean;
}

const byTime = (a: StoredAuditEvent, b: StoredAuditEvent) => a.timestamp.localeCompare(b.timestamp);
const ofType = (events: readonly StoredAuditEvent[], type: string) => events.filter((e) => e.type === type).sort(byTime);

/** The model server saw the three calls, and the only HTTP client spans were those calls. */
export function expectModelTraffic(run: ScenarioRun): void {
  // What the receiver stored is one hash-chained stream, closed by a signed checkpoint.
  expect(run.trail).toMatchObject({ ok: true, streams: [{ ok: true, tail: 'closed', gaps: [], modified: [] }] });
  expect(run.modelRequests.map((r) => `${r.path} ${r.status}`)).toEqual([
    '/v1/chat/completions 200',
    '/v1/chat/completions 200',
    '/v1/chat/completions 500',
  ]);
  // Our own exports to the receiver run with tracing suppressed: no span for them.
  const urls = JSON.parse(/^http client spans: (.*)$/m.exec(run.stdout)?.[1] ?? 'null') as string[] | null;
  expect(urls).toHaveLength(3);
  for (const url of urls ?? []) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions$/);
  // The tool's call to its weather service: a real HTTP client and server span, inside the session's trace.
  const nodeHttp = JSON.parse(/^node:http spans: (.*)$/m.exec(run.stdout)?.[1] ?? 'null') as Array<{ kind: string; traceId: string }> | null;
  expect(nodeHttp?.map((s) => s.kind).sort()).toEqual(['CLIENT', 'SERVER']);
  expect(new Set(nodeHttp?.map((s) => s.traceId))).toEqual(new Set(run.events.map((e) => e.trace_id)));
}

/**
 * Exactly the expected events, with model, provider, tokens, tool data and
 * (when on) content. Soft assertions: a failing run lists every difference.
 */
export function expectWeatherTrail(run: ScenarioRun, expected: TrailExpectations): void {
  const events = run.events;
  // Nine events and no more: HTTP client and server spans, and duplicate spans of one call, add none.
  expect.soft(events.map((e) => e.type).sort()).toEqual(
    ['completion', 'completion', 'custom', 'custom', 'error', 'prompt', 'prompt', 'prompt', 'tool_call'],
  );
  const sessionIds = new Set(events.map((e) => e.payload.session_id));
  expect.soft(sessionIds.size).toBe(1);
  expect.soft([...sessionIds][0]).toEqual(expect.any(String));
  expect.soft(new Set(events.map((e) => e.trace_id)).size).toBe(1);
  for (const event of events) expect.soft(event.payload.agent_name).toBe('weather-agent');

  const [start, end] = ofType(events, 'custom');
  expect.soft(start?.payload).toMatchObject({ name: 'session.start' });
  expect.soft(end?.payload).toMatchObject({ name: 'session.end', outcome: 'success' });

  const [prompt1, prompt2, failedPrompt] = ofType(events, 'prompt');
  const [completion1, completion2] = ofType(events, 'completion');
  // Each completion belongs to the prompt of the same call (span).
  expect.soft(completion1?.payload.span_id).toBe(prompt1?.payload.span_id);
  expect.soft(completion2?.payload.span_id).toBe(prompt2?.payload.span_id);
  for (const prompt of [prompt1, prompt2, failedPrompt]) {
    expect.soft(prompt?.payload).toMatchObject({ model: MODEL, provider: expected.provider });
  }
  expect.soft(prompt1?.payload.token_count).toBe(SCRIPT.usage[0]?.promptTokens);
  expect.soft(prompt2?.payload.token_count).toBe(SCRIPT.usage[1]?.promptTokens);
  expect.soft(completion1?.payload).toMatchObject({
    model: responseModelFor(MODEL), provider: expected.provider, token_count: SCRIPT.usage[0]?.completionTokens,
  });
  expect.soft(completion2?.payload).toMatchObject({
    model: responseModelFor(MODEL), provider: expected.provider, token_count: SCRIPT.usage[1]?.completionTokens,
  });

  const [toolCall] = ofType(events, 'tool_call');
  expect.soft(toolCall?.payload).toMatchObject({
    tool_name: 'get_weather',
    tool_call_id: SCRIPT.toolCallId,
    arguments: SCRIPT.toolArguments,
    result: TOOL_RESULT,
    status: 'ok',
  });

  const [error] = ofType(events, 'error');
  expect.soft(error?.payload.span_id).toBe(failedPrompt?.payload.span_id);

  if (expected.content) {
    expect.soft(prompt1?.payload.prompt).toContain(SYSTEM_PROMPT);
    expect.soft(prompt1?.payload.prompt).toContain(QUESTION);
    expect.soft(prompt2?.payload.prompt).toContain(QUESTION);
    expect.soft(prompt2?.payload.prompt).toContain('light rain'); // the tool's result went back to the model
    expect.soft(failedPrompt?.payload.prompt).toContain(FAILING_QUESTION);
    expect.soft(completion2?.payload.response).toBe(SCRIPT.answer);
    expect.soft(prompt1?.payload.messages).toEqual(expect.any(Array));
  } else {
    for (const event of events) {
      expect.soft(JSON.stringify(event.payload)).not.toContain(QUESTION);
      expect.soft(JSON.stringify(event.payload)).not.toContain(SCRIPT.answer);
    }
  }
}
