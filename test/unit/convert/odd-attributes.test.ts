import { trace, type Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect } from 'vitest';
import type { AuditEvent } from '../../../src/model/audit-event.js';
import type { SpanConverter } from '../../../src/convert/span-converter.js';
import { toAuditEvents } from '../../../src/index.js';
import { it as base } from '../../support/audit-test.js';

/**
 * `convert`: a span written by some other instrumentation, straight through a
 * tracer, and the audit events of every span finished so far (the exporter is
 * not cleared first, unlike `spanEvents`: tests here clear it where they mean to).
 */
const it = base.extend('convert', ({ tracing }) => (attributes: Attributes, name = 'span'): AuditEvent[] => {
  trace.getTracer('other-instrumentation').startSpan(name, { attributes }).end();
  return toAuditEvents(tracing.memory.getFinishedSpans());
});

const chat = { 'gen_ai.operation.name': 'chat' };
const payloadOf = (events: AuditEvent[], type: string) => events.find((e) => e.type === type)?.payload;

describe('toAuditEvents with odd attributes from other instrumentations', () => {
  it('reports no span-limit loss for a span that is not agent activity and held no audit records', ({ tracing }) => {
    const span = trace.getTracer('http-client').startSpan('GET /stream');
    for (let i = 0; i < 300; i++) span.addEvent('chunk', { i });
    span.end();
    expect(toAuditEvents(tracing.memory.getFinishedSpans())).toEqual([]);
  });

  it('reads token counts written as numeric strings, and ignores ones that are not numbers', ({ convert }) => {
    const events = convert({ ...chat, 'gen_ai.usage.input_tokens': '12', 'gen_ai.usage.output_tokens': 'many' });
    expect(payloadOf(events, 'prompt')!.token_count).toBe(12);
    expect(payloadOf(events, 'completion')!.token_count).toBeUndefined();
    expect(payloadOf(events, 'completion')!.usage).toEqual({ input_tokens: 12 });
  });

  it('ignores token counts of NaN, Infinity and blank text', ({ convert }) => {
    const events = convert({ ...chat, 'gen_ai.usage.input_tokens': Number.NaN, 'gen_ai.usage.output_tokens': '  ', 'gen_ai.usage.prompt_tokens': Infinity });
    expect(payloadOf(events, 'prompt')!.token_count).toBeUndefined();
    expect(payloadOf(events, 'completion')!.usage).toBeUndefined();
  });

  it('keeps malformed message JSON as text, used as the prompt itself', ({ convert }) => {
    const events = convert({ ...chat, 'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"te', 'gen_ai.output.messages': '{oops' });
    expect(payloadOf(events, 'prompt')).toMatchObject({ messages: '[{"role":"user","parts":[{"type":"te', prompt: '[{"role":"user","parts":[{"type":"te' });
    expect(payloadOf(events, 'completion')).toMatchObject({ messages: '{oops', response: '{oops' });
  });

  it('reads plain {role, content} messages and skips entries that are not messages', ({ convert }) => {
    const messages = JSON.stringify([{ role: 'user', content: 'hello' }, null, 7, 'text', { role: 'assistant', parts: 'not an array' }]);
    expect(payloadOf(convert({ ...chat, 'gen_ai.input.messages': messages }), 'prompt')!.prompt).toBe('user: hello');
  });

  it('summarises tool call parts in the prompt text', ({ convert }) => {
    const messages = JSON.stringify([
      { role: 'assistant', parts: [{ type: 'tool_call', name: 'lookup', arguments: {} }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', response: { ok: true } }, { type: 'blob' }, null] },
    ]);
    expect(payloadOf(convert({ ...chat, 'gen_ai.input.messages': messages }), 'prompt')!.prompt).toBe('assistant: [tool_call lookup]\ntool: [tool_result {"ok":true}]');
  });

  it('converts huge attribute values without throwing', ({ convert }) => {
    const huge = 'x'.repeat(2_000_000);
    const events = convert({ ...chat, 'gen_ai.input.messages': huge, 'gen_ai.request.model': huge, 'gen_ai.output.messages': `[${huge}` });
    expect(events.map((e) => e.type)).toEqual(['prompt', 'completion']);
    expect((payloadOf(events, 'prompt')!.prompt as string).length).toBe(huge.length);
  });

  it('ignores arrays where strings are expected', ({ convert }) => {
    const events = convert({ ...chat, 'gen_ai.request.model': ['a', 'b'], 'gen_ai.provider.name': [1, 2], 'gen_ai.conversation.id': ['s'] });
    expect(payloadOf(events, 'prompt')!.model).toBeUndefined();
    expect(payloadOf(events, 'prompt')!.provider).toBeUndefined();
    expect(events[0]!.sessionId).toBeUndefined();
  });

  it('reads numbers and booleans where strings are expected as their text', ({ convert }) => {
    const events = convert({ ...chat, 'gen_ai.request.model': 4, 'gen_ai.conversation.id': 123, 'gen_ai.agent.name': true });
    expect(payloadOf(events, 'prompt')!.model).toBe('4');
    expect(events[0]).toMatchObject({ sessionId: '123', agentName: 'true' });
  });

  it('reads finish reasons given as an array, JSON text, or one plain string', ({ convert, tracing }) => {
    const reasons = (value: Attributes[string]) => {
      tracing.memory.reset();
      return payloadOf(convert({ ...chat, 'gen_ai.response.finish_reasons': value }), 'completion')!.finish_reasons;
    };
    expect(reasons(['stop', 'length'])).toEqual(['stop', 'length']);
    expect(reasons('["stop",1,"length"]')).toEqual(['stop', 'length']);
    expect(reasons('stop')).toEqual(['stop']);
    expect(reasons(3)).toBeUndefined();
  });

  it('falls back to the tool named in the span name for a tool span whose tool name is not text', ({ convert, tracing }) => {
    const events = convert({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': ['x'], 'gen_ai.tool.call.arguments': 'not json', 'gen_ai.tool.call.result': 42 }, 'execute_tool mystery');
    expect(events[0]!.payload).toMatchObject({ tool_name: 'mystery', arguments: 'not json', result: 42, status: 'ok' });
    tracing.memory.reset();
    expect(convert({ 'gen_ai.operation.name': 'execute_tool' }, 'execute_tool ')[0]!.payload.tool_name).toBe('execute_tool ');
  });

  it('treats an operation name that is not text as no GenAI span at all', ({ convert }) => {
    expect(convert({ 'gen_ai.operation.name': ['chat'], 'gen_ai.request.model': 'm' })).toEqual([]);
    expect(convert({ 'gen_ai.operation.name': 5 })).toEqual([]);
  });

  it('treats invoke_agent without a boolean session root marker as a plain operation', ({ convert }) => {
    const events = convert({ 'gen_ai.operation.name': 'invoke_agent', 'audit.session.root': 'true' });
    expect(events.map((e) => e.payload.name)).toEqual(['gen_ai.invoke_agent']);
  });

  it('collects every gen_ai.request.* attribute except the model as parameters', ({ convert }) => {
    const events = convert({ ...chat, 'gen_ai.request.model': 'm', 'gen_ai.request.max_tokens': '5', 'gen_ai.request.stop_sequences': ['\n'], 'gen_ai.request.': 1 });
    expect(payloadOf(events, 'prompt')!.parameters).toEqual({ max_tokens: '5', stop_sequences: ['\n'], '': 1 });
  });

  it('turns a converter that throws into one conversion error event, not a throw', ({ convert, tracing }) => {
    const broken: SpanConverter = { name: 'broken', matches: () => true, convert: () => { throw new Error('bug'); } };
    trace.getTracer('x').startSpan('anything').end();
    const spans: ReadableSpan[] = tracing.memory.getFinishedSpans();
    const events = toAuditEvents(spans, { converters: [broken] });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'error', payload: { error_type: 'otel-agent-audit.conversion', message: "could not convert span 'anything': bug" } });
  });
});
