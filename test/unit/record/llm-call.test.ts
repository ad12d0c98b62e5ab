import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect } from 'vitest';
import { withLLMCall } from '../../../src/index.js';
import { it as base } from '../../support/audit-test.js';

/** `json`: one attribute of the test's one span, parsed as JSON. */
const it = base.extend('json', ({ spanAttributes }) => (key: string): unknown => JSON.parse(spanAttributes()[key] as string));
const text = (content: string) => ({ type: 'text', content });

describe('withLLMCall prompt recording', () => {
  it('records OpenAI chat messages, with tool calls and tool results, as GenAI messages', ({ json, spanAttributes: attributes }) => {
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
    ];
    withLLMCall({ model: 'gpt-4o', provider: 'openai', messages }, () => undefined);
    expect(attributes()).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.provider.name': 'openai' });
    expect(json('gen_ai.input.messages')).toEqual([
      { role: 'system', parts: [text('Be brief.')] },
      { role: 'user', parts: [text('Weather in Paris?')] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'weather', arguments: { city: 'Paris' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: 'sunny' }] },
    ]);
  });

  it('records Anthropic messages with tool_use and tool_result parts as GenAI messages', ({ json }) => {
    const messages = [
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'sunny' }] }] },
    ];
    withLLMCall({ model: 'claude', provider: 'anthropic', messages, system: 'Be brief.' }, () => undefined);
    expect(json('gen_ai.input.messages')).toEqual([
      { role: 'user', parts: [text('Weather in Paris?')] },
      { role: 'assistant', parts: [text('Checking.'), { type: 'tool_call', id: 'toolu_1', name: 'weather', arguments: { city: 'Paris' } }] },
      { role: 'user', parts: [{ type: 'tool_call_response', id: 'toolu_1', response: [{ type: 'text', text: 'sunny' }] }] },
    ]);
    expect(json('gen_ai.system_instructions')).toEqual([text('Be brief.')]);
  });

  it('keeps GenAI {role, parts} messages as they are and adds a plain prompt as a user message', ({ json }) => {
    const messages = [{ role: 'user', parts: [text('Hi')] }];
    withLLMCall({ model: 'm', messages, prompt: 'And then?' }, () => undefined);
    expect(json('gen_ai.input.messages')).toEqual([
      { role: 'user', parts: [text('Hi')] },
      { role: 'user', parts: [text('And then?')] },
    ]);
  });

  it('writes each request parameter as gen_ai.request.<snake_case> and skips null ones', ({ spanAttributes: attributes }) => {
    const parameters = { maxTokens: 5, temperature: 0.2, topP: 1, stop: ['\n'], seed: null as unknown as number };
    withLLMCall({ model: 'm', parameters }, () => undefined);
    expect(attributes()).toMatchObject({
      'gen_ai.request.max_tokens': 5,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.top_p': 1,
      'gen_ai.request.stop': ['\n'],
    });
    expect('gen_ai.request.seed' in attributes()).toBe(false);
  });

  it('truncates an oversized message part with a marker and keeps the attribute valid JSON', ({ json }) => {
    withLLMCall({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(16_384 + 100) }] }, () => undefined);
    const [message] = json('gen_ai.input.messages') as Array<{ parts: Array<{ content: string }> }>;
    expect(message!.parts[0]!.content).toBe(`${'x'.repeat(16_384)}…[truncated 100 chars]`);
  });

  it('still runs the call, without content, when the messages cannot be read', ({ spanAttributes: attributes }) => {
    const hostile = { get role(): string { throw new Error('getter'); } };
    const value = withLLMCall({ model: 'm', messages: [hostile] }, () => 'ran');
    expect(value).toBe('ran');
    expect(attributes()).toEqual({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm' });
  });
});

