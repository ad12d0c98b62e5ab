import { SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { describe, expect } from 'vitest';
import { toAuditEvents, type AuditEvent } from '../../../src/index.js';
import { it as base } from '../../support/audit-test.js';
import { loadCapture, named, replay } from './captured-spans.js';

const capture = loadCapture('openinference-openai');
const SESSION = capture.spans[0]!.attributes['gen_ai.conversation.id'];
const payloads = (events: AuditEvent[], type: string) => events.filter((e) => e.type === type).map((e) => e.payload);

/** `convert`: the audit events of one OpenInference span with these attributes. */
const it = base.extend('convert', ({ spanEvents }) => (attributes: Attributes, options: { name?: string; status?: SpanStatusCode } = {}): AuditEvent[] =>
  spanEvents({ scope: '@arizeai/openinference-instrumentation-openai', name: options.name ?? 'span', attributes, status: options.status }));

describe('OpenInference spans (captured from @arizeai/openinference-instrumentation-openai 4.2.7)', () => {
  it('turns the tool-requesting chat call into one prompt and one completion with GenAI messages', ({ tracing }) => {
    const [first] = named(capture.spans, 'OpenAI Chat Completions');
    const events = toAuditEvents(replay(tracing, [first!]));
    expect(events.map((e) => e.type)).toEqual(['prompt', 'completion']);
    expect(events[0]).toMatchObject({ sessionId: SESSION, agentName: 'weather-agent' });
    expect(events[0]!.payload).toMatchObject({
      operation: 'chat',
      model: 'gpt-4o-mini',
      provider: 'openai',
      prompt: 'system: You are a weather assistant. Use tools for facts.\nuser: What is the weather in Oslo?',
      messages: [
        { role: 'system', parts: [{ type: 'text', content: 'You are a weather assistant. Use tools for facts.' }] },
        { role: 'user', parts: [{ type: 'text', content: 'What is the weather in Oslo?' }] },
      ],
      token_count: 57,
    });
    // The invocation parameters without the model, which has its own field.
    expect(events[0]!.payload.parameters).toEqual({ tools: [expect.objectContaining({ type: 'function' })] });
    expect(events[1]!.payload).toEqual({
      operation: 'chat',
      model: 'gpt-4o-mini-2024-07-18',
      provider: 'openai',
      response: '[tool_call get_weather]',
      messages: [{ role: 'assistant', parts: [{ type: 'tool_call', id: 'call_weather_1', name: 'get_weather', arguments: { city: 'Oslo' } }] }],
      finish_reasons: ['tool_call'],
      token_count: 18,
      usage: { input_tokens: 57, output_tokens: 18, total_tokens: 75, cache_read_input_tokens: 0, reasoning_output_tokens: 0 },
      response_id: 'chatcmpl-fake1',
      duration_ms: expect.any(Number),
    });
  });

  it('carries the tool call and its result back to the model in the second prompt', ({ tracing }) => {
    const [, second] = named(capture.spans, 'OpenAI Chat Completions');
    const [prompt, completion] = toAuditEvents(replay(tracing, [second!]));
    expect(prompt!.payload.messages).toEqual([
      expect.objectContaining({ role: 'system' }),
      expect.objectContaining({ role: 'user' }),
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_weather_1', name: 'get_weather', arguments: { city: 'Oslo' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_weather_1', response: '{"city":"Oslo","temperature_c":12,"conditions":"light rain"}' }] },
    ]);
    expect(prompt!.payload.prompt).toContain('tool: [tool_result {"city":"Oslo","temperature_c":12,"conditions":"light rain"}]');
    expect(completion!.payload).toMatchObject({ response: 'It is 12 °C with light rain in Oslo.', finish_reasons: ['stop'], response_id: 'chatcmpl-fake2' });
  });

  it('yields nothing for the HTTP client spans beside the model calls, failed one included', ({ tracing }) => {
    const http = capture.spans.filter((s) => s.scope.name === '@opentelemetry/instrumentation-undici');
    expect(http.map((s) => s.status.code)).toContain('ERROR');
    expect(toAuditEvents(replay(tracing, http))).toEqual([]);
  });

  it('reads the prompt of the call the instrumentation left open', ({ tracing }) => {
    const events = toAuditEvents(replay(tracing, capture.openSpans));
    expect(events[0]!.payload).toMatchObject({ model: 'gpt-4o-mini', prompt: 'user: And tomorrow?' });
  });
});

