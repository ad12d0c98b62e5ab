/**
 * The Claude Agent SDK (@anthropic-ai/claude-agent-sdk 0.3 `query()`, which
 * starts its bundled native Claude CLI) traced by
 * @arizeai/openinference-instrumentation-claude-agent-sdk, against the fake
 * Anthropic server. The framework tools run in the test's process as an
 * in-process MCP server, so the model sees them as `mcp__weather__<name>`.
 *
 * The framework script — get_weather (ok), get_forecast (throws: the SDK
 * sends the model an `is_error` tool_result and goes on), the answer — must
 * leave exactly: the SDK's run as the session (start + end), one tool_call
 * per executed tool with arguments and result, one error for the failing
 * tool, and no model-call events (the instrumentation writes none); also with
 * OpenInference's Anthropic instrumentation on (it sees nothing: the CLI
 * makes the model calls in its own process); and inside withSession. The
 * CLI reached the fake server only: nothing else was requested, and nothing
 * went to the egress trap.
 *
 * The per-call data the trail needs exists only in the CLI: with its own
 * OpenTelemetry export on (to a loopback OTLP receiver) and the query inside
 * withSession, its spans join the session's trace — one
 * `claude_code.llm_request` per model call with token counts, one
 * `claude_code.tool` per executed tool with the toolu id.
 *
 * With auditClaudeQuery around the stream (the app's process sees the
 * messages the CLI sends), the trail gets the model calls too: exactly one
 * prompt + completion per call and one tool_call per tool, with the
 * instrumentation (its TOOL spans record the tools) or without it (the
 * reader records them from tool_use / tool_result pairs, or the tools' own
 * withToolCall spans do), inside withSession or on its own (then the
 * iteration is the session).
 */
import { describe, expect, it } from 'vitest';
import type { StoredAuditEvent } from '../../src/receiver/index.js';
import { anthropicResponseModelFor, anthropicTextReply, toolUseReply, type AnthropicReply } from '../servers/fake-anthropic-server.js';
import { FRAMEWORK_SCRIPT as S } from './framework-script.js';
import { runAnthropicScenario, type AnthropicScenarioRun } from './run-anthropic-scenario.js';

const MODEL = 'claude-sonnet-4-5';
/** As scenarios/framework-tools.mjs has them: the agent's name and the question the scenario asks. */
const AGENT = 'weather-agent';
const QUESTION = 'What is the weather in Oslo, and the forecast?';
const mcpName = (tool: string) => `mcp__weather__${tool}`;
const IDS = { weather: 'toolu_weather_1', forecast: 'toolu_forecast_1' };
const usage = (i: number) => ({ inputTokens: S.usage[i]!.promptTokens, outputTokens: S.usage[i]!.completionTokens });
const byTime = (a: StoredAuditEvent, b: StoredAuditEvent) => a.timestamp.localeCompare(b.timestamp);
const ofType = (events: readonly StoredAuditEvent[], type: string) => events.filter((e) => e.type === type).sort(byTime);

/** FRAMEWORK_SCRIPT for Claude: the same calls under their MCP names, with toolu ids. */
function claudeReplies(): AnthropicReply[] {
  return [
    toolUseReply(mcpName(S.weather.name), S.weather.arguments, { id: IDS.weather, usage: usage(0) }),
    toolUseReply(mcpName(S.forecast.name), S.forecast.arguments, { id: IDS.forecast, usage: usage(1) }),
    anthropicTextReply(S.answer, { usage: usage(2) }),
  ];
}

/** The CLI made the three model calls and nothing else, all of them streamed. */
function expectModelTraffic(run: AnthropicScenarioRun): void {
  expect(run.egress).toEqual([]);
  expect(run.modelRequests.map((r) => `${r.method} ${r.path}${r.query} ${r.status}`)).toEqual(Array(3).fill('POST /v1/messages?beta=true 200'));
  const bodies = run.modelRequests.map((r) => r.body as { stream?: boolean; messages: Array<{ content: unknown }> });
  expect(bodies.map((b) => b.stream)).toEqual([true, true, true]);
  // The failure went back to the model as an is_error tool_result.
  expect(bodies[2]?.messages.at(-1)?.content).toEqual([expect.objectContaining({ type: 'tool_result', tool_use_id: IDS.forecast, is_error: true })]);
}

