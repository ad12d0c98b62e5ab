/**
 * auditAgentsTraceProcessor driven by the OpenAI Agents SDK's own `Trace`
 * and `Span` objects (@openai/agents 0.14), started and ended by hand with
 * the data the SDK's runner and OpenAI models write (as recorded in
 * test/interop/captured/openai-agents-*-sdk-spans.json), for what a scripted
 * agent run does not show: the Responses API, content capture off, spans
 * the SDK never ends, odd input, the bound on open spans.
 */
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Span as SdkSpan, Trace as SdkTrace, type TracingProcessor } from '@openai/agents';
import { describe, expect } from 'vitest';
import { auditAgentsTraceProcessor, auditSpanProcessor, toAuditEvents, withSession, type AuditAgentsTraceProcessor } from '../../../src/index.js';
import { it } from '../../support/audit-test.js';

const MODEL = 'gpt-4o-mini';
const SCOPE = 'otel-agent-audit/openai-agents';
const WEATHER = '{"city":"Oslo","temperature_c":12}';
const json = (value: unknown) => JSON.parse(String(value)) as unknown;
const named = (spans: readonly ReadableSpan[], prefix: string) => spans.filter((s) => s.name.startsWith(prefix));

/** A chat completion as the fake server (and OpenAI) answers, asking for `get_weather` or answering `text`. */
function completion(id: string, reply: { toolCallId?: string; text?: string }, usage = { prompt_tokens: 57, completion_tokens: 18 }) {
  const message = reply.toolCallId === undefined
    ? { role: 'assistant', content: reply.text ?? '' }
    : { role: 'assistant', content: null, tool_calls: [{ id: reply.toolCallId, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] };
  return { id, object: 'chat.completion', model: `${MODEL}-2024-07-18`, choices: [{ index: 0, message, finish_reason: reply.toolCallId ? 'tool_calls' : 'stop' }], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } };
}

/** One SDK run driven by hand: `span(data, parent)` starts a span, `end(span, patch)` sets data fields and ends it. */
class SdkRun {
  readonly trace: SdkTrace;
  constructor(readonly processor: TracingProcessor, name = 'Agent workflow') {
    this.trace = new SdkTrace({ name }, processor);
  }
  span(data: Record<string, unknown>, parent?: SdkSpan<never>): SdkSpan<never> {
    const span = new SdkSpan({ traceId: this.trace.traceId, parentId: parent?.spanId, data: data as never }, this.processor);
    span.start();
    return span;
  }
  end(span: SdkSpan<never>, patch: Record<string, unknown> = {}, error?: { message: string; data?: Record<string, unknown> }): void {
    Object.assign(span.spanData, patch);
    if (error) span.setError(error);
    span.end();
  }
}

/** The framework script's first turn: a model call asking for get_weather, the tool, then the answer. */
async function weatherRun(processor: AuditAgentsTraceProcessor): Promise<void> {
  const run = new SdkRun(processor);
  await run.trace.start();
  const task = run.span({ type: 'task', name: 'Agent workflow' });
  const agent = run.span({ type: 'agent', name: 'weather-agent', tools: ['get_weather'] }, task);
  const turn = run.span({ type: 'turn', turn: 1, agent_name: 'weather-agent' }, agent);
  const input = [{ role: 'system', content: 'Use tools.' }, { role: 'user', content: 'Weather in Oslo?' }];
  const ask = run.span({ type: 'generation' }, turn);
  run.end(ask, { model: MODEL, model_config: { temperature: 0.2, base_url: 'http://127.0.0.1/v1' }, input, output: [completion('chatcmpl-1', { toolCallId: 'call_weather_1' })] });
  const tool = run.span({ type: 'function', name: 'get_weather', input: '', output: '' }, turn);
  run.end(tool, { input: '{"city":"Oslo"}', output: WEATHER });
  const answer = run.span({ type: 'generation' }, turn);
  run.end(answer, { model: MODEL, input, output: [completion('chatcmpl-2', { text: '12 °C in Oslo.' }, { prompt_tokens: 81, completion_tokens: 7 })] });
  run.end(turn);
  run.end(agent);
  run.end(task);
  await run.trace.end();
}