describe('withLLMCall result extraction', () => {
  it('reads completion, tool calls, finish reason, usage, model and id from an OpenAI chat.completion', async ({ json, spanAttributes: attributes }) => {
    const completion = {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      model: 'gpt-4o-2024-08-06',
      choices: [{
        index: 0,
        message: { role: 'assistant', content: 'Let me check.', tool_calls: [{ id: 'call_7', type: 'function', function: { name: 'lookup', arguments: '{"id":42}' } }] },
        finish_reason: 'tool_calls',
      }],
      usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
    };
    expect(await withLLMCall({ model: 'gpt-4o' }, async () => completion)).toBe(completion);
    expect(attributes()).toMatchObject({
      'gen_ai.response.finish_reasons': ['tool_calls'],
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 5,
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.response.id': 'chatcmpl-1',
    });
    expect(json('gen_ai.output.messages')).toEqual([{
      role: 'assistant',
      finish_reason: 'tool_calls',
      parts: [text('Let me check.'), { type: 'tool_call', id: 'call_7', name: 'lookup', arguments: { id: 42 } }],
    }]);
  });

  it('reads an OpenAI Responses API result with an output message and a function_call', ({ json, spanAttributes: attributes }) => {
    const response = {
      id: 'resp_1',
      object: 'response',
      model: 'gpt-4.1',
      status: 'completed',
      output: [
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Searching.' }] },
        { type: 'function_call', call_id: 'call_9', name: 'search', arguments: '{"q":"shoes"}' },
      ],
      usage: { input_tokens: 3, output_tokens: 4 },
    };
    withLLMCall({ model: 'gpt-4.1' }, () => response);
    expect(attributes()).toMatchObject({
      'gen_ai.response.finish_reasons': ['completed'],
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.usage.output_tokens': 4,
      'gen_ai.response.model': 'gpt-4.1',
      'gen_ai.response.id': 'resp_1',
    });
    expect(json('gen_ai.output.messages')).toEqual([{
      role: 'assistant',
      finish_reason: 'completed',
      parts: [text('Searching.'), { type: 'tool_call', id: 'call_9', name: 'search', arguments: { q: 'shoes' } }],
    }]);
  });

  it('reads an Anthropic message with text and tool_use content, stop_reason and usage', ({ json, spanAttributes: attributes }) => {
    const message = {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4',
      content: [{ type: 'text', text: 'On it.' }, { type: 'tool_use', id: 'toolu_2', name: 'search', input: { q: 'y' } }],
      stop_reason: 'tool_use',
      usage: { input_tokens: 10, output_tokens: 20 },
    };
    withLLMCall({ model: 'claude-sonnet-4' }, () => message);
    expect(attributes()).toMatchObject({
      'gen_ai.response.finish_reasons': ['tool_use'],
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.output_tokens': 20,
      'gen_ai.response.model': 'claude-sonnet-4',
      'gen_ai.response.id': 'msg_1',
    });
    expect(json('gen_ai.output.messages')).toEqual([{
      role: 'assistant',
      finish_reason: 'tool_use',
      parts: [text('On it.'), { type: 'tool_call', id: 'toolu_2', name: 'search', arguments: { q: 'y' } }],
    }]);
  });

  it('lets values set through the handle override what was extracted', ({ json, spanAttributes: attributes }) => {
    const completion = { id: 'chatcmpl-1', object: 'chat.completion', model: 'a', choices: [{ message: { content: 'extracted' }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 2 } };
    withLLMCall({ model: 'm' }, (call) => {
      call.setCompletion('from handle');
      call.setUsage({ inputTokens: 99 });
      call.setFinishReasons('length');
      call.setResponseModel('b');
      call.setResponseId('id-2');
      return completion;
    });
    expect(attributes()).toMatchObject({
      'gen_ai.usage.input_tokens': 99,
      'gen_ai.usage.output_tokens': 2,
      'gen_ai.response.finish_reasons': ['length'],
      'gen_ai.response.model': 'b',
      'gen_ai.response.id': 'id-2',
    });
    expect(json('gen_ai.output.messages')).toEqual([{ role: 'assistant', finish_reason: 'length', parts: [text('from handle')] }]);
  });

  it('does not fail the call when reading its result throws, and keeps what the handle set', ({ tracing }) => {
    const result = { object: 'chat.completion', get choices(): unknown[] { throw new Error('lazy getter'); } };
    const value = withLLMCall({ model: 'm' }, (call) => {
      call.setUsage({ outputTokens: 3 });
      return result;
    });
    expect(value).toBe(result);
    const span = tracing.memory.getFinishedSpans()[0]!;
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(3);
  });

  it('records cache and reasoning token counts under the GenAI v1.41 names, from each SDK', ({ spanAttributes: attributes, tracing }) => {
    const counts = () => Object.fromEntries(Object.entries(attributes()).filter(([k]) => k.startsWith('gen_ai.usage.')));
    withLLMCall({ model: 'm' }, () => ({
      object: 'chat.completion', choices: [],
      usage: { prompt_tokens: 100, completion_tokens: 30, prompt_tokens_details: { cached_tokens: 64 }, completion_tokens_details: { reasoning_tokens: 12 } },
    }));
    expect(counts()).toEqual({
      'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': 30,
      'gen_ai.usage.cache_read.input_tokens': 64, 'gen_ai.usage.reasoning.output_tokens': 12,
    });
    tracing.memory.reset();
    withLLMCall({ model: 'm' }, () => ({
      object: 'response', output: [],
      usage: { input_tokens: 50, output_tokens: 9, input_tokens_details: { cached_tokens: 32 }, output_tokens_details: { reasoning_tokens: 4 } },
    }));
    expect(counts()).toEqual({
      'gen_ai.usage.input_tokens': 50, 'gen_ai.usage.output_tokens': 9,
      'gen_ai.usage.cache_read.input_tokens': 32, 'gen_ai.usage.reasoning.output_tokens': 4,
    });
    tracing.memory.reset();
    // Anthropic's input_tokens leaves the cached tokens out; GenAI's includes them.
    withLLMCall({ model: 'claude' }, () => ({
      type: 'message', role: 'assistant', content: [],
      usage: { input_tokens: 20, output_tokens: 7, cache_read_input_tokens: 200, cache_creation_input_tokens: 30 },
    }));
    expect(counts()).toEqual({
      'gen_ai.usage.input_tokens': 250, 'gen_ai.usage.output_tokens': 7,
      'gen_ai.usage.cache_read.input_tokens': 200, 'gen_ai.usage.cache_write.input_tokens': 30,
    });
    tracing.memory.reset();
    withLLMCall({ model: 'm' }, (call) => call.setUsage({ inputTokens: 10, cacheReadTokens: 4, cacheWriteTokens: 2, reasoningTokens: 1 }));
    expect(counts()).toEqual({
      'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.cache_read.input_tokens': 4,
      'gen_ai.usage.cache_write.input_tokens': 2, 'gen_ai.usage.reasoning.output_tokens': 1,
    });
  });

  it('records nothing of the result for a shape it does not know', ({ spanAttributes: attributes }) => {
    withLLMCall({ model: 'm' }, () => ({ text: 'custom client' }));
    expect(Object.keys(attributes()).filter((k) => k.startsWith('gen_ai.response') || k.startsWith('gen_ai.output'))).toEqual([]);
  });
});