/**
 * What the trail can hold of a Claude Agent SDK run: the instrumentation
 * writes the run (`ClaudeAgent.query`, an AGENT span with the question, the
 * answer and the run's summed tokens) and one TOOL span per executed tool —
 * no span per model call, since the CLI makes the calls in its own process
 * (README, "Supported conventions"). So: the run as the session, one
 * tool_call per tool with arguments and result, one error for the failure,
 * and no prompt or completion.
 */
function expectFrameworkTrail(run: AnthropicScenarioRun): void {
  expect(run.stdout).toContain(`result: success ${S.answer}`);
  const events = run.events;
  expect.soft(events.map((e) => e.type).sort()).toEqual(['custom', 'custom', 'error', 'tool_call', 'tool_call']);
  const sessions = new Set(events.map((e) => e.payload.session_id));
  expect.soft(sessions.size).toBe(1);
  expect.soft([...sessions][0]).toEqual(expect.any(String));
  expect.soft(new Set(events.map((e) => e.trace_id)).size).toBe(1);

  const [start, end] = ofType(events, 'custom');
  expect.soft(start?.payload).toMatchObject({ name: 'session.start' });
  expect.soft(end?.payload).toMatchObject({ name: 'session.end', outcome: 'success' });

  // The tool's own name or the MCP name the model called it by.
  const [weather, forecast] = ofType(events, 'tool_call');
  expect.soft(weather?.payload.tool_name).toMatch(new RegExp(`(^|__)${S.weather.name}$`));
  expect.soft(weather?.payload).toMatchObject({ arguments: S.weather.arguments, result: S.weather.result, status: 'ok' });
  expect.soft(forecast?.payload.tool_name).toMatch(new RegExp(`(^|__)${S.forecast.name}$`));
  expect.soft(forecast?.payload).toMatchObject({ arguments: S.forecast.arguments, status: 'error' });
  const [error] = ofType(events, 'error');
  expect.soft(error?.payload.message).toContain(S.forecast.failure);
  expect.soft(error?.payload.span_id).toBe(forecast?.payload.span_id);
}

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
interface CliSpan { name: string; traceId: string; spanId: string; parentSpanId?: string; status?: { code?: number }; attributes: Record<string, unknown> }

/** The spans of the CLI's OTLP JSON exports, attributes as plain values. */
function cliSpans(run: AnthropicScenarioRun): CliSpan[] {
  type Raw = Omit<CliSpan, 'attributes'> & { attributes?: Array<{ key: string; value: OtlpValue }> };
  type Body = { resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: Raw[] }> }> };
  const value = (v: OtlpValue) => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : v.boolValue ?? v.doubleValue);
  return run.otlp.filter((p) => p.path === '/v1/traces').flatMap((p) => (p.body as Body).resourceSpans ?? [])
    .flatMap((r) => r.scopeSpans ?? []).flatMap((s) => s.spans ?? [])
    .map((span) => ({ ...span, attributes: Object.fromEntries((span.attributes ?? []).map((a) => [a.key, value(a.value)])) }));
}