describe('auditAgentsTraceProcessor', () => {
  it('is a TracingProcessor the SDK accepts, and refuses a bound that is not a positive integer', () => {
    const processor: TracingProcessor = auditAgentsTraceProcessor();
    expect(typeof processor.onSpanStart).toBe('function');
    expect(() => auditAgentsTraceProcessor({ maxOpenSpans: 0 })).toThrow(/maxOpenSpans must be a positive integer/);
    expect(() => auditAgentsTraceProcessor({ maxOpenSpans: '3' as unknown as number })).toThrow(TypeError);
  });

  it('writes the run, each model call and each tool as GenAI spans of its own scope, at the SDK\'s times', async ({ tracing }) => {
    const processor = auditAgentsTraceProcessor();
    await weatherRun(processor);
    const spans = tracing.memory.getFinishedSpans();
    expect(new Set(spans.map((s) => s.instrumentationScope.name))).toEqual(new Set([SCOPE]));
    // No span for the SDK's task (the run itself) and turn (plumbing of the SDK's loop).
    expect(spans.map((s) => s.name).sort()).toEqual(['chat gpt-4o-mini', 'chat gpt-4o-mini', 'execute_tool get_weather', 'invoke_agent Agent workflow', 'invoke_agent weather-agent']);
    const [ask, answer] = named(spans, 'chat');
    expect(ask?.kind).toBe(SpanKind.CLIENT);
    expect(ask?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': MODEL, 'gen_ai.request.temperature': 0.2,
      'gen_ai.response.model': `${MODEL}-2024-07-18`, 'gen_ai.response.id': 'chatcmpl-1', 'gen_ai.usage.input_tokens': 57, 'gen_ai.usage.output_tokens': 18, 'gen_ai.agent.name': 'weather-agent',
    });
    expect(ask?.attributes['gen_ai.request.base_url']).toBeUndefined();
    expect(json(ask?.attributes['gen_ai.input.messages'])).toEqual([{ role: 'system', parts: [{ type: 'text', content: 'Use tools.' }] }, { role: 'user', parts: [{ type: 'text', content: 'Weather in Oslo?' }] }]);
    expect(answer?.attributes).toMatchObject({ 'gen_ai.response.id': 'chatcmpl-2', 'gen_ai.usage.input_tokens': 81 });
    const [tool] = named(spans, 'execute_tool');
    // The call id the model gave the call: the SDK's function span does not carry it.
    expect(tool?.attributes).toMatchObject({ 'gen_ai.tool.name': 'get_weather', 'gen_ai.tool.call.id': 'call_weather_1', 'gen_ai.tool.call.arguments': '{"city":"Oslo"}', 'gen_ai.tool.call.result': WEATHER });
    // Parented as the SDK's spans are, with the SDK's turn left out.
    const agent = named(spans, 'invoke_agent weather-agent')[0];
    expect(tool?.parentSpanContext?.spanId).toBe(agent?.spanContext().spanId);
    expect(processor.stats()).toEqual({ openRuns: 0, openSpans: 0, abandoned: 0 });
  });

  it('makes the run the session, named by its workflow, with one pair per call and the agent named on each event', async ({ install }) => {
    const tracing = install.tracing([auditSpanProcessor({ backends: [] })]);
    await weatherRun(auditAgentsTraceProcessor());
    const events = toAuditEvents(tracing.memory.getFinishedSpans());
    expect(events.map((e) => e.type === 'custom' ? String(e.payload['name']) : e.type)).toEqual(['session.start', 'prompt', 'completion', 'tool_call', 'prompt', 'completion', 'session.end']);
    const start = events[0];
    expect(start?.payload['agent_name'] ?? start?.agentName).toBe('Agent workflow');
    expect(new Set(events.map((e) => e.sessionId)).size).toBe(1);
    expect(events.filter((e) => e.type !== 'custom').every((e) => e.agentName === 'weather-agent')).toBe(true);
  });

  it('joins the withSession the run runs in, where the run is no session of its own', async ({ tracing }) => {
    await withSession({ sessionId: 'user-1', agentName: 'support' }, () => weatherRun(auditAgentsTraceProcessor()));
    const events = toAuditEvents(tracing.memory.getFinishedSpans());
    expect(new Set(events.map((e) => e.sessionId))).toEqual(new Set(['user-1']));
    expect(events.filter((e) => e.type === 'custom').map((e) => e.payload['name'])).toEqual(['session.start', 'session.end']);
    expect(events.filter((e) => e.type === 'prompt').map((e) => e.agentName)).toEqual(['weather-agent', 'weather-agent']);
  });

  it('records a failed tool with what the model was told, a handoff and guardrails as custom events, and a tripped run as failed', async ({ install }) => {
    const tracing = install.tracing([auditSpanProcessor({ backends: [] })]);
    const run = new SdkRun(auditAgentsTraceProcessor());
    await run.trace.start();
    const task = run.span({ type: 'task', name: 'Agent workflow' });
    const agent = run.span({ type: 'agent', name: 'weather-agent' }, task);
    const tool = run.span({ type: 'function', name: 'get_forecast', input: '', output: '' }, agent);
    run.end(tool, { input: '{"city":"Oslo"}', output: 'An error occurred while running the tool.' }, { message: 'Error running tool (non-fatal)', data: { tool_name: 'get_forecast', error: 'Error: forecast service unavailable' } });
    run.end(run.span({ type: 'handoff', from_agent: 'weather-agent' }, agent), { to_agent: 'forecast-agent' });
    run.end(run.span({ type: 'custom', name: 'approval', data: { approved: true } }, agent));
    run.end(run.span({ type: 'guardrail', name: 'no_secrets', triggered: false }, agent), { triggered: true });
    const tripped = { message: 'Error in agent run', data: { error: 'InputGuardrailTripwireTriggered: Input guardrail triggered: {"asksForSecret":true}' } };
    run.end(agent, {}, tripped);
    run.end(task, {}, tripped); // the SDK never ends the trace of such a run: the task's end ends it
    const events = toAuditEvents(tracing.memory.getFinishedSpans());
    const toolCall = events.find((e) => e.type === 'tool_call');
    expect(toolCall?.payload).toMatchObject({ tool_name: 'get_forecast', status: 'error', arguments: { city: 'Oslo' }, result: 'An error occurred while running the tool.' });
    const toolError = events.find((e) => e.type === 'error' && e.spanId === toolCall?.spanId);
    expect(toolError?.payload).toMatchObject({ error_type: 'Error', message: 'Error running tool (non-fatal): Error: forecast service unavailable' });
    const customs = events.filter((e) => e.type === 'custom').map((e) => [e.payload['name'], e.payload['data']]);
    expect(customs).toEqual([
      ['session.start', undefined],
      ['handoff', { from_agent: 'weather-agent', to_agent: 'forecast-agent' }],
      ['approval', { approved: true }],
      ['guardrail', { guardrail: 'no_secrets', triggered: true }],
      ['session.end', undefined],
    ]);
    expect(events.find((e) => e.payload['name'] === 'session.end')?.payload).toMatchObject({ outcome: 'error', status_message: expect.stringContaining('Input guardrail triggered') });
    const agentSpan = named(tracing.memory.getFinishedSpans(), 'invoke_agent weather-agent')[0];
    expect(agentSpan?.attributes['error.type']).toBe('InputGuardrailTripwireTriggered');
  });

  it('makes one session of a trace of several runs (the app\'s own withTrace), ending it with the trace', async ({ install }) => {
    const tracing = install.tracing([auditSpanProcessor({ backends: [] })]);
    const run = new SdkRun(auditAgentsTraceProcessor(), 'Support workflow');
    await run.trace.start();
    for (const question of ['first', 'second']) {
      const task = run.span({ type: 'task', name: 'Support workflow' });
      const agent = run.span({ type: 'agent', name: 'weather-agent' }, task);
      run.end(run.span({ type: 'generation' }, agent), { model: MODEL, input: [{ role: 'user', content: question }], output: [completion(`chatcmpl-${question}`, { text: 'ok' })] });
      run.end(agent);
      run.end(task);
    }
    expect(named(tracing.memory.getFinishedSpans(), 'invoke_agent Support workflow')).toEqual([]); // open until the trace ends
    await run.trace.end();
    const events = toAuditEvents(tracing.memory.getFinishedSpans());
    // Each run's first agent is the run itself: no event of its own.
    expect(events.map((e) => (e.type === 'custom' ? String(e.payload['name']) : e.type))).toEqual(['session.start', 'prompt', 'completion', 'prompt', 'completion', 'session.end']);
    expect(events[0]?.agentName).toBe('Support workflow');
  });

  it('ends a run when its task fails, and makes what its trace still holds a run of the same name', async ({ install }) => {
    const tracing = install.tracing([auditSpanProcessor({ backends: [] })]);
    const processor = auditAgentsTraceProcessor();
    const run = new SdkRun(processor, 'Support workflow');
    await run.trace.start();
    const failed = run.span({ type: 'task', name: 'Support workflow' });
    run.end(failed, {}, { message: 'Error in agent run', data: { error: 'MaxTurnsExceededError: Max turns (1) exceeded' } });
    expect(processor.stats().openRuns).toBe(0);
    const retried = run.span({ type: 'task', name: 'Support workflow' });
    run.end(run.span({ type: 'generation', model: MODEL }, retried), { output: [completion('chatcmpl-1', { text: 'ok' })] });
    run.end(retried);
    await run.trace.end();
    const ends = toAuditEvents(tracing.memory.getFinishedSpans()).filter((e) => e.payload['name'] === 'session.end');
    expect(ends.map((e) => [e.agentName, e.payload['outcome']])).toEqual([['Support workflow', 'error'], ['Support workflow', 'success']]);
    expect(ends[0]?.payload['status_message']).toBe('Error in agent run: MaxTurnsExceededError: Max turns (1) exceeded');
    expect(new Set(ends.map((e) => e.sessionId)).size).toBe(2);
  });

  it('records a Responses API call from its response span', async ({ tracing }) => {
    const run = new SdkRun(auditAgentsTraceProcessor());
    await run.trace.start();
    const response = {
      id: 'resp_1', object: 'response', model: 'gpt-4.1', status: 'completed',
      output: [{ type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }],
      usage: { input_tokens: 20, output_tokens: 5, total_tokens: 25 },
    };
    run.end(run.span({ type: 'response', _input: 'Weather in Oslo?' }), { response_id: 'resp_1', _response: response });
    run.end(run.span({ type: 'function', name: 'get_weather', input: '{"city":"Oslo"}', output: '' }), { output: '12 °C' });
    await run.trace.end();
    const spans = tracing.memory.getFinishedSpans();
    const [chat] = named(spans, 'chat');
    expect(chat?.name).toBe('chat gpt-4.1');
    expect(chat?.attributes).toMatchObject({ 'gen_ai.response.id': 'resp_1', 'gen_ai.usage.input_tokens': 20, 'gen_ai.usage.output_tokens': 5 });
    expect(json(chat?.attributes['gen_ai.input.messages'])).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Weather in Oslo?' }] }]);
    expect(named(spans, 'execute_tool')[0]?.attributes).toMatchObject({ 'gen_ai.tool.call.id': 'call_1', 'gen_ai.tool.call.result': '12 °C' });
  });

  it('writes no content and no error words when content capture is off', async ({ install }) => {
    const tracing = install.tracing([auditSpanProcessor({ backends: [], captureContent: false })]);
    const run = new SdkRun(auditAgentsTraceProcessor());
    await run.trace.start();
    run.end(run.span({ type: 'generation' }), { model: MODEL, input: [{ role: 'user', content: 'secret question' }], output: [completion('chatcmpl-1', { text: 'secret answer' })] });
    run.end(run.span({ type: 'function', name: 'lookup', input: '', output: '' }), { input: '{"q":"secret"}', output: 'failed' }, { message: 'Error running tool (non-fatal)', data: { error: 'Error: secret detail' } });
    await run.trace.end();
    const spans = tracing.memory.getFinishedSpans();
    const text = JSON.stringify(spans.map((s) => [s.attributes, s.status, s.events]));
    expect(text).not.toContain('secret');
    expect(named(spans, 'chat')[0]?.attributes['gen_ai.usage.input_tokens']).toBe(57);
    expect(named(spans, 'execute_tool')[0]?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Error running tool (non-fatal)' });
  });

  it('ends the oldest run, failed and counted, past maxOpenSpans, and every open span at shutdown', async ({ tracing }) => {
    const processor = auditAgentsTraceProcessor({ maxOpenSpans: 3 });
    const first = new SdkRun(processor, 'Triage workflow');
    await first.trace.start();
    first.span({ type: 'generation', model: MODEL });
    const second = new SdkRun(processor);
    await second.trace.start();
    second.span({ type: 'agent', name: 'a' }); // the fourth open one: the first run goes
    expect(processor.stats()).toEqual({ openRuns: 1, openSpans: 1, abandoned: 2 });
    const given = tracing.memory.getFinishedSpans();
    expect(given.map((s) => [s.name, s.status.code])).toEqual([['chat gpt-4o-mini', SpanStatusCode.ERROR], ['invoke_agent Triage workflow', SpanStatusCode.ERROR]]);
    expect(given[0]?.status.message).toBe('the OpenAI Agents SDK never ended this span (more than 3 OpenAI Agents SDK spans were open at once)');
    // What the first trace does next is a run of the same name again, not one of the default name.
    first.span({ type: 'custom', name: 'late', data: {} });
    await processor.shutdown();
    expect(processor.stats()).toEqual({ openRuns: 0, openSpans: 0, abandoned: 6 });
    const after = tracing.memory.getFinishedSpans().slice(2);
    expect(after.filter((s) => s.name.startsWith('invoke_agent')).map((s) => s.name).sort()).toEqual(['invoke_agent Agent workflow', 'invoke_agent Triage workflow', 'invoke_agent a']); // the second run, the first's again, the agent
    // The late span's run took the bound again: the second run went then, the first trace's new run at shutdown.
    const reason = (why: string) => `the OpenAI Agents SDK never ended this span (${why})`;
    const [bound, down] = [reason('more than 3 OpenAI Agents SDK spans were open at once'), reason('still open when the OpenAI Agents SDK shut its tracing down')];
    expect(after.map((s) => s.status.message)).toEqual([bound, bound, down, down]);
  });

  it('never throws or rejects, whatever it is handed', async ({ tracing }) => {
    const processor = auditAgentsTraceProcessor();
    const hostile = { get traceId(): never { throw new Error('no reading this'); } };
    const odd: unknown[] = [undefined, null, 42, 'span', {}, hostile, { traceId: 't', spanId: 's', spanData: null }, { traceId: 't', spanId: 's', spanData: { type: 'generation', output: 'not a list', model_config: 7 }, error: 'text' }];
    for (const value of odd) {
      const v = value as never;
      await expect(processor.onTraceStart(v)).resolves.toBeUndefined();
      await expect(processor.onSpanStart(v)).resolves.toBeUndefined();
      await expect(processor.onSpanEnd(v)).resolves.toBeUndefined();
      await expect(processor.onTraceEnd(v)).resolves.toBeUndefined();
    }
    await expect(processor.forceFlush()).resolves.toBeUndefined();
    await expect(processor.shutdown()).resolves.toBeUndefined();
    // Types it does not know, speech and MCP listings get no span of their own.
    const run = new SdkRun(processor);
    await run.trace.start();
    run.end(run.span({ type: 'mcp_tools', server: 'weather', result: ['get_weather'] }));
    run.end(run.span({ type: 'speech_group' }));
    run.end(run.span({ type: 'something_new' }));
    await run.trace.end();
    expect(tracing.memory.getFinishedSpans().filter((s) => s.name !== 'invoke_agent Agent workflow' && s.name !== 'chat')).toEqual([]);
  });
});