describe('OpenInference spans (from the semantic conventions)', () => {
  const llm = { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o' };

  it('reads multi-part contents, images and legacy function calls', ({ convert }) => {
    const events = convert({
      ...llm,
      'llm.input_messages.0.message.role': 'user',
      'llm.input_messages.0.message.contents.0.message_content.type': 'text',
      'llm.input_messages.0.message.contents.0.message_content.text': 'What is this?',
      'llm.input_messages.0.message.contents.1.message_content.type': 'image',
      'llm.input_messages.0.message.contents.1.message_content.image.image.url': 'https://example.com/cat.png',
      'llm.output_messages.0.message.role': 'assistant',
      'llm.output_messages.0.message.function_call_name': 'describe',
      'llm.output_messages.0.message.function_call_arguments_json': '{"detail":"high"}',
    });
    expect(payloads(events, 'prompt')[0]!.messages).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'What is this?' }, { type: 'uri', modality: 'image', uri: 'https://example.com/cat.png' }] },
    ]);
    expect(payloads(events, 'completion')[0]!.messages).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', name: 'describe', arguments: { detail: 'high' } }] },
    ]);
  });

  it('falls back to input.value and output.value when the messages were not flattened', ({ convert }) => {
    const events = convert({
      ...llm,
      'input.value': JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], temperature: 0 }),
      'output.value': JSON.stringify({ id: 'cmpl-9', choices: [{ message: { role: 'assistant', content: 'hello' }, finish_reason: 'length' }] }),
    });
    expect(payloads(events, 'prompt')[0]).toMatchObject({ prompt: 'user: hi', messages: [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }] });
    expect(payloads(events, 'completion')[0]).toMatchObject({ response: 'hello', finish_reasons: ['length'], response_id: 'cmpl-9' });
  });

  it('keeps plain-text input and output as the prompt and response text', ({ convert }) => {
    const events = convert({ ...llm, 'input.value': 'Summarise this.', 'input.mime_type': 'text/plain', 'output.value': 'Done.' });
    expect(payloads(events, 'prompt')[0]).toMatchObject({ operation: 'text_completion', prompt: 'Summarise this.' });
    expect(payloads(events, 'completion')[0]).toMatchObject({ response: 'Done.' });
  });

  it('reads cache-write tokens and prefers llm.provider over llm.system', ({ convert }) => {
    const events = convert({ ...llm, 'llm.provider': 'Azure', 'llm.system': 'openai', 'llm.token_count.prompt_details.cache_write': 7 });
    expect(payloads(events, 'completion')[0]).toMatchObject({ provider: 'azure', usage: { cache_write_input_tokens: 7 } });
  });

  it('yields no completion for a failed call', ({ convert }) => {
    expect(convert(llm, { status: SpanStatusCode.ERROR }).map((e) => e.type)).toEqual(['prompt', 'error']);
  });

  it('turns a TOOL span into a tool_call with input.value as arguments and output.value as result', ({ convert }) => {
    const events = convert(
      { 'openinference.span.kind': 'TOOL', 'tool.name': 'get_weather', 'input.value': '{"city":"Oslo"}', 'output.value': 'light rain', 'tool_call.id': 'call_1' },
      { name: 'get_weather' },
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'tool_call',
      payload: { tool_name: 'get_weather', tool_call_id: 'call_1', arguments: { city: 'Oslo' }, result: 'light rain', status: 'ok' },
    });
  });

  // `for`, not `each`: only `for` hands the test its fixtures (after the row).
  it.for(['CHAIN', 'RETRIEVER', 'EMBEDDING', 'RERANKER', 'GUARDRAIL', 'EVALUATOR', 'PROMPT'])('turns a %s span into one custom event', (kind, { convert }) => {
    const events = convert({ 'openinference.span.kind': kind, 'agent.name': 'planner', 'session.id': 'chat-7' }, { name: 'step' });
    expect(events).toEqual([expect.objectContaining({ type: 'custom', sessionId: 'chat-7', agentName: 'planner' })]);
    expect(events[0]!.payload).toMatchObject({ name: `openinference.${kind.toLowerCase()}`, span_name: 'step' });
  });

  it('turns a sub-agent (an AGENT span naming its parent agent) into one custom event with both names; a top-level agent into none', ({ convert }) => {
    const sub = convert({ 'openinference.span.kind': 'AGENT', 'graph.node.id': 'forecast-agent', 'graph.node.parent_id': 'weather-agent' }, { name: 'forecast-agent' });
    expect(sub).toEqual([expect.objectContaining({ type: 'custom' })]);
    expect(sub[0]!.payload).toMatchObject({ name: 'openinference.agent', agent: 'forecast-agent', parent_agent: 'weather-agent' });
    // The run itself: the session stands for it (or it runs inside one).
    expect(convert({ 'openinference.span.kind': 'AGENT', 'agent.name': 'planner' }, { name: 'planner' })).toEqual([]);
  });

  it('reads a tool result of MCP text blocks as its text, JSON parsed', ({ convert }) => {
    const events = convert({
      'openinference.span.kind': 'TOOL', 'tool.name': 'mcp__weather__get_weather', 'input.value': '{"city":"Oslo"}',
      'output.value': JSON.stringify([{ type: 'text', text: '{"city":"Oslo",' }, { type: 'text', text: '"temperature_c":12}' }]),
    });
    expect(events[0]?.payload).toMatchObject({ arguments: { city: 'Oslo' }, result: { city: 'Oslo', temperature_c: 12 } });
  });

  it('prefers the whole request in input.value when the SDK dropped attributes of a long chat', ({ tracing }) => {
    const attributes: Attributes = {
      ...llm,
      'input.value': JSON.stringify({ messages: [{ role: 'user', content: 'one' }, { role: 'user', content: 'two' }] }),
      'llm.input_messages.0.message.role': 'user',
      'llm.input_messages.0.message.content': 'one',
    };
    tracing.memory.reset();
    const span = trace.getTracer('oi').startSpan('llm', { attributes });
    // More attributes than the default limit (128): the SDK drops the rest and counts them.
    for (let i = 0; i < 200; i++) span.setAttribute(`extra.${i}`, i);
    span.end();
    const events = toAuditEvents(tracing.memory.getFinishedSpans());
    expect(payloads(events, 'prompt')[0]!.prompt).toBe('user: one\nuser: two');
  });
});