describe('interop: Claude Agent SDK + OpenInference (@arizeai/openinference-instrumentation-claude-agent-sdk)', () => {
  it('yields exactly the framework trail, the CLI talking to the fake server only', async () => {
    const run = await runAnthropicScenario('claude-agent-sdk', claudeReplies(), { captureName: 'claude-agent-sdk', timeoutMillis: 120_000 });
    expectModelTraffic(run);
    expectFrameworkTrail(run);
  }, 150_000);

  it('yields the same trail with OpenInference on @anthropic-ai/sdk as well', async () => {
    const run = await runAnthropicScenario('claude-agent-sdk', claudeReplies(), {
      env: { INTEROP_LLM_INSTRUMENTATION: 'openinference' }, captureName: 'claude-agent-sdk-openinference-anthropic', timeoutMillis: 120_000,
    });
    expectModelTraffic(run);
    expectFrameworkTrail(run);
  }, 150_000);

  it('yields the same trail inside withSession, the CLI\'s own spans joining the session\'s trace', async () => {
    const run = await runAnthropicScenario('claude-agent-sdk', claudeReplies(), {
      env: { INTEROP_WITH_SESSION: '1' }, otlpReceiver: true, captureName: 'claude-agent-sdk-session', timeoutMillis: 120_000,
    });
    expectModelTraffic(run);
    const spans = cliSpans(run);
    const session = run.events.find((e) => e.payload.name === 'session.start');
    const interaction = spans.find((s) => s.name === 'claude_code.interaction');
    expect(interaction).toMatchObject({ traceId: session?.trace_id, parentSpanId: session?.payload.span_id });
    const calls = spans.filter((s) => s.name === 'claude_code.llm_request');
    expect(calls.map((c) => c.attributes)).toEqual(S.usage.map((u) => expect.objectContaining({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': MODEL,
      'gen_ai.response.model': anthropicResponseModelFor(MODEL),
      'gen_ai.usage.input_tokens': u.promptTokens,
      'gen_ai.usage.output_tokens': u.completionTokens,
    })));
    const tools = spans.filter((s) => s.name === 'claude_code.tool');
    expect(tools.map((t) => [t.attributes['gen_ai.tool.name'], t.attributes['gen_ai.tool.call.id']])).toEqual([
      [S.weather.name, IDS.weather], [S.forecast.name, IDS.forecast],
    ]);
    expectFrameworkTrail(run);
  }, 150_000);
});

/**
 * The trail with auditClaudeQuery: the framework trail (session, two
 * tool_calls, one error) plus one prompt + completion per model call, all in
 * one session and trace. `toolCallIds`: the reader recorded the tools (it
 * has the toolu ids; the instrumentation's TOOL spans have none).
 * `outputTokens`: each call's final output count was in the stream
 * (partial messages); without them the streamed blocks' placeholder is not
 * taken for it. `toolNames`: `bare` when the app's own withToolCall spans
 * recorded the tools (by the names it gave them), else the MCP names.
 */
interface ReaderExpectation {
  toolCallIds: boolean;
  outputTokens: boolean;
  toolNames?: 'mcp' | 'bare';
}

