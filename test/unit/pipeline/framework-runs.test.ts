/**
 * What the span processor does for agent frameworks (model/agent-run-span.ts,
 * pipeline/framework-calls.ts), on spans shaped as the real instrumentations
 * write them (test/interop/captured/): OpenInference starts every span bare
 * and sets its attributes just after; framework model calls are never the
 * active context, so the LLM-level span of the same call has no parent link.
 */
import { ROOT_CONTEXT, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { describe, expect } from 'vitest';
import { withSession, type AuditEvent } from '../../../src/index.js';
import { it } from '../../support/audit-test.js';

const LANGCHAIN = '@arizeai/openinference-instrumentation-langchain';
const OPENAI = '@arizeai/openinference-instrumentation-openai';

/** A span as OpenInference's tracer makes one: started with no attributes, described right after. */
function openInferenceSpan(scope: string, name: string, attributes: Attributes, parent?: Span): Span {
  const span = trace.getTracer(scope).startSpan(name, {}, parent === undefined ? ROOT_CONTEXT : trace.setSpan(ROOT_CONTEXT, parent));
  span.setAttributes(attributes);
  return span;
}

const llm = (content: string): Attributes => ({
  'openinference.span.kind': 'LLM',
  'llm.model_name': 'gpt-4o-mini',
  'llm.provider': 'openai',
  'llm.input_messages.0.message.role': 'user',
  'llm.input_messages.0.message.content': content,
  'llm.output_messages.0.message.role': 'assistant',
  'llm.output_messages.0.message.content': 'fine',
  'llm.token_count.prompt': 5,
  'llm.token_count.completion': 1,
});

const summary = (events: readonly AuditEvent[]) =>
  events.map((e) => `${e.type}${e.payload['name'] ? ` ${String(e.payload['name'])}` : ''} ${e.sessionId ?? '-'} ${e.agentName ?? '-'}`).sort();

describe('agent framework runs and model calls in the span processor', () => {
  it('makes a run it can tell only after its start the session, from its first child on', async ({ recorded: { backend, processor } }) => {
    const run = openInferenceSpan(LANGCHAIN, 'weather-agent', { 'openinference.span.kind': 'CHAIN' });
    const call = openInferenceSpan(LANGCHAIN, 'ChatOpenAI', llm('weather?'), run);
    call.end();
    run.end();
    await processor.forceFlush();
    const session = `${run.spanContext().traceId}-${run.spanContext().spanId}`;
    expect(summary(backend.events())).toEqual([
      `completion ${session} weather-agent`,
      `custom session.end ${session} weather-agent`,
      `custom session.start ${session} weather-agent`,
      `prompt ${session} weather-agent`,
    ]);
  });

  it('records a call described by the framework and by the client underneath once, in the run\'s session', async ({ recorded: { backend, processor } }) => {
    const run = openInferenceSpan(LANGCHAIN, 'weather-agent', { 'openinference.span.kind': 'CHAIN' });
    const framework = openInferenceSpan(LANGCHAIN, 'ChatOpenAI', llm('weather?'), run);
    const client = openInferenceSpan(OPENAI, 'OpenAI Chat Completions', llm('weather?')); // no parent: a trace of its own
    client.end();
    framework.end();
    run.end();
    await processor.forceFlush();
    const events = backend.events();
    const prompts = events.filter((e) => e.type === 'prompt');
    expect(prompts).toHaveLength(1);
    // The client's span records it (it has what the wire said), in its own trace, in the run's session.
    expect(prompts[0]).toMatchObject({ traceId: client.spanContext().traceId, sessionId: `${run.spanContext().traceId}-${run.spanContext().spanId}`, agentName: 'weather-agent' });
    expect(events.filter((e) => e.type === 'completion')).toHaveLength(1);
  });

  // Concurrent calls that can be told apart: concurrent-framework-calls.test.ts.
  it('records both when two framework calls open at once asked the same: a match would be a guess', async ({ recorded: { backend, processor } }) => {
    const run = openInferenceSpan(LANGCHAIN, 'weather-agent', { 'openinference.span.kind': 'CHAIN' });
    const first = openInferenceSpan(LANGCHAIN, 'ChatOpenAI', llm('weather?'), run);
    const second = openInferenceSpan(LANGCHAIN, 'ChatOpenAI', llm('weather?'), run);
    const client = openInferenceSpan(OPENAI, 'OpenAI Chat Completions', llm('weather?'));
    client.end();
    first.end();
    second.end();
    run.end();
    await processor.forceFlush();
    expect(backend.events().filter((e) => e.type === 'prompt')).toHaveLength(3);
  });

  it('does not take a client call that started before the framework call for it', async ({ recorded: { backend, processor } }) => {
    const client = openInferenceSpan(OPENAI, 'OpenAI Chat Completions', llm('earlier'));
    const run = openInferenceSpan(LANGCHAIN, 'weather-agent', { 'openinference.span.kind': 'CHAIN' });
    const framework = openInferenceSpan(LANGCHAIN, 'ChatOpenAI', llm('weather?'), run);
    client.end();
    framework.end();
    run.end();
    await processor.forceFlush();
    expect(backend.events().filter((e) => e.type === 'prompt')).toHaveLength(2);
  });

  it('ends the session of a run whose span never ends at shutdown, failed, saying why', async ({ recorded: { backend, processor } }) => {
    const run = openInferenceSpan('@arizeai/openinference-instrumentation-openai-agents', 'Agent workflow', { 'openinference.span.kind': 'AGENT' });
    const turn = openInferenceSpan('@arizeai/openinference-instrumentation-openai-agents', 'turn', { 'openinference.span.kind': 'CHAIN' }, run);
    turn.end();
    await processor.shutdown();
    const end = backend.events().find((e) => e.payload['name'] === 'session.end');
    expect(end?.payload).toMatchObject({ outcome: 'error', status_message: expect.stringContaining("the agent run's span never ended (still open at shutdown)") });
    expect(backend.events().filter((e) => e.payload['name'] === 'session.start')).toHaveLength(1);
  });

  it('does not report a claimed framework call again when its span never ends', async ({ recorded: { backend, processor } }) => {
    const run = openInferenceSpan(LANGCHAIN, 'weather-agent', { 'openinference.span.kind': 'CHAIN' });
    openInferenceSpan(LANGCHAIN, 'ChatOpenAI', llm('weather?'), run); // OpenInference leaves it open
    openInferenceSpan(OPENAI, 'OpenAI Chat Completions', llm('weather?')).end();
    run.end();
    await processor.shutdown();
    expect(backend.events().filter((e) => e.type === 'prompt')).toHaveLength(1);
    expect(backend.events().filter((e) => e.type === 'error')).toEqual([]);
  });

  it('does not match a client call of another session to a framework call', async ({ recorded: { backend, processor } }) => {
    const run = openInferenceSpan(LANGCHAIN, 'weather-agent', { 'openinference.span.kind': 'CHAIN' });
    const framework = openInferenceSpan(LANGCHAIN, 'ChatOpenAI', llm('weather?'), run);
    await withSession({ agentName: 'other-agent' }, async () => {
      const span = trace.getTracer(OPENAI).startSpan('OpenAI Chat Completions');
      span.setAttributes(llm('something else'));
      span.end();
    });
    framework.end();
    run.end();
    await processor.forceFlush();
    const prompts = backend.events().filter((e) => e.type === 'prompt');
    expect(prompts.map((e) => e.agentName).sort()).toEqual(['other-agent', 'weather-agent']);
  });

  it("reports a run's failure once when it is a child's failure, and the run's own when no child failed", async ({ recorded: { backend, processor } }) => {
    const failed = (span: Span, message: string) => {
      span.recordException({ name: 'Error', message });
      span.setStatus({ code: SpanStatusCode.ERROR, message });
    };
    const first = openInferenceSpan(LANGCHAIN, 'weather-agent', { 'openinference.span.kind': 'CHAIN' });
    const tool = openInferenceSpan(LANGCHAIN, 'get_forecast', { 'openinference.span.kind': 'TOOL', 'tool.name': 'get_forecast', 'input.value': '{}' }, first);
    failed(tool, 'forecast service unavailable');
    tool.end();
    failed(first, 'forecast service unavailable');
    first.end();
    const second = openInferenceSpan(LANGCHAIN, 'weather-agent', { 'openinference.span.kind': 'CHAIN' });
    openInferenceSpan(LANGCHAIN, 'ChatOpenAI', llm('weather?'), second).end();
    failed(second, 'output parser failed');
    second.end();
    await processor.forceFlush();
    const errors = backend.events().filter((e) => e.type === 'error').map((e) => `${String(e.payload['span_name'] ?? '')}: ${String(e.payload['message'])}`);
    expect(errors.sort()).toEqual(['get_forecast: forecast service unavailable', 'weather-agent: output parser failed']);
    const ends = backend.events().filter((e) => e.payload['name'] === 'session.end').map((e) => e.payload['outcome']);
    expect(ends).toEqual(['error', 'error']);
  });

  it('ends a run whose span never ends at the second beforeExit with nothing else to do', async ({ recorded: { backend, processor } }) => {
    const run = openInferenceSpan('@arizeai/openinference-instrumentation-openai-agents', 'Agent workflow', { 'openinference.span.kind': 'AGENT' });
    openInferenceSpan('@arizeai/openinference-instrumentation-openai-agents', 'turn', { 'openinference.span.kind': 'CHAIN' }, run).end();
    expect(processor.reportUnfinishedCallsAtExit()).toEqual({ reported: 0, noted: 1 });
    expect(processor.reportUnfinishedCallsAtExit()).toEqual({ reported: 1, noted: 0 });
    await processor.forceFlush();
    expect(backend.events().find((e) => e.payload['name'] === 'session.end')?.payload).toMatchObject({ outcome: 'error' });
  });

  it('keeps a run past the bound of open spans, so what starts under it later is still in its session', async ({ recorded: { backend, processor } }) => {
    const run = openInferenceSpan(LANGCHAIN, 'weather-agent', { 'openinference.span.kind': 'CHAIN' });
    openInferenceSpan(LANGCHAIN, 'RunnableLambda', { 'openinference.span.kind': 'CHAIN' }, run).end();
    // Spans that never end (an HTTP server's, say): more than the tracker follows.
    for (let i = 0; i < 8300; i++) trace.getTracer('other').startSpan(`open ${i}`, {}, ROOT_CONTEXT);
    openInferenceSpan(LANGCHAIN, 'ChatOpenAI', llm('weather?'), run).end();
    run.end();
    await processor.forceFlush();
    const prompt = backend.events().find((e) => e.type === 'prompt');
    expect(prompt?.sessionId).toBe(`${run.spanContext().traceId}-${run.spanContext().spanId}`);
  });
});
