import { SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { describe, expect } from 'vitest';
import { toAuditEvents, type AuditEvent } from '../../../src/index.js';
import { it as base } from '../../support/audit-test.js';
import { loadCapture, named, replay } from './captured-spans.js';

const capture = loadCapture('vercel-ai');
const payloadOf = (events: AuditEvent[], type: string) => events.find((e) => e.type === type)?.payload;

/** `convert`: the audit events of one span (of the `ai` tracer unless told) with these attributes. */
const it = base.extend('convert', ({ spanEvents }) => (name: string, attributes: Attributes, scope = 'ai'): AuditEvent[] => spanEvents({ scope, name, attributes }));

describe('Vercel AI SDK spans (captured from ai 6 with @ai-sdk/openai)', () => {
  it('turns each doGenerate span into one prompt and one completion, provider `openai`', ({ tracing }) => {
    const [first, second] = named(capture.spans, 'ai.generateText.doGenerate');
    const events = toAuditEvents(replay(tracing, [first!]));
    expect(events.map((e) => e.type)).toEqual(['prompt', 'completion']);
    expect(events[0]!.payload).toMatchObject({
      operation: 'chat',
      model: 'gpt-4o-mini',
      provider: 'openai',
      prompt: 'system: You are a weather assistant. Use tools for facts.\nuser: What is the weather in Oslo?',
      token_count: 57,
    });
    expect(events[1]!.payload).toMatchObject({
      model: 'gpt-4o-mini-2024-07-18',
      provider: 'openai',
      messages: [{ role: 'assistant', finish_reason: 'tool_call', parts: [{ type: 'tool_call', id: 'call_weather_1', name: 'get_weather', arguments: { city: 'Oslo' } }] }],
      finish_reasons: ['tool_call'],
      token_count: 18,
      usage: { input_tokens: 57, output_tokens: 18, total_tokens: 75 },
      response_id: 'chatcmpl-fake1',
    });

    const [prompt2, completion2] = toAuditEvents(replay(tracing, [second!]));
    expect(prompt2!.payload.messages).toContainEqual({
      role: 'tool',
      parts: [{ type: 'tool_call_response', id: 'call_weather_1', response: { city: 'Oslo', temperature_c: 12, conditions: 'light rain' } }],
    });
    expect(completion2!.payload).toMatchObject({ response: 'It is 12 °C with light rain in Oslo.', finish_reasons: ['stop'] });
  });

  it('turns ai.toolCall into a tool_call with parsed arguments and result', ({ tracing }) => {
    const events = toAuditEvents(replay(tracing, named(capture.spans, 'ai.toolCall')));
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toEqual({
      tool_name: 'get_weather',
      tool_call_id: 'call_weather_1',
      arguments: { city: 'Oslo' },
      result: { city: 'Oslo', temperature_c: 12, conditions: 'light rain' },
      status: 'ok',
      duration_ms: expect.any(Number),
    });
  });

  it('yields nothing for the outer ai.generateText spans, succeeded or failed: their doGenerate children carry the calls', ({ tracing }) => {
    const outer = named(capture.spans, 'ai.generateText');
    expect(outer.map((s) => s.status.code)).toEqual(['UNSET', 'ERROR']);
    expect(toAuditEvents(replay(tracing, outer))).toEqual([]);
  });

  it('turns the failed doGenerate into its prompt and one error, with no completion', ({ tracing }) => {
    const failed = named(capture.spans, 'ai.generateText.doGenerate').filter((s) => s.status.code === 'ERROR');
    const events = toAuditEvents(replay(tracing, failed));
    expect(events.map((e) => e.type)).toEqual(['prompt', 'error']);
    expect(events[0]!.payload.prompt).toBe('user: And tomorrow?');
    expect(events[1]!.payload).toMatchObject({ error_type: 'AI_APICallError', span_name: 'ai.generateText.doGenerate' });
  });

  it('yields exactly one pair per model call for the whole capture', ({ tracing }) => {
    const events = toAuditEvents(replay(tracing, capture.spans.filter((s) => s.scope.name === 'ai')));
    expect(events.map((e) => e.type).sort()).toEqual(['completion', 'completion', 'error', 'prompt', 'prompt', 'prompt', 'tool_call']);
  });
});

describe('Vercel AI SDK spans (other versions and operations)', () => {
  it('reads v4 names: promptTokens/completionTokens, toolCalls with args, and ai.result-era tool-call parts', ({ convert }) => {
    const events = convert('ai.streamText.doStream', {
      'ai.operationId': 'ai.streamText.doStream',
      'ai.model.id': 'claude-3-5-sonnet',
      'ai.model.provider': 'anthropic.messages',
      'ai.prompt.messages': JSON.stringify([{ role: 'assistant', content: [{ type: 'tool-call', toolCallId: 't1', toolName: 'search', args: { q: 'x' } }] }]),
      'ai.response.toolCalls': JSON.stringify([{ toolCallType: 'function', toolCallId: 't2', toolName: 'search', args: '{"q":"y"}' }]),
      'ai.response.finishReason': 'tool-calls',
      'ai.usage.promptTokens': 10,
      'ai.usage.completionTokens': 3,
    });
    expect(payloadOf(events, 'prompt')).toMatchObject({
      provider: 'anthropic',
      token_count: 10,
      messages: [{ role: 'assistant', parts: [{ type: 'tool_call', id: 't1', name: 'search', arguments: { q: 'x' } }] }],
    });
    expect(payloadOf(events, 'completion')).toMatchObject({
      token_count: 3,
      messages: [{ parts: [{ type: 'tool_call', id: 't2', name: 'search', arguments: { q: 'y' } }] }],
    });
  });

  it('reads generateObject output, reasoning and the cache and reasoning token breakdowns', ({ convert }) => {
    const events = convert('ai.generateObject.doGenerate', {
      'ai.operationId': 'ai.generateObject.doGenerate',
      'ai.response.object': '{"city":"Oslo"}',
      'ai.response.reasoning': 'Looked it up.',
      'ai.usage.inputTokenDetails.cacheReadTokens': 4,
      'ai.usage.inputTokenDetails.cacheWriteTokens': 2,
      'ai.usage.outputTokenDetails.reasoningTokens': 9,
    });
    expect(payloadOf(events, 'completion')).toMatchObject({
      response: '{"city":"Oslo"}',
      messages: [{ role: 'assistant', parts: [{ type: 'reasoning', content: 'Looked it up.' }, { type: 'text', content: '{"city":"Oslo"}' }] }],
      usage: { cache_read_input_tokens: 4, cache_write_input_tokens: 2, reasoning_output_tokens: 9 },
    });
  });

  it('turns an embedding call into a custom event, and its outer span into nothing', ({ convert }) => {
    expect(convert('ai.embed', { 'ai.operationId': 'ai.embed' })).toEqual([]);
    const events = convert('ai.embed.doEmbed', { 'ai.operationId': 'ai.embed.doEmbed', 'ai.model.id': 'text-embedding-3-small', 'ai.telemetry.functionId': 'index-docs' });
    expect(events).toEqual([expect.objectContaining({ type: 'custom' })]);
    expect(events[0]!.payload).toMatchObject({ name: 'ai.embed.doEmbed', model: 'text-embedding-3-small', function_id: 'index-docs' });
  });

  it('marks a tool that threw as status error', ({ tracing }) => {
    tracing.memory.reset();
    const span = trace.getTracer('ai').startSpan('ai.toolCall', { attributes: { 'ai.operationId': 'ai.toolCall', 'ai.toolCall.name': 'get_weather', 'ai.toolCall.args': '{}' } });
    span.recordException(new Error('city unknown'));
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'city unknown' });
    span.end();
    const events = toAuditEvents(tracing.memory.getFinishedSpans());
    expect(events.map((e) => [e.type, e.payload.status ?? e.payload.message])).toEqual([['tool_call', 'error'], ['error', 'city unknown']]);
  });

  it('leaves v7 GenAI-shape spans (scope `ai` with gen_ai.operation.name) to the GenAI converter', ({ convert }) => {
    const events = convert('ai.chat', { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"hi"}]}]' });
    expect(payloadOf(events, 'prompt')).toMatchObject({ model: 'gpt-4o', prompt: 'user: hi' });
    // The same attributes under another scope are a legacy span: no ai.model.id, so no model.
    expect(payloadOf(convert('ai.chat.doGenerate', { 'gen_ai.operation.name': 'chat' }, 'other'), 'prompt')).toMatchObject({ model: undefined });
  });
});

describe('what is not Vercel', () => {
  it('a span named like `ai.x.y` from another tracer (gRPC) yields nothing', ({ convert }) => {
    expect(convert('ai.v1.RecommendationService/List', { 'rpc.system': 'grpc' }, '@opentelemetry/instrumentation-grpc')).toEqual([]);
    expect(convert('ai.generateText.doGenerate', { 'ai.model.id': 'gpt-4o' }, 'ai').map((e) => e.type)).toEqual(['prompt', 'completion']);
  });
});