function expectReaderTrail(run: AnthropicScenarioRun, { toolCallIds, outputTokens, toolNames = 'mcp' }: ReaderExpectation): void {
  expect(run.stdout).toContain(`result: success ${S.answer}`);
  const events = run.events;
  expect.soft(events.map((e) => e.type).sort()).toEqual(['completion', 'completion', 'completion', 'custom', 'custom', 'error', 'prompt', 'prompt', 'prompt', 'tool_call', 'tool_call']);
  expect.soft(new Set(events.map((e) => e.payload.session_id)).size).toBe(1);
  expect.soft(new Set(events.map((e) => e.trace_id)).size).toBe(1);
  expect.soft(new Set(events.map((e) => e.payload.agent_name))).toEqual(new Set([AGENT]));
  const [start, end] = ofType(events, 'custom');
  expect.soft(start?.payload).toMatchObject({ name: 'session.start', span_name: `invoke_agent ${AGENT}` });
  expect.soft(end?.payload).toMatchObject({ name: 'session.end', outcome: 'success' });

  const prompts = ofType(events, 'prompt');
  expect.soft(prompts.map((p) => [p.payload.model, p.payload.provider, p.payload.token_count])).toEqual(S.usage.map((u) => [MODEL, 'anthropic', u.promptTokens]));
  const messages = prompts.map((p) => p.payload.messages as Array<{ role: string; parts: Array<Record<string, unknown>> }>);
  expect.soft(messages.map((m) => m.length)).toEqual([1, 3, 5]);
  expect.soft(messages[0]?.[0]).toEqual({ role: 'user', parts: [{ type: 'text', content: QUESTION }] });
  expect.soft(messages[2]?.[4]?.parts).toEqual([expect.objectContaining({ type: 'tool_call_response', id: IDS.forecast })]);

  const completions = ofType(events, 'completion');
  const parts = completions.map((c) => (c.payload.messages as Array<{ parts: Array<Record<string, unknown>> }>)[0]?.parts);
  expect.soft(parts).toEqual([
    [{ type: 'tool_call', id: IDS.weather, name: mcpName(S.weather.name), arguments: S.weather.arguments }],
    [{ type: 'tool_call', id: IDS.forecast, name: mcpName(S.forecast.name), arguments: S.forecast.arguments }],
    [{ type: 'text', content: S.answer }],
  ]);
  expect.soft(completions.map((c) => c.payload.model)).toEqual(Array(3).fill(anthropicResponseModelFor(MODEL)));
  expect.soft(new Set(completions.map((c) => c.payload.response_id)).size).toBe(3);
  expect.soft(completions.map((c) => (c.payload.usage as Record<string, unknown>).input_tokens)).toEqual(S.usage.map((u) => u.promptTokens));
  expect.soft(completions.map((c) => (c.payload.usage as Record<string, unknown>).output_tokens)).toEqual(S.usage.map((u) => (outputTokens ? u.completionTokens : undefined)));
  expect.soft(completions[2]?.payload.finish_reasons).toEqual(['stop']);

  const [weather, forecast] = ofType(events, 'tool_call');
  const toolName = (name: string) => (toolNames === 'mcp' ? mcpName(name) : name);
  expect.soft(weather?.payload).toMatchObject({ tool_name: toolName(S.weather.name), arguments: S.weather.arguments, result: S.weather.result, status: 'ok' });
  expect.soft(forecast?.payload).toMatchObject({ tool_name: toolName(S.forecast.name), arguments: S.forecast.arguments, status: 'error' });
  expect.soft([weather?.payload.tool_call_id, forecast?.payload.tool_call_id]).toEqual(toolCallIds ? [IDS.weather, IDS.forecast] : [undefined, undefined]);
  const [error] = ofType(events, 'error');
  expect.soft(error?.payload.message).toContain(S.forecast.failure);
  expect.soft(error?.payload.span_id).toBe(forecast?.payload.span_id);
}

describe('interop: Claude Agent SDK read through auditClaudeQuery', () => {
  const READER = { INTEROP_CLAUDE_READER: '1' };
  const ALONE = { ...READER, INTEROP_CLAUDE_INSTRUMENTATION: 'none' };
  const cases: Array<[string, Record<string, string>, ReaderExpectation]> = [
    ['beside the OpenInference instrumentation', READER, { toolCallIds: false, outputTokens: false }],
    ['beside the OpenInference instrumentation, inside withSession', { ...READER, INTEROP_WITH_SESSION: '1' }, { toolCallIds: false, outputTokens: false }],
    ['alone', ALONE, { toolCallIds: true, outputTokens: false }],
    ['alone, inside withSession', { ...ALONE, INTEROP_WITH_SESSION: '1' }, { toolCallIds: true, outputTokens: false }],
    ['alone, with partial messages', { ...ALONE, INTEROP_CLAUDE_PARTIAL: '1' }, { toolCallIds: true, outputTokens: true }],
    // The in-process tools' own spans claim their tools: they run in the context query() was called in, the reader's.
    ['alone, each tool recording itself with withToolCall', { ...ALONE, INTEROP_CLAUDE_TOOL_SPANS: '1' }, { toolCallIds: false, outputTokens: false, toolNames: 'bare' }],
  ];
  for (const [name, env, expected] of cases) {
    it(`yields exactly one prompt + completion per model call and one tool_call per tool: ${name}`, async () => {
      const run = await runAnthropicScenario('claude-agent-sdk', claudeReplies(), {
        env, captureName: `claude-agent-sdk-reader-${name.replace(/\W+/g, '-')}`, timeoutMillis: 120_000,
      });
      expectModelTraffic(run);
      expectReaderTrail(run, expected);
    }, 150_000);
  }
});
