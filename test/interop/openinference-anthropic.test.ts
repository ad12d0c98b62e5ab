/**
 * `@anthropic-ai/sdk` under @arizeai/openinference-instrumentation-anthropic
 * (scenarios/openinference-anthropic.mjs): a tool_use answer, the tool run
 * with withToolCall under the tool_use id, and a second call whose user
 * message carries the `tool_result` block. Proves that the second prompt
 * event carries that block as a tool result — a GenAI `tool_call_response`
 * part answering the toolu id — and not as text a user typed. OpenInference
 * flattens the block onto the message itself (`message.role: user`,
 * `message.tool_call_id`, `message.content`), which reads like user text.
 */
import { describe, expect, it } from 'vitest';
import type { StoredAuditEvent } from '../../src/receiver/index.js';
import { anthropicResponseModelFor, anthropicTextReply, toolUseReply } from '../servers/fake-anthropic-server.js';
import { runAnthropicScenario } from './run-anthropic-scenario.js';

const MODEL = 'claude-haiku-4-5';
const TOOL_USE_ID = 'toolu_weather_1';
const TOOL_RESULT = { city: 'Oslo', temperature_c: 12, conditions: 'light rain' };
const ANSWER = 'It is 12 °C with light rain in Oslo.';
const USAGE = [{ inputTokens: 57, outputTokens: 18 }, { inputTokens: 96, outputTokens: 14 }];

type Part = { type: string } & Record<string, unknown>;
type Message = { role: string; parts: Part[] };

const byTime = (a: StoredAuditEvent, b: StoredAuditEvent) => a.timestamp.localeCompare(b.timestamp);
const ofType = (events: readonly StoredAuditEvent[], type: string) => events.filter((e) => e.type === type).sort(byTime);

describe('interop: @anthropic-ai/sdk + OpenInference (@arizeai/openinference-instrumentation-anthropic)', () => {
  it('records the tool_result block of the second call as a tool result, not as user text', async () => {
    const run = await runAnthropicScenario('openinference-anthropic', [
      toolUseReply('get_weather', { city: 'Oslo' }, { id: TOOL_USE_ID, usage: USAGE[0] }),
      anthropicTextReply(ANSWER, { usage: USAGE[1] }),
    ], { captureName: 'openinference-anthropic' });
    expect(run.stdout).toContain(`answer: ${ANSWER}`);
    expect(run.modelRequests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['POST /v1/messages 200', 'POST /v1/messages 200']);
    expect(run.trail).toMatchObject({ ok: true });

    const events = run.events;
    // One prompt and one completion per model call, one tool_call, the session's start and end.
    expect.soft(events.map((e) => e.type).sort()).toEqual(['completion', 'completion', 'custom', 'custom', 'prompt', 'prompt', 'tool_call']);
    const [prompt1, prompt2] = ofType(events, 'prompt');
    const [completion1, completion2] = ofType(events, 'completion');
    expect.soft(prompt1?.payload).toMatchObject({ model: MODEL, provider: 'anthropic', token_count: USAGE[0]?.inputTokens });
    expect.soft(completion1?.payload).toMatchObject({ model: anthropicResponseModelFor(MODEL), token_count: USAGE[0]?.outputTokens });
    expect.soft(completion2?.payload).toMatchObject({ response: ANSWER, token_count: USAGE[1]?.outputTokens });
    expect.soft(ofType(events, 'tool_call')[0]?.payload).toMatchObject({
      tool_name: 'get_weather', tool_call_id: TOOL_USE_ID, arguments: { city: 'Oslo' }, result: TOOL_RESULT, status: 'ok',
    });

    // The second call's messages: the question, the assistant's tool_use, the tool_result.
    const messages = (prompt2?.payload.messages ?? []) as Message[];
    expect(messages).toHaveLength(3);
    // The tool_use block once, as the call it is (OpenInference writes it under both tool_calls.0 and contents.0).
    expect.soft(messages[1]?.parts).toEqual([{ type: 'tool_call', id: TOOL_USE_ID, name: 'get_weather', arguments: { city: 'Oslo' } }]);
    const answer = messages[2];
    expect.soft(answer?.parts).toEqual([expect.objectContaining({ type: 'tool_call_response', id: TOOL_USE_ID })]);
    expect.soft(String(JSON.stringify(answer?.parts[0]?.response))).toContain('light rain');
    // Anthropic sends tool results in a user turn; GenAI's role for them is `tool`.
    expect.soft(['tool', 'user']).toContain(answer?.role);
    const textParts = messages.flatMap((m) => m.parts).filter((p) => p.type === 'text');
    expect.soft(textParts.map((p) => String(p.content))).not.toContainEqual(expect.stringContaining('light rain'));
  }, 60_000);
});
