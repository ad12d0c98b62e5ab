import Anthropic from '@anthropic-ai/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  anthropicErrorReply, anthropicTextReply, fromModelReplies, startFakeAnthropicServer, toolUseReply, type FakeAnthropicServer,
} from '../../servers/fake-anthropic-server.js';
import { errorReply, textReply, toolCallReply } from '../../servers/fake-openai-server.js';

let server: FakeAnthropicServer;

beforeEach(async () => {
  server = await startFakeAnthropicServer();
});

afterEach(async () => {
  await server.close();
});

/** Real fetch on loopback. */
async function post(body: unknown, headers: Record<string, string> = {}, path = '/v1/messages'): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'x-api-key': server.apiKey, 'anthropic-version': '2023-06-01', 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const tools = [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }];
const ask = { model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'user', content: 'Weather?' }], tools };
const toolUse = { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }] };
const toolResult = (id = 'toolu_1') => ({ type: 'tool_result', tool_use_id: id, content: '{"sky":"rain"}' });

describe('startFakeAnthropicServer', () => {
  it('answers the real @anthropic-ai/sdk client with the scripted tool_use, text and error, in order', async () => {
    server.enqueue(
      toolUseReply('get_weather', { city: 'Oslo' }, { id: 'toolu_1', usage: { inputTokens: 57, outputTokens: 18 } }),
      anthropicTextReply('Rainy.'),
      anthropicErrorReply(529, 'Overloaded'),
    );
    const client = new Anthropic({ baseURL: server.url, apiKey: server.apiKey, maxRetries: 0 });

    const first = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 256, system: 'Be brief.', messages: [{ role: 'user', content: 'Weather?' }], tools: tools as never });
    expect(first).toMatchObject({
      id: expect.stringMatching(/^msg_/),
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20251001',
      stop_reason: 'tool_use',
      content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }],
      usage: { input_tokens: 57, output_tokens: 18, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
    });

    const second = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 256,
      messages: [{ role: 'user', content: 'Weather?' }, { role: 'assistant', content: first.content as never }, { role: 'user', content: [toolResult() as never] }],
      tools: tools as never,
    });
    expect(second).toMatchObject({ stop_reason: 'end_turn', content: [{ type: 'text', text: 'Rainy.' }] });

    await expect(client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'Again?' }] }))
      .rejects.toMatchObject({ status: 529, error: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } });
    expect(server.requests.map((r) => r.status)).toEqual([200, 200, 529]);
    // @anthropic-ai/sdk 1.x sends the API key as a bearer token.
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${server.apiKey}`);
    expect(server.pendingReplies()).toBe(0);
  });

  it('streams server-sent events the client assembles into the same message', async () => {
    server.enqueue(toolUseReply('get_weather', { city: 'Oslo' }, { id: 'toolu_1' }), anthropicTextReply('Rainy.'));
    const client = new Anthropic({ baseURL: server.url, apiKey: server.apiKey, maxRetries: 0 });

    const stream = await client.messages.create({ ...ask, stream: true } as never) as unknown as AsyncIterable<{ type: string }>;
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types).toEqual([
      'message_start', 'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop',
    ]);

    const text = await client.messages.stream({ ...ask, messages: [...ask.messages, toolUse, { role: 'user', content: [toolResult()] }] } as never).finalMessage();
    expect(text).toMatchObject({ stop_reason: 'end_turn', content: [{ type: 'text', text: 'Rainy.' }], usage: { input_tokens: 498, output_tokens: 23 } });
    expect(server.requests.map((r) => r.status)).toEqual([200, 200]);
  });

  it('rejects a missing or wrong API key with 401, and a missing anthropic-version with 400', async () => {
    server.enqueue(anthropicTextReply('never sent'));
    expect(await post(ask, { 'x-api-key': '' })).toMatchObject({ status: 401, body: { type: 'error', error: { type: 'authentication_error' } } });
    expect(await post(ask, { 'x-api-key': 'sk-ant-wrong' })).toMatchObject({ status: 401, body: { error: { message: 'invalid x-api-key' } } });
    expect((await post(ask, { 'x-api-key': '', authorization: 'Bearer sk-ant-wrong' })).status).toBe(401);
    expect(await post(ask, { 'anthropic-version': '' })).toMatchObject({ status: 400, body: { error: { type: 'invalid_request_error' } } });
    expect(server.pendingReplies()).toBe(1); // rejected requests consume no scripted reply
  });

  it('rejects what the service rejects with 400 invalid_request_error, naming the field', async () => {
    server.enqueue(anthropicTextReply('never sent'));
    const user = (content: unknown) => ({ role: 'user', content });
    const cases: Array<[unknown, string]> = [
      [{ max_tokens: 1, messages: ask.messages }, 'model: Field required'],
      [{ model: 'claude-sonnet-4-5', messages: ask.messages }, 'max_tokens: Field required'],
      [{ ...ask, temprature: 0.2 }, 'temprature: Extra inputs are not permitted'],
      [{ ...ask, messages: [] }, 'at least one message'],
      [{ ...ask, messages: [{ role: 'assistant', content: 'Hi' }] }, 'first message must use the "user" role'],
      [{ ...ask, messages: [user('a'), user('b')] }, 'roles must alternate'],
      [{ ...ask, messages: [user('')] }, 'must have non-empty content'],
      [{ ...ask, messages: [user([{ type: 'text', text: '' }])] }, 'text content blocks must be non-empty'],
      [{ ...ask, messages: [user('Weather?'), toolUse, user('no result')] }, '`tool_use` ids were found without `tool_result` blocks'],
      [{ ...ask, messages: [user('Weather?'), toolUse, user([toolResult('toolu_9')])] }, 'unexpected `tool_use_id`'],
      [{ ...ask, messages: [user('Weather?'), toolUse, user([{ type: 'text', text: 'here' }, toolResult()])] }, 'must come first'],
      [{ ...ask, messages: [user([toolResult()])] }, 'unexpected `tool_use_id`'],
      [{ ...ask, messages: [user([{ type: 'tool_use', id: 'toolu_1', name: 'x', input: {} }])] }, 'can only be in `assistant` messages'],
      [{ ...ask, messages: [user([{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'x', is_error: 'yes' }])] }, 'is_error'],
      [{ ...ask, messages: [{ role: 'user', content: 'x', name: 'bob' }] }, 'messages.0.name: Extra inputs are not permitted'],
      [{ ...ask, messages: [user([{ type: 'video' }])] }, "Input tag 'video'"],
      [{ ...ask, system: [{ type: 'image' }] }, "system.0.type: Input should be 'text'"],
      [{ ...ask, tools: [{ name: 'has space', input_schema: { type: 'object' } }] }, 'tools.0.name'],
      [{ ...ask, tools: [{ name: 'get_weather' }] }, 'input_schema: Field required'],
      [{ ...ask, tool_choice: { type: 'tool', name: 'send_email' } }, 'Tool not found'],
      ['{"model": "claude-sonnet-4-5", ', 'not valid JSON'],
    ];
    for (const [body, message] of cases) {
      const reply = await post(body);
      expect(reply.status, JSON.stringify(body).slice(0, 100)).toBe(400);
      expect(reply.body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
      expect(reply.body.error.message).toContain(message);
    }
    expect((await post(ask, { 'content-type': 'text/plain' })).status).toBe(400);
    expect(server.pendingReplies()).toBe(1);
  });

  it('records requests to other paths and answers them 404 not_found_error', async () => {
    expect(await post({}, {}, '/api/hello')).toMatchObject({ status: 404, body: { type: 'error', error: { type: 'not_found_error' } } });
    expect(server.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['POST /api/hello 404']);
  });

  it('fails loudly when a test asks for more replies than it scripted, or a tool the request lacks', async () => {
    server.enqueue(toolUseReply('send_email', {}));
    expect((await post(ask)).body.error.message).toContain("scripted tool 'send_email' is not among the request's tools");
    expect((await post(ask)).body.error.message).toContain('no scripted reply left');
  });

  it('takes the OpenAI server\'s script: tool calls as tool_use blocks with the same ids and token counts', () => {
    const usage = { promptTokens: 5, completionTokens: 2 };
    expect(fromModelReplies([toolCallReply('get_weather', { city: 'Oslo' }, { callId: 'toolu_w', usage }), textReply('Hi'), errorReply(503)])).toEqual([
      { kind: 'tool_use', name: 'get_weather', input: { city: 'Oslo' }, id: 'toolu_w', usage: { inputTokens: 5, outputTokens: 2 } },
      { kind: 'text', text: 'Hi' },
      { kind: 'error', status: 503 },
    ]);
  });
});
