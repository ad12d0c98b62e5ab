import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorReply, startFakeOpenAIServer, textReply, toolCallReply, type FakeOpenAIServer } from '../../servers/fake-openai-server.js';

let server: FakeOpenAIServer;

beforeEach(async () => {
  server = await startFakeOpenAIServer();
});

afterEach(async () => {
  await server.close();
});

/** Real fetch on loopback. */
async function post(body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }];
const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Weather?' }], tools };

describe('startFakeOpenAIServer', () => {
  it('answers the real openai client with the scripted tool call, text and error, in order', async () => {
    server.enqueue(toolCallReply('get_weather', { city: 'Oslo' }, { callId: 'call_1' }), textReply('Rainy.'), errorReply(500));
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: server.apiKey, maxRetries: 0 });

    const first = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Weather?' }], tools: tools as never });
    expect(first.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: { tool_calls: [{ id: 'call_1', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
    });
    expect(first.model).toBe('gpt-4o-mini-2024-07-18');
    expect(first.usage).toMatchObject({ prompt_tokens: 57, completion_tokens: 18, total_tokens: 75 });

    const second = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: null, tool_calls: first.choices[0]!.message.tool_calls! },
        { role: 'tool', tool_call_id: 'call_1', content: '{"sky":"rain"}' },
      ],
    });
    expect(second.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: 'Rainy.' } });

    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Again?' }] }))
      .rejects.toMatchObject({ status: 500 });
    expect(server.requests.map((r) => r.status)).toEqual([200, 200, 500]);
    expect(server.pendingReplies()).toBe(0);
  });

  it('rejects a missing or wrong API key with 401 before anything else', async () => {
    server.enqueue(textReply('never sent'));
    expect((await post(ask, { authorization: '' })).status).toBe(401);
    const wrong = await post(ask, { authorization: 'Bearer sk-wrong' });
    expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'invalid_api_key' } } });
    expect(server.pendingReplies()).toBe(1); // rejected requests consume no scripted reply
  });

  it('rejects what the service rejects with 400 and the offending parameter', async () => {
    server.enqueue(textReply('never sent'));
    const cases: Array<[unknown, string | null]> = [
      [{ messages: ask.messages }, 'model'],
      [{ model: 'gpt-4o-mini', messages: [] }, 'messages'],
      [{ ...ask, temprature: 0.2 }, 'temprature'],
      [{ ...ask, stream: true }, 'stream'],
      [{ model: 'gpt-4o-mini', messages: [{ role: 'robot', content: 'x' }] }, 'messages.[0].role'],
      [{ model: 'gpt-4o-mini', messages: [{ role: 'user' }] }, 'messages.[0]'],
      [{ model: 'gpt-4o-mini', messages: [{ role: 'tool', tool_call_id: 'call_9', content: 'x' }] }, 'messages.[0]'],
      [{ ...ask, tools: [{ type: 'function', function: { name: 'has space' } }] }, 'tools'],
      [{ ...ask, tools: Array.from({ length: 129 }, (_, i) => ({ type: 'function', function: { name: `t${i}` } })) }, 'tools'],
      ['{"model": "gpt-4o-mini", ', null],
    ];
    for (const [body, param] of cases) {
      const reply = await post(body);
      expect(reply.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(reply.body.error.param).toBe(param);
    }
    expect((await post(ask, { 'content-type': 'text/plain' })).status).toBe(400);
    expect(server.pendingReplies()).toBe(1);
  });

  it('fails loudly when a test asks for more replies than it scripted, or a tool the request lacks', async () => {
    server.enqueue(toolCallReply('send_email', {}));
    expect((await post(ask)).body.error.message).toContain("scripted tool 'send_email' is not among the request's tools");
    expect((await post(ask)).body.error.message).toContain('no scripted reply left');
  });
});
