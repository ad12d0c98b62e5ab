/**
 * Concurrent agents (pipeline/undecided-framework-calls.ts): two framework
 * model calls open at once, each with the LLM-level call of the same request
 * in a trace of its own. OpenInference's LangChain tracer starts its span
 * bare and describes it only at its end (test/interop/captured/), after the
 * client's span of the call ended: the client's call waits for the framework
 * calls to end and is matched to the one that asked what it asked.
 */
import { ROOT_CONTEXT, trace, type Attributes, type Span } from '@opentelemetry/api';
import { describe, expect } from 'vitest';
import type { AuditEvent } from '../../../src/index.js';
import { it } from '../../support/audit-test.js';

const LANGCHAIN = '@arizeai/openinference-instrumentation-langchain';
const OPENAI = '@arizeai/openinference-instrumentation-openai';

/** A span started bare, as OpenInference's LangChain tracer starts each (its kind only). */
function bareSpan(scope: string, name: string, attributes: Attributes, parent?: Span): Span {
  return trace.getTracer(scope).startSpan(name, { attributes }, parent === undefined ? ROOT_CONTEXT : trace.setSpan(ROOT_CONTEXT, parent));
}

const llm = (question: string, model = 'gpt-4o-mini'): Attributes => ({
  'openinference.span.kind': 'LLM',
  'llm.model_name': model,
  'llm.provider': 'openai',
  'llm.input_messages.0.message.role': 'system',
  'llm.input_messages.0.message.content': 'You answer weather questions.',
  'llm.input_messages.1.message.role': 'user',
  'llm.input_messages.1.message.content': question,
  'llm.output_messages.0.message.role': 'assistant',
  'llm.output_messages.0.message.content': `answer to ${question}`,
  'llm.token_count.prompt': 5,
  'llm.token_count.completion': 1,
});

/** Two agent runs, each with a framework model call, both open. */
function twoAgents() {
  const runs = ['oslo-agent', 'bergen-agent'].map((name) => bareSpan(LANGCHAIN, name, { 'openinference.span.kind': 'CHAIN' }));
  const calls = runs.map((run) => bareSpan(LANGCHAIN, 'ChatOpenAI', { 'openinference.span.kind': 'LLM' }, run));
  return { runs, calls };
}

/** The client's span of a call: a root of its own trace, described when it ends. */
function clientCall(attributes: Attributes): void {
  const span = bareSpan(OPENAI, 'OpenAI Chat Completions', { 'openinference.span.kind': 'LLM' });
  span.setAttributes(attributes);
  span.end();
}

const prompts = (events: readonly AuditEvent[]) => events.filter((e) => e.type === 'prompt');
const sessionOf = (run: Span) => `${run.spanContext().traceId}-${run.spanContext().spanId}`;

