/**
 * auditClaudeQuery on scripted message streams shaped as the Claude Agent
 * SDK 0.3 yields them (recorded from the real SDK in
 * test/interop/claude-agent-sdk.test.ts: one assistant message per content
 * block, `stop_reason` null and `output_tokens` not final on streamed
 * blocks), for what a scripted fake server cannot make the real CLI do:
 * split responses, odd shapes, a stream that fails midway, partial
 * messages, tools recorded by another span.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect } from 'vitest';
import { auditClaudeQuery, auditSpanProcessor, toAuditEvents, withSession, withToolCall } from '../../../src/index.js';
import { it } from '../../support/audit-test.js';

const MODEL = 'claude-sonnet-4-5';
const usage = (input: number, extra: Record<string, number> = {}) => ({ input_tokens: input, output_tokens: 1, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, ...extra });
const init = () => ({ type: 'system', subtype: 'init', model: MODEL, session_id: 'sdk-session', tools: [] });
const assistant = (id: string, block: object, u: object = usage(10), stopReason: string | null = null, thread: string | null = null) => ({
  type: 'assistant',
  message: { id, type: 'message', role: 'assistant', model: `${MODEL}-20251001`, content: [block], stop_reason: stopReason, usage: u },
  parent_tool_use_id: thread,
  session_id: 'sdk-session',
});
const toolUse = (id: string, name: string, input: unknown) => ({ type: 'tool_use', id, name, input });
const text = (t: string) => ({ type: 'text', text: t });
const toolResult = (toolUseId: string, content: unknown, isError = false) => ({
  type: 'user',
  message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUseId, content, ...(isError && { is_error: true }) }] },
  parent_tool_use_id: null,
});
const result = (outputTokens: number, stopReason = 'end_turn') => ({ type: 'result', subtype: 'success', stop_reason: stopReason, result: 'done', usage: { input_tokens: 0, output_tokens: outputTokens } });

async function* streamOf(messages: readonly unknown[], failAfter?: { count: number; error: unknown }): AsyncGenerator<unknown> {
  for (const [index, message] of messages.entries()) {
    if (failAfter !== undefined && index === failAfter.count) throw failAfter.error;
    yield message;
  }
}

async function drain(stream: AsyncIterable<unknown>): Promise<unknown[]> {
  const seen: unknown[] = [];
  for await (const message of stream) seen.push(message);
  return seen;
}

const byStart = (a: ReadableSpan, b: ReadableSpan) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1];
const chatSpans = (spans: readonly ReadableSpan[]) => spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'chat').sort(byStart);
const toolSpans = (spans: readonly ReadableSpan[]) => spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'execute_tool').sort(byStart);
const json = (value: unknown) => JSON.parse(String(value)) as unknown;

/** Ask for the weather (a response split into a text block and a tool_use block), get it, answer. */
const WEATHER_RUN = [
  init(),
  assistant('msg_1', text('Let me look.'), usage(10, { cache_read_input_tokens: 5, cache_creation_input_tokens: 2 })),
  assistant('msg_1', toolUse('toolu_1', 'mcp__weather__get_weather', { city: 'Oslo' }), usage(10, { cache_read_input_tokens: 5, cache_creation_input_tokens: 2 })),
  toolResult('toolu_1', [text('{"temperature_c":12}')]),
  assistant('msg_2', text('It is 12 °C.'), usage(30)),
  result(25),
];

