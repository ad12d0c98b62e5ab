/**
 * The trail every framework scenario must leave for FRAMEWORK_SCRIPT
 * (issue 13): the run as one session (start + end), one prompt and one
 * completion per model call with token counts, one tool_call per executed
 * tool, one error for the failing tool. What differs by framework — what its
 * instrumentation writes and the trail cannot improve on — comes in as
 * {@link FrameworkWrites}.
 */
import { expect } from 'vitest';
import type { StoredAuditEvent } from '../../src/receiver/index.js';
import { responseModelFor } from '../servers/fake-openai-server.js';
import { FRAMEWORK_SCRIPT } from './framework-script.js';

const MODEL = 'gpt-4o-mini';
const byTime = (a: StoredAuditEvent, b: StoredAuditEvent) => a.timestamp.localeCompare(b.timestamp);
const ofType = (events: readonly StoredAuditEvent[], type: string) => events.filter((e) => e.type === type).sort(byTime);
const isModelCall = (e: StoredAuditEvent) => e.type === 'prompt' || e.type === 'completion';

export interface FrameworkWrites {
  /** The agent each event names (some frameworks leave some events unnamed). */
  agentOf(event: StoredAuditEvent): string | undefined;
  /**
   * Which events share one trace: all; all but the model calls (an LLM-level
   * span records them, in a trace of its own); or none (every span a trace of its own).
   */
  oneTrace: 'all' | 'all but model calls' | 'none';
  /** The completion's model: the one that answered, or either (framework spans name the one asked for). */
  completionModel: 'answering' | 'either';
  /**
   * What of the request's messages the prompts carry: all (default), or the
   * question only (Mastra writes tool calls and results as placeholders).
   */
  promptText?: 'all' | 'question only';
  /** Fields the two tool_call events must have. */
  weather: Record<string, unknown>;
  forecast: Record<string, unknown>;
}

/** Asserts (softly) the framework trail in `events`. */
export function expectFrameworkTrail(events: readonly StoredAuditEvent[], writes: FrameworkWrites): void {
  const s = FRAMEWORK_SCRIPT;
  expect.soft(events.map((e) => e.type).sort()).toEqual([
    'completion', 'completion', 'completion', 'custom', 'custom', 'error', 'prompt', 'prompt', 'prompt', 'tool_call', 'tool_call',
  ]);
  const sessions = [...new Set(events.map((e) => e.payload.session_id))];
  expect.soft(sessions).toEqual([expect.any(String)]);
  if (writes.oneTrace !== 'none') {
    const traced = writes.oneTrace === 'all' ? events : events.filter((e) => !isModelCall(e));
    expect.soft(new Set(traced.map((e) => e.trace_id)).size).toBe(1);
  }
  for (const event of events) expect.soft(event.payload.agent_name, `${event.type} ${String(event.payload.name ?? '')}`).toBe(writes.agentOf(event));

  const [start, end] = ofType(events, 'custom');
  expect.soft(start?.payload).toMatchObject({ name: 'session.start' });
  expect.soft(end?.payload).toMatchObject({ name: 'session.end', outcome: 'success' });

  const prompts = ofType(events, 'prompt');
  const completions = ofType(events, 'completion');
  const models = writes.completionModel === 'answering' ? [responseModelFor(MODEL)] : [MODEL, responseModelFor(MODEL)];
  s.usage.forEach((usage, i) => {
    expect.soft(prompts[i]?.payload).toMatchObject({ model: MODEL, provider: 'openai', token_count: usage.promptTokens });
    expect.soft(completions[i]?.payload).toMatchObject({ provider: 'openai', token_count: usage.completionTokens });
    expect.soft(models).toContain(completions[i]?.payload.model);
    expect.soft(completions[i]?.payload.span_id).toBe(prompts[i]?.payload.span_id);
  });
  expect.soft(prompts[0]?.payload.prompt).toContain('What is the weather in Oslo');
  if (writes.promptText !== 'question only') expect.soft(prompts[2]?.payload.prompt).toContain(s.forecast.failure); // the failure went back to the model
  expect.soft(completions[2]?.payload.response).toBe(s.answer);

  const [weather, forecast] = ofType(events, 'tool_call');
  expect.soft(weather?.payload).toMatchObject({ status: 'ok', ...writes.weather });
  expect.soft(forecast?.payload).toMatchObject({ status: 'error', ...writes.forecast });
  const [error] = ofType(events, 'error');
  expect.soft(error?.payload.message).toContain(s.forecast.failure);
  expect.soft(error?.payload.span_id).toBe(forecast?.payload.span_id);
}
