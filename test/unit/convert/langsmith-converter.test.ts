import type { Attributes } from '@opentelemetry/api';
import { describe, expect } from 'vitest';
import type { AuditEvent } from '../../../src/index.js';
import { it as base } from '../../support/audit-test.js';

/** `convert`: the audit events of one LangSmith span with these attributes. */
const it = base.extend('convert', ({ spanEvents }) => (attributes: Attributes, name = 'run'): AuditEvent[] => spanEvents({ scope: 'langsmith', name, attributes }));

// LangSmith writes gen_ai.operation.name and gen_ai.prompt/completion (the
// run's inputs/outputs as JSON) on every run type: it must not reach the GenAI converter.
describe('LangSmith OpenTelemetry spans (langsmith.span.kind)', () => {
  it('reads an llm run: LangChain-serialised input messages, generations, model and tokens', ({ convert }) => {
    const events = convert({
      'langsmith.span.kind': 'llm',
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.usage.input_tokens': 11,
      'gen_ai.usage.output_tokens': 4,
      'langsmith.metadata.thread_id': 'thread-1',
      'gen_ai.prompt': JSON.stringify({
        messages: [[
          { lc: 1, type: 'constructor', id: ['langchain_core', 'messages', 'SystemMessage'], kwargs: { content: 'Be brief.' } },
          { lc: 1, type: 'constructor', id: ['langchain_core', 'messages', 'HumanMessage'], kwargs: { content: 'Hi' } },
        ]],
      }),
      'gen_ai.completion': JSON.stringify({
        generations: [[{ text: 'Hello', message: { lc: 1, type: 'constructor', id: ['langchain_core', 'messages', 'AIMessage'], kwargs: { content: 'Hello', tool_calls: [{ name: 'wave', args: {}, id: 'c1' }] } } }]],
      }),
    });
    expect(events.map((e) => e.type)).toEqual(['prompt', 'completion']);
    expect(events[0]).toMatchObject({ sessionId: 'thread-1' });
    expect(events[0]!.payload).toMatchObject({ model: 'gpt-4o', provider: 'openai', prompt: 'system: Be brief.\nuser: Hi', token_count: 11 });
    expect(events[1]!.payload).toMatchObject({
      response: 'Hello [tool_call wave]',
      messages: [{ role: 'assistant', parts: [{ type: 'text', content: 'Hello' }, { type: 'tool_call', id: 'c1', name: 'wave', arguments: {} }] }],
      token_count: 4,
    });
  });

  it('reads OpenAI-shaped inputs and outputs (wrapOpenAI)', ({ convert }) => {
    const events = convert({
      'langsmith.span.kind': 'llm',
      'gen_ai.prompt': JSON.stringify({ messages: [{ role: 'user', content: 'Hi' }] }),
      'gen_ai.completion': JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'Yo' }, finish_reason: 'stop' }] }),
    });
    expect(events[0]!.payload.prompt).toBe('user: Hi');
    expect(events[1]!.payload).toMatchObject({ response: 'Yo', finish_reasons: ['stop'] });
  });

  it('turns a tool run into a tool_call named by langsmith.trace.name', ({ convert }) => {
    const events = convert({
      'langsmith.span.kind': 'tool',
      'gen_ai.operation.name': 'execute_tool',
      'langsmith.trace.name': 'get_weather',
      'gen_ai.prompt': '{"input":"Oslo"}',
      'gen_ai.completion': '{"output":"rain"}',
    });
    expect(events).toEqual([expect.objectContaining({ type: 'tool_call' })]);
    expect(events[0]!.payload).toMatchObject({ tool_name: 'get_weather', arguments: { input: 'Oslo' }, result: { output: 'rain' } });
  });

  it('turns a chain run into one custom event, and does not take the project for a session', ({ convert }) => {
    const events = convert({ 'langsmith.span.kind': 'chain', 'langsmith.trace.name': 'agent', 'langsmith.trace.session_id': 'project-1', 'gen_ai.prompt': '{}' });
    expect(events).toEqual([expect.objectContaining({ type: 'custom', sessionId: undefined })]);
    expect(events[0]!.payload).toMatchObject({ name: 'langsmith.chain', run_name: 'agent' });
  });
});
