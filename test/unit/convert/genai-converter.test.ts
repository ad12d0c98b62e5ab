import { SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { describe, expect } from 'vitest';
import { toAuditEvents, type AuditEvent } from '../../../src/index.js';
import { it as base } from '../../support/audit-test.js';
import { loadCapture, replay } from './captured-spans.js';

const payloadOf = (events: AuditEvent[], type: string) => events.find((e) => e.type === type)?.payload;

/** `convert`: the audit events of one GenAI span with these attributes and span events. */
const it = base.extend('convert', ({ spanEvents }) => (name: string, attributes: Attributes, events: Array<[string, Attributes]> = [], status?: SpanStatusCode): AuditEvent[] =>
  spanEvents({ scope: 'some-genai-instrumentation', name, attributes, events, status }));

describe('GenAI spans of @opentelemetry/instrumentation-openai 0.21 (captured)', () => {
  it('normalise tool_calls to tool_call and yield one pair per call, and an error for the failed call', ({ tracing }) => {
    const capture = loadCapture('opentelemetry-openai');
    const events = toAuditEvents(replay(tracing, capture.spans.filter((s) => s.scope.name === '@opentelemetry/instrumentation-openai')));
    expect(events.map((e) => e.type).sort()).toEqual(['completion', 'completion', 'error', 'prompt', 'prompt', 'prompt']);
    expect(events.filter((e) => e.type === 'completion').map((e) => e.payload.finish_reasons)).toEqual([['tool_call'], ['stop']]);
    expect(payloadOf(events, 'error')).toMatchObject({ error_type: 'InternalServerError' });
  });
});

describe('GenAI v1.26–1.27 content span events', () => {
  const v126 = { 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4', 'gen_ai.usage.prompt_tokens': 9, 'gen_ai.usage.completion_tokens': 2 };

  it('reads prompt and completion from gen_ai.content.* events on a span without an operation name', ({ convert }) => {
    const events = convert('chat gpt-4', v126, [
      ['gen_ai.content.prompt', { 'gen_ai.prompt': JSON.stringify([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }]) }],
      ['gen_ai.content.completion', { 'gen_ai.completion': JSON.stringify([{ role: 'assistant', content: 'Hello!' }]) }],
    ]);
    expect(events.map((e) => e.type)).toEqual(['prompt', 'completion']);
    expect(events[0]!.payload).toMatchObject({
      operation: 'chat',
      model: 'gpt-4',
      provider: 'openai',
      prompt: 'system: Be brief.\nuser: Hi',
      messages: [{ role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] }, { role: 'user', parts: [{ type: 'text', content: 'Hi' }] }],
      token_count: 9,
    });
    expect(events[1]!.payload).toMatchObject({ response: 'Hello!', token_count: 2, usage: { input_tokens: 9, output_tokens: 2 } });
  });

  it('keeps content that is not a message list as written, and prefers the v1.28+ attributes when both exist', ({ convert }) => {
    const text = convert('chat', v126, [['gen_ai.content.prompt', { 'gen_ai.prompt': 'plain prompt' }]]);
    expect(payloadOf(text, 'prompt')!.prompt).toBe('plain prompt');
    const both = convert('chat', { ...v126, 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"new"}]}]' }, [
      ['gen_ai.content.prompt', { 'gen_ai.prompt': '[{"role":"user","content":"old"}]' }],
    ]);
    expect(payloadOf(both, 'prompt')!.prompt).toBe('user: new');
  });

  it('yields nothing for a span whose only link to GenAI is an unrelated event name', ({ convert }) => {
    expect(convert('GET /', {}, [['gen_ai.content.other', {}]])).toEqual([]);
  });
});

describe('GenAI token breakdowns', () => {
  const chat = { 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': 20 };

  it('reads the dotted cache and reasoning names', ({ convert }) => {
    const events = convert('chat m', {
      ...chat,
      'gen_ai.usage.cache_read.input_tokens': 60,
      'gen_ai.usage.cache_creation.input_tokens': 30,
      'gen_ai.usage.reasoning.output_tokens': 12,
    });
    expect(payloadOf(events, 'completion')!.usage).toEqual({
      input_tokens: 100, output_tokens: 20, cache_read_input_tokens: 60, cache_write_input_tokens: 30, reasoning_output_tokens: 12,
    });
  });

  it('reads the cache_write rename and the underscore spellings', ({ convert }) => {
    const events = convert('chat m', {
      ...chat,
      'gen_ai.usage.cache_read_input_tokens': '61',
      'gen_ai.usage.cache_write.input_tokens': 31,
      'gen_ai.usage.reasoning_tokens': 13,
      'gen_ai.usage.total_tokens': 120,
    });
    expect(payloadOf(events, 'completion')!.usage).toEqual({
      input_tokens: 100, output_tokens: 20, total_tokens: 120, cache_read_input_tokens: 61, cache_write_input_tokens: 31, reasoning_output_tokens: 13,
    });
  });
});

describe('MCP tools/call spans', () => {
  const mcp = { 'gen_ai.operation.name': 'execute_tool', 'mcp.method.name': 'tools/call', 'gen_ai.tool.call.arguments': '{"path":"/tmp"}' };

  it('yield a tool_call of type mcp, named from the span when gen_ai.tool.name is absent', ({ convert }) => {
    const events = convert('tools/call list_files', mcp);
    expect(events).toEqual([expect.objectContaining({ type: 'tool_call' })]);
    expect(events[0]!.payload).toMatchObject({ tool_name: 'list_files', tool_type: 'mcp', arguments: { path: '/tmp' }, status: 'ok' });
  });

  it('report a tool error (status ERROR, error.type tool_error) as status error plus its error event', ({ convert }) => {
    const events = convert('tools/call list_files', { ...mcp, 'gen_ai.tool.name': 'list_files', 'error.type': 'tool_error' }, [], SpanStatusCode.ERROR);
    expect(events.map((e) => e.type)).toEqual(['tool_call', 'error']);
    expect(events[0]!.payload.status).toBe('error');
    expect(events[1]!.payload.error_type).toBe('tool_error');
  });
});