describe('concurrent framework model calls and the LLM-level calls underneath', () => {
  it('matches each client call to the framework call that asked the same, in its session', async ({ recorded: { backend, processor } }) => {
    const { runs, calls } = twoAgents();
    const clients = [bareSpan(OPENAI, 'OpenAI Chat Completions', { 'openinference.span.kind': 'LLM' }), bareSpan(OPENAI, 'OpenAI Chat Completions', { 'openinference.span.kind': 'LLM' })];
    // Answers come back in the other order: the second agent's call ends first.
    clients[1]!.setAttributes(llm('Weather in Bergen?', 'gpt-4o-mini-2024-07-18'));
    clients[1]!.end();
    clients[0]!.setAttributes(llm('Weather in Oslo?', 'gpt-4o-mini-2024-07-18'));
    clients[0]!.end();
    calls[0]!.setAttributes(llm('Weather in Oslo?'));
    calls[0]!.end();
    calls[1]!.setAttributes(llm('Weather in Bergen?'));
    calls[1]!.end();
    for (const run of runs) run.end();
    await processor.forceFlush();

    const recorded = prompts(backend.events());
    expect(recorded.map((e) => [e.traceId, e.sessionId, e.payload['prompt']])).toEqual(
      expect.arrayContaining([
        [clients[0]!.spanContext().traceId, sessionOf(runs[0]!), expect.stringContaining('Oslo')],
        [clients[1]!.spanContext().traceId, sessionOf(runs[1]!), expect.stringContaining('Bergen')],
      ]),
    );
    expect(recorded).toHaveLength(2);
    expect(backend.events().filter((e) => e.type === 'completion')).toHaveLength(2);
  });

  it('matches one client call that ended before either framework call was described', async ({ recorded: { backend, processor } }) => {
    const { runs, calls } = twoAgents();
    clientCall(llm('Weather in Bergen?'));
    // Nothing of the call is converted while it is undecided: the trail never shows it twice and takes it back.
    await processor.forceFlush();
    expect(prompts(backend.events())).toEqual([]);
    calls[1]!.setAttributes(llm('Weather in Bergen?'));
    calls[1]!.end();
    calls[0]!.setAttributes(llm('Weather in Oslo?'));
    calls[0]!.end();
    for (const run of runs) run.end();
    await processor.forceFlush();
    const recorded = prompts(backend.events());
    expect(recorded.map((e) => e.sessionId).sort()).toEqual([sessionOf(runs[0]!), sessionOf(runs[1]!)].sort());
    expect(recorded.find((e) => e.sessionId === sessionOf(runs[1]!))?.traceId).not.toBe(runs[1]!.spanContext().traceId);
  });

  it('records both when the open framework calls asked the same: a match would be a guess', async ({ recorded: { backend, processor } }) => {
    const { runs, calls } = twoAgents();
    clientCall(llm('Weather in Oslo?'));
    for (const call of calls) {
      call.setAttributes(llm('Weather in Oslo?'));
      call.end();
    }
    for (const run of runs) run.end();
    await processor.forceFlush();
    expect(prompts(backend.events())).toHaveLength(3);
  });

  it('tells calls apart by the model asked for when the questions are the same', async ({ recorded: { backend, processor } }) => {
    const { runs, calls } = twoAgents();
    clientCall(llm('Weather in Oslo?', 'gpt-4.1'));
    calls[0]!.setAttributes(llm('Weather in Oslo?', 'gpt-4o-mini'));
    calls[0]!.end();
    calls[1]!.setAttributes(llm('Weather in Oslo?', 'gpt-4.1'));
    calls[1]!.end();
    for (const run of runs) run.end();
    await processor.forceFlush();
    const recorded = prompts(backend.events());
    expect(recorded).toHaveLength(2);
    expect(recorded.find((e) => e.payload['model'] === 'gpt-4.1')?.sessionId).toBe(sessionOf(runs[1]!));
  });

  // LangChain runs its callbacks in the background: under load OpenInference's span of a call starts after the client's.
  it('matches a framework call that started after the client call when both asked the same', async ({ recorded: { backend, processor } }) => {
    const run = bareSpan(LANGCHAIN, 'weather-agent', { 'openinference.span.kind': 'CHAIN' });
    const client = bareSpan(OPENAI, 'OpenAI Chat Completions', { 'openinference.span.kind': 'LLM' });
    const call = bareSpan(LANGCHAIN, 'ChatOpenAI', { 'openinference.span.kind': 'LLM' }, run);
    client.setAttributes(llm('Weather in Oslo?'));
    client.end();
    call.setAttributes(llm('Weather in Oslo?'));
    call.end();
    run.end();
    await processor.forceFlush();
    expect(prompts(backend.events()).map((e) => [e.traceId, e.sessionId])).toEqual([[client.spanContext().traceId, sessionOf(run)]]);
  });

  it('does not match a framework call that started after the client call and asked something else', async ({ recorded: { backend, processor } }) => {
    const run = bareSpan(LANGCHAIN, 'weather-agent', { 'openinference.span.kind': 'CHAIN' });
    const client = bareSpan(OPENAI, 'OpenAI Chat Completions', { 'openinference.span.kind': 'LLM' });
    const call = bareSpan(LANGCHAIN, 'ChatOpenAI', { 'openinference.span.kind': 'LLM' }, run);
    client.setAttributes(llm('Weather in Oslo?'));
    client.end();
    // Nothing to say it is the same call: no user message.
    call.setAttributes({ 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o-mini', 'llm.token_count.prompt': 5 });
    call.end();
    run.end();
    await processor.forceFlush();
    expect(prompts(backend.events())).toHaveLength(2);
  });

  it('records the waiting call and the framework call that ended at shutdown when the other never ends', async ({ recorded: { backend, processor } }) => {
    const { runs, calls } = twoAgents();
    clientCall(llm('Weather in Oslo?'));
    calls[0]!.setAttributes(llm('Weather in Oslo?'));
    calls[0]!.end(); // calls[1] is left open, as OpenInference leaves a failed call's span
    for (const run of runs) run.end();
    await processor.shutdown();
    const recorded = prompts(backend.events());
    // The client's call is the Oslo agent's; the call never ended is reported as unfinished.
    expect(recorded.filter((e) => e.sessionId === sessionOf(runs[0]!))).toHaveLength(1);
    expect(recorded.filter((e) => String(e.payload['prompt'] ?? '').includes('Oslo'))).toHaveLength(1);
  });

  it('does not take the one framework call open for an unrelated client call that names another model', async ({ recorded: { backend, processor } }) => {
    const run = bareSpan(LANGCHAIN, 'weather-agent', { 'openinference.span.kind': 'CHAIN' });
    // A framework span that names its model while it runs (as auditAgentsTraceProcessor's do).
    const call = bareSpan(LANGCHAIN, 'ChatOpenAI', { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o' }, run);
    clientCall(llm('Summarise the ticket', 'gpt-4.1-nano')); // another part of the server, outside the run
    call.setAttributes(llm('Weather in Oslo?', 'gpt-4o'));
    call.end();
    run.end();
    await processor.forceFlush();
    const recorded = prompts(backend.events());
    // Each its own: the run's call in the run's session, the other in none.
    expect(recorded.map((e) => [e.payload['model'], e.sessionId ?? null]).sort()).toEqual([['gpt-4.1-nano', null], ['gpt-4o', sessionOf(run)]]);
  });
});
