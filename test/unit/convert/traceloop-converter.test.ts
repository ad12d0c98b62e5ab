import { SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { describe, expect } from 'vitest';
import { genAiConverter } from '../../../src/convert/genai-converter.js';
import { toAuditEvents, type AuditEvent } from '../../../src/index.js';
import { it as base } from '../../support/audit-test.js';
import { loadCapture, named, replay } from './captured-spans.js';

const capture = loadCapture('traceloop-openai');
const payloadOf = (events: AuditEvent[], type: string) => events.find((e) => e.type === type)?.payload;

/** `convert`: the audit events of one Traceloop span with these attributes. */
const it = base.extend('convert', ({ spanEvents }) => (name: string, attributes: Attributes, status?: SpanStatusCode): AuditEvent[] =>
  spanEvents({ scope: '@traceloop/instrumentation-openai', name, attributes, status }));

describe('Traceloop ≥ 0.23 spans (captured from @traceloop/instrumentation-openai 0.27)', () => {
  it('are read by the GenAI converter, exactly as the GenAI converter alone reads them', ({ tracing }) => {
    const spans = replay(tracing, named(capture.spans, 'chat gpt-4o-mini'));
    expect(toAuditEvents(spans)).toEqual(toAuditEvents(spans, { converters: [genAiConverter] }));
  });

  it('yield one prompt and one completion per call with tokens, including the total', ({ tracing }) => {
    const [first] = named(capture.spans, 'chat gpt-4o-mini');
    const events = toAuditEvents(replay(tracing, [first!]));
    expect(events.map((e) => e.type)).toEqual(['prompt', 'completion']);
    expect(events[0]!.payload).toMatchObject({ model: 'gpt-4o-mini', provider: 'openai', token_count: 57 });
    expect(events[1]!.payload).toMatchObject({
      model: 'gpt-4o-mini-2024-07-18',
      finish_reasons: ['tool_call'],
      usage: { input_tokens: 57, output_tokens: 18, total_tokens: 75 },
      messages: [{ role: 'assistant', parts: [{ type: 'tool_call', id: 'call_weather_1', name: 'get_weather', arguments: { city: 'Oslo' } }] }],
    });
  });
});

describe('OpenLLMetry ≤ 0.22 LLM spans (indexed gen_ai.prompt / gen_ai.completion)', () => {
  const legacy: Attributes = {
    'llm.request.type': 'chat',
    'gen_ai.system': 'OpenAI',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.request.temperature': 0.2,
    'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    'gen_ai.response.id': 'chatcmpl-7',
    'gen_ai.prompt.0.role': 'system',
    'gen_ai.prompt.0.content': 'Be brief.',
    'gen_ai.prompt.1.role': 'user',
    'gen_ai.prompt.1.content': JSON.stringify([{ type: 'text', text: 'Weather in Oslo?' }]),
    'gen_ai.prompt.2.role': 'tool',
    'gen_ai.prompt.2.content': '12 °C',
    'gen_ai.prompt.2.tool_call_id': 'call_0',
    'gen_ai.completion.0.role': 'assistant',
    'gen_ai.completion.0.content': '',
    'gen_ai.completion.0.finish_reason': 'tool_calls',
    'gen_ai.completion.0.tool_calls.0.id': 'call_1',
    'gen_ai.completion.0.tool_calls.0.name': 'get_weather',
    'gen_ai.completion.0.tool_calls.0.arguments': '{"city":"Oslo"}',
    'gen_ai.usage.prompt_tokens': 20,
    'gen_ai.usage.completion_tokens': 5,
    'llm.usage.total_tokens': 25,
    'gen_ai.usage.cache_read_input_tokens': 8,
  };

  it('regroups the indexed prompt and completion into GenAI messages', ({ convert }) => {
    const events = convert('openai.chat', legacy);
    expect(events.map((e) => e.type)).toEqual(['prompt', 'completion']);
    expect(events[0]!.payload).toEqual({
      operation: 'chat',
      model: 'gpt-4o-mini',
      provider: 'openai',
      prompt: 'system: Be brief.\nuser: Weather in Oslo?\ntool: [tool_result 12 °C]',
      messages: [
        { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
        { role: 'user', parts: [{ type: 'text', content: 'Weather in Oslo?' }] },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_0', response: '12 °C' }] },
      ],
      parameters: { temperature: 0.2 },
      token_count: 20,
    });
    expect(events[1]!.payload).toEqual({
      operation: 'chat',
      model: 'gpt-4o-mini-2024-07-18',
      provider: 'openai',
      response: '[tool_call get_weather]',
      messages: [{ role: 'assistant', finish_reason: 'tool_call', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Oslo' } }] }],
      finish_reasons: ['tool_call'],
      token_count: 5,
      usage: { input_tokens: 20, output_tokens: 5, total_tokens: 25, cache_read_input_tokens: 8 },
      response_id: 'chatcmpl-7',
      duration_ms: expect.any(Number),
    });
  });

  it('reads completion requests and legacy function calls', ({ convert }) => {
    const events = convert('openai.completion', {
      'llm.request.type': 'completion',
      'gen_ai.prompt.0.content': 'Once upon',
      'gen_ai.completion.0.function_call.name': 'tell',
      'gen_ai.completion.0.function_call.arguments': 'not json',
    });
    expect(payloadOf(events, 'prompt')).toMatchObject({ operation: 'text_completion', prompt: 'user: Once upon' });
    expect(payloadOf(events, 'completion')!.messages).toEqual([{ role: 'assistant', parts: [{ type: 'tool_call', name: 'tell', arguments: 'not json' }] }]);
  });

  it('is detected by its indexed keys alone, and by llm.request.type without a GenAI operation', ({ convert }) => {
    expect(convert('x', { 'gen_ai.prompt.0.content': 'hi' }).map((e) => e.type)).toEqual(['prompt', 'completion']);
    expect(convert('x', { 'llm.request.type': 'chat', 'gen_ai.request.model': 'm' }).map((e) => e.type)).toEqual(['prompt', 'completion']);
  });

  it('leaves a span with llm.request.type beside the GenAI shape to the GenAI converter', ({ tracing }) => {
    const attributes = { 'llm.request.type': 'chat', 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"hi"}]}]' };
    tracing.memory.reset();
    trace.getTracer('t').startSpan('chat m', { attributes }).end();
    const spans = tracing.memory.getFinishedSpans();
    expect(toAuditEvents(spans)).toEqual(toAuditEvents(spans, { converters: [genAiConverter] }));
  });

  it('turns other request types (rerank) into one custom event', ({ convert }) => {
    expect(convert('cohere.rerank', { 'llm.request.type': 'rerank' })).toEqual([expect.objectContaining({ type: 'custom', payload: expect.objectContaining({ name: 'traceloop.rerank' }) })]);
  });
});

describe('Traceloop entity spans (traceloop.span.kind)', () => {
  // `for`, not `each`: only `for` hands the test its fixtures (after the row).
  it.for(['workflow', 'task', 'agent', 'session'])('turns a %s span into one custom event with the entity name', (kind, { convert }) => {
    const events = convert(`support.${kind}`, { 'traceloop.span.kind': kind, 'traceloop.entity.name': 'support', 'traceloop.association.properties.session_id': 's-9' });
    expect(events).toEqual([expect.objectContaining({ type: 'custom', sessionId: 's-9' })]);
    expect(events[0]!.payload).toMatchObject({ name: `traceloop.${kind}`, entity_name: 'support', span_name: `support.${kind}` });
  });

  it('turns a tool span into a tool_call, unwrapping a single argument', ({ convert }) => {
    const events = convert('get_weather.tool', {
      'traceloop.span.kind': 'tool',
      'traceloop.entity.name': 'get_weather',
      'traceloop.entity.input': JSON.stringify({ args: [{ city: 'Oslo' }], kwargs: {} }),
      'traceloop.entity.output': JSON.stringify({ temperature_c: 12 }),
    });
    expect(events).toEqual([expect.objectContaining({ type: 'tool_call' })]);
    expect(events[0]!.payload).toMatchObject({ tool_name: 'get_weather', arguments: { city: 'Oslo' }, result: { temperature_c: 12 }, status: 'ok' });
  });

  it('keeps keyword arguments, and both lists when there are both; names the tool from the span name when needed', ({ convert }) => {
    const args = (input: unknown) => convert('lookup.tool', { 'traceloop.span.kind': 'tool', 'traceloop.entity.input': JSON.stringify(input) })[0]!.payload;
    expect(args({ args: [], kwargs: { id: 1 } })).toMatchObject({ tool_name: 'lookup', arguments: { id: 1 } });
    expect(args({ args: [1, 2], kwargs: { id: 1 } }).arguments).toEqual({ args: [1, 2], kwargs: { id: 1 } });
    expect(args([1]).arguments).toEqual([1]);
  });

  it('marks a failed tool as status error, with its error event', ({ convert }) => {
    const events = convert('t.tool', { 'traceloop.span.kind': 'tool', 'traceloop.entity.name': 't' }, SpanStatusCode.ERROR);
    expect(events.map((e) => [e.type, e.payload.status])).toEqual([['tool_call', 'error'], ['error', undefined]]);
  });
});