describe('auditClaudeQuery', () => {
  it('yields the very messages of the stream and records one model call per message id', async ({ tracing }) => {
    const seen = await drain(auditClaudeQuery(streamOf(WEATHER_RUN), { prompt: 'Weather in Oslo?' }));
    expect(seen).toHaveLength(WEATHER_RUN.length);
    seen.forEach((message, i) => expect(message).toBe(WEATHER_RUN[i]));

    const spans = tracing.memory.getFinishedSpans();
    const [first, second, ...more] = chatSpans(spans);
    expect(more).toEqual([]);
    expect(first?.kind).toBe(SpanKind.CLIENT);
    expect(first?.name).toBe(`chat ${MODEL}`);
    expect(first?.attributes).toMatchObject({
      'gen_ai.request.model': MODEL,
      'gen_ai.response.model': `${MODEL}-20251001`,
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.response.id': 'msg_1',
      'gen_ai.usage.input_tokens': 17, // Anthropic's input excludes the cache counts; GenAI's includes them
      'gen_ai.usage.cache_read.input_tokens': 5,
      'gen_ai.usage.cache_write.input_tokens': 2,
    });
    // A streamed block's output count is not final: none is recorded rather than a wrong one.
    expect(first?.attributes['gen_ai.usage.output_tokens']).toBeUndefined();
    expect(json(first?.attributes['gen_ai.input.messages'])).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Weather in Oslo?' }] }]);
    expect(json(first?.attributes['gen_ai.output.messages'])).toEqual([{
      role: 'assistant',
      parts: [{ type: 'text', content: 'Let me look.' }, { type: 'tool_call', id: 'toolu_1', name: 'mcp__weather__get_weather', arguments: { city: 'Oslo' } }],
    }]);
    const prompt = json(second?.attributes['gen_ai.input.messages']) as Array<{ role: string; parts: Array<{ type: string }> }>;
    expect(prompt.map((m) => [m.role, m.parts.map((p) => p.type)])).toEqual([['user', ['text']], ['assistant', ['text', 'tool_call']], ['user', ['tool_call_response']]]); // as Anthropic sends it: the tool result in a user turn
    expect(second?.attributes).toMatchObject({ 'gen_ai.response.id': 'msg_2', 'gen_ai.response.finish_reasons': ['end_turn'], 'gen_ai.usage.input_tokens': 30 });

    const [tool] = toolSpans(spans);
    expect(tool?.attributes).toMatchObject({ 'gen_ai.tool.name': 'mcp__weather__get_weather', 'gen_ai.tool.call.id': 'toolu_1', 'gen_ai.tool.call.arguments': '{"city":"Oslo"}', 'gen_ai.tool.call.result': '{"temperature_c":12}' });
    // The call ends before the tool it asked for starts; the next call starts when the tool's result arrived.
    expect(byStart(first!, tool!)).toBeLessThanOrEqual(0);
    expect(tool!.endTime).toEqual(second!.startTime);
  });

  it('is a session of its own outside withSession, and records in the user\'s session inside one', async ({ tracing }) => {
    await drain(auditClaudeQuery(streamOf(WEATHER_RUN), { agentName: 'weather-agent', sessionId: 'own-1' }));
    const own = toAuditEvents(tracing.memory.getFinishedSpans());
    expect(new Set(own.map((e) => e.sessionId))).toEqual(new Set(['own-1']));
    expect(own.filter((e) => e.type === 'custom').map((e) => e.payload['name'])).toEqual(['session.start', 'session.end']);
    expect(own.find((e) => e.payload['name'] === 'session.end')?.payload).toMatchObject({ outcome: 'success' });
    tracing.memory.reset();

    await withSession({ sessionId: 'user-1', agentName: 'support' }, () => drain(auditClaudeQuery(streamOf(WEATHER_RUN), { sessionId: 'ignored' })));
    const inside = toAuditEvents(tracing.memory.getFinishedSpans());
    expect(new Set(inside.map((e) => e.sessionId))).toEqual(new Set(['user-1']));
    expect(inside.filter((e) => e.payload['name'] === 'session.start')).toHaveLength(1);
    expect(inside.filter((e) => e.type === 'prompt')).toHaveLength(2);
  });

  it('takes the output count from message_delta stream events, and the one unknown count of a turn from the result', async ({ tracing }) => {
    const partial = (event: object) => ({ type: 'stream_event', event, parent_tool_use_id: null });
    await drain(auditClaudeQuery(streamOf([
      init(),
      partial({ type: 'message_start', message: { id: 'msg_1' } }),
      assistant('msg_1', toolUse('toolu_1', 'lookup', {})),
      partial({ type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 18 } }),
      toolResult('toolu_1', 'found'),
      assistant('msg_2', text('Done.')),
      result(18 + 21),
    ])));
    const [first, second] = chatSpans(tracing.memory.getFinishedSpans());
    expect(first?.attributes).toMatchObject({ 'gen_ai.usage.output_tokens': 18, 'gen_ai.response.finish_reasons': ['tool_use'] });
    expect(second?.attributes).toMatchObject({ 'gen_ai.usage.output_tokens': 21, 'gen_ai.response.finish_reasons': ['end_turn'] });
  });

  it('leaves the output count out when more than one call of the turn has none', async ({ tracing }) => {
    await drain(auditClaudeQuery(streamOf(WEATHER_RUN)));
    expect(chatSpans(tracing.memory.getFinishedSpans()).map((s) => s.attributes['gen_ai.usage.output_tokens'])).toEqual([undefined, undefined]);
  });

  it('records a failed tool_result as a failed tool call with its text', async ({ tracing }) => {
    await drain(auditClaudeQuery(streamOf([init(), assistant('msg_1', toolUse('toolu_1', 'get_forecast', { city: 'Oslo' })), toolResult('toolu_1', 'forecast service unavailable', true), result(3)])));
    const events = toAuditEvents(tracing.memory.getFinishedSpans());
    const tool = events.find((e) => e.type === 'tool_call');
    expect(tool?.payload).toMatchObject({ tool_name: 'get_forecast', tool_call_id: 'toolu_1', status: 'error' });
    expect(events.filter((e) => e.type === 'error').map((e) => [e.payload['message'], e.spanId])).toEqual([['forecast service unavailable', tool?.spanId]]);
  });

  it('does not record a tool another span recorded under it (an in-process tool\'s withToolCall, named without the mcp__ prefix)', async ({ install }) => {
    const tracing = install.tracing([auditSpanProcessor({ backends: [] })]);
    async function* run(): AsyncGenerator<unknown> {
      yield init();
      yield assistant('msg_1', toolUse('toolu_1', 'mcp__weather__get_weather', { city: 'Oslo' }));
      // The SDK runs an in-process tool while it is iterated: here, inside the reader's next().
      await withToolCall('get_weather', { city: 'Oslo' }, async () => ({ temperature_c: 12 }));
      yield toolResult('toolu_1', [text('{"temperature_c":12}')]);
      yield assistant('msg_2', text('12 °C'));
    }
    await drain(auditClaudeQuery(run()));
    const tools = toolSpans(tracing.memory.getFinishedSpans());
    expect(tools.map((s) => s.attributes['gen_ai.tool.name'])).toEqual(['get_weather']);
    expect(chatSpans(tracing.memory.getFinishedSpans())).toHaveLength(2);
  });

  it('calls a query() given as a function inside the run, so callbacks its control loop starts then claim their tools', async ({ install }) => {
    const tracing = install.tracing([auditSpanProcessor({ backends: [] })]);
    /** As the SDK's query(): its control loop starts now, in the caller's context, and later runs an in-process tool from there. */
    function query(): AsyncGenerator<unknown> {
      let toolRan!: () => void;
      const ran = new Promise<void>((resolve) => (toolRan = resolve));
      void (async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        await withToolCall('get_weather', { city: 'Oslo' }, async () => ({ temperature_c: 12 }));
        toolRan();
      })();
      return (async function* () {
        yield init();
        yield assistant('msg_1', toolUse('toolu_1', 'mcp__weather__get_weather', { city: 'Oslo' }));
        await ran;
        yield toolResult('toolu_1', [text('{"temperature_c":12}')]);
        yield assistant('msg_2', text('12 °C'));
      })();
    }
    await drain(auditClaudeQuery(() => query(), { sessionId: 'factory-1' }));
    const spans = tracing.memory.getFinishedSpans();
    // One tool span, the tool's own, in the reader's session; the pair in the stream records nothing more.
    expect(toolSpans(spans).map((s) => [s.attributes['gen_ai.tool.name'], s.attributes['gen_ai.conversation.id']])).toEqual([['get_weather', 'factory-1']]);
    expect(chatSpans(spans)).toHaveLength(2);
  });

  it('holds at most the newest 200 messages of a long conversation: a call\'s prompt is those', async ({ tracing }) => {
    const messages: unknown[] = [init()];
    for (let i = 0; i < 150; i++) {
      messages.push(assistant(`msg_${i}`, toolUse(`toolu_${i}`, 'mcp__weather__get_weather', { city: `City ${i}` }), usage(10), 'tool_use'));
      messages.push(toolResult(`toolu_${i}`, [text(`{"n":${i}}`)]));
    }
    messages.push(assistant('msg_last', text('Done.'), usage(10), 'end_turn'));
    await drain(auditClaudeQuery(streamOf(messages), { prompt: 'Check 150 cities.' }));
    const calls = chatSpans(tracing.memory.getFinishedSpans());
    expect(calls).toHaveLength(151);
    const last = json(calls.at(-1)?.attributes['gen_ai.input.messages']) as Array<{ role: string }>;
    expect(last).toHaveLength(200);
    // The newest kept: the last tool result is the prompt's last message.
    expect(JSON.stringify(last.at(-1))).toContain('toolu_149');
  });

  it('passes on what a query() given as a function throws, its session ended failed', async ({ tracing }) => {
    const failure = new Error('spawn claude ENOENT');
    expect(() => auditClaudeQuery(() => { throw failure; }, { sessionId: 'no-cli' })).toThrow(failure);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const session = tracing.memory.getFinishedSpans().find((s) => s.name.startsWith('invoke_agent'));
    expect(session?.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'spawn claude ENOENT' });
  });

  it('keeps what was recorded when the stream throws midway, and passes the very error on', async ({ tracing }) => {
    const failure = new Error('CLI exited with code 1');
    const stream = auditClaudeQuery(streamOf(WEATHER_RUN, { count: 4, error: failure }), { sessionId: 'failing' });
    await expect(drain(stream)).rejects.toBe(failure);
    const spans = tracing.memory.getFinishedSpans();
    expect(chatSpans(spans).map((s) => s.attributes['gen_ai.response.id'])).toEqual(['msg_1']);
    expect(toolSpans(spans)).toHaveLength(1);
    const session = spans.find((s) => s.name.startsWith('invoke_agent'));
    expect(session?.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'CLI exited with code 1' });
  });

  it('records the open call and ends the session when the agent stops early, and ends the SDK\'s iterator', async ({ tracing }) => {
    let closed = false;
    async function* run(): AsyncGenerator<unknown> {
      try {
        yield* WEATHER_RUN;
      } finally {
        closed = true;
      }
    }
    for await (const message of auditClaudeQuery(run())) if ((message as { type: string }).type === 'assistant') break;
    expect(closed).toBe(true);
    const spans = tracing.memory.getFinishedSpans();
    expect(chatSpans(spans).map((s) => s.attributes['gen_ai.response.id'])).toEqual(['msg_1']);
    expect(spans.find((s) => s.name.startsWith('invoke_agent'))?.status.code).not.toBe(SpanStatusCode.ERROR);
  });

  it('passes messages of odd shape on unchanged and records what it can', async ({ tracing }) => {
    const hostile = { type: 'assistant', get message(): never { throw new Error('no reading this'); } };
    const odd = [
      null, 42, 'text', [], { type: 'assistant' }, { type: 'assistant', message: { content: 'not a list', usage: 'none' } },
      hostile, { type: 'user', message: { content: [{ type: 'tool_result', tool_use_id: 'never-asked' }] } },
      { type: 'result', usage: { output_tokens: -3 }, model_usage_since_last_result: { m: { outputTokens: 'many' } } },
      { type: 'stream_event', event: { type: 'message_delta', usage: null } },
      assistant('msg_ok', text('still read')),
    ];
    const seen = await drain(auditClaudeQuery(streamOf(odd)));
    seen.forEach((message, i) => expect(message).toBe(odd[i]));
    const calls = chatSpans(tracing.memory.getFinishedSpans());
    expect(calls.some((s) => s.attributes['gen_ai.response.id'] === 'msg_ok')).toBe(true);
    expect(toolSpans(tracing.memory.getFinishedSpans())).toEqual([]); // a tool_result nobody asked for is no tool call
  });

  it('writes no content when content capture is off, and cuts texts at the content limit', async ({ install }) => {
    const tracing = install.tracing([auditSpanProcessor({ backends: [], captureContent: false })]);
    await drain(auditClaudeQuery(streamOf(WEATHER_RUN), { prompt: 'Weather in Oslo?' }));
    for (const span of tracing.memory.getFinishedSpans()) {
      for (const key of ['gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.tool.call.arguments', 'gen_ai.tool.call.result']) expect(span.attributes[key]).toBeUndefined();
    }
    expect(chatSpans(tracing.memory.getFinishedSpans())[0]?.attributes['gen_ai.usage.input_tokens']).toBe(17);
    await tracing.close();

    const limited = install.tracing([auditSpanProcessor({ backends: [], maxContentLength: 40 })]);
    await drain(auditClaudeQuery(streamOf([init(), assistant('msg_1', text('x'.repeat(500)))])));
    expect(String(chatSpans(limited.memory.getFinishedSpans())[0]?.attributes['gen_ai.output.messages'])).toContain('truncated');
  });

  it('returns what cannot be read as a stream unchanged, and wraps a stream once', async ({ tracing }) => {
    expect(auditClaudeQuery(42 as never)).toBe(42);
    const frozen = Object.freeze({ async *[Symbol.asyncIterator]() { yield init(); } });
    expect(await drain(auditClaudeQuery(frozen))).toHaveLength(1);
    const stream = streamOf(WEATHER_RUN);
    expect(auditClaudeQuery(auditClaudeQuery(stream))).toBe(stream);
    await drain(stream);
    expect(chatSpans(tracing.memory.getFinishedSpans())).toHaveLength(2);
  });
});
