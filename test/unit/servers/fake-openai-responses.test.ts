// The fake OpenAI server's `POST /v1/responses` answers in the real Responses
// API shapes and refuses what the real service refuses: a server that took a
// Chat Completions body on this route would let a misbuilt client pass.
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
  const res = await fetch(`${server.url}/v1/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const weatherTool = { type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } as const;
const question = { role: 'user', content: [{ type: 'input_text', text: 'Weather in Oslo?' }] };
const ask = { model: 'gpt-4o-mini', instructions: 'Use tools.', input: [question], tools: [weatherTool] };
const call = { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' };
const output = { type: 'function_call_output', call_id: 'call_1', output: '{"sky":"rain"}' };

describe('startFakeOpenAIServer: POST /v1/responses', () => {
  it('answers the real openai client with a function_call, then output_text, then an error, from the shared queue', async () => {
    server.enqueue(toolCallReply('get_weather', { city: 'Oslo' }, { callId: 'call_1' }), textReply('Rainy.', { usage: { promptTokens: 9, completionTokens: 2 } }), errorReply(500));
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: server.apiKey, maxRetries: 0 });

    const first = await client.responses.create({ ...ask, tools: [{ ...weatherTool, strict: false }] } as never) as any;
    expect(first).toMatchObject({ object: 'response', status: 'completed', model: 'gpt-4o-mini-2024-07-18', instructions: 'Use tools.' });
    expect(first.id).toMatch(/^resp_/);
    const [item] = first.output;
    expect(item).toEqual({ type: 'function_call', id: expect.stringMatching(/^fc_/), call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}', status: 'completed' });
    expect(first.usage).toEqual({ input_tokens: 57, input_tokens_details: { cached_tokens: 0 }, output_tokens: 18, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 75 });

    // The client replays the model's item (with its fc_ id) and answers it by call_id.
    const second = await client.responses.create({ model: 'gpt-4o-mini', input: [question, item, output] } as never) as any;
    expect(second.output).toEqual([{
      type: 'message', id: expect.stringMatching(/^msg_/), role: 'assistant', status: 'completed',
      content: [{ type: 'output_text', text: 'Rainy.', annotations: [], logprobs: [] }],
    }]);
    expect(second.output_text).toBe('Rainy.'); // the SDK's convenience field, computed from output
    expect(second.usage).toMatchObject({ input_tokens: 9, output_tokens: 2, total_tokens: 11 });

    await expect(client.responses.create({ model: 'gpt-4o-mini', input: 'Again?' })).rejects.toMatchObject({ status: 500 });
    expect(server.requests.map((r) => `${r.path} ${r.status}`)).toEqual(['/v1/responses 200', '/v1/responses 200', '/v1/responses 500']);
    expect(server.pendingReplies()).toBe(0);
  });

  it('serves both routes from one queue', async () => {
    server.enqueue(textReply('from responses'), textReply('from chat'));
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: server.apiKey, maxRetries: 0 });
    expect((await client.responses.create({ model: 'gpt-4o-mini', input: 'Hi' })).output_text).toBe('from responses');
    const chat = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
    expect(chat.choices[0]?.message.content).toBe('from chat');
  });

  it('resolves previous_response_id and item_reference against stored responses only', async () => {
    server.enqueue(toolCallReply('get_weather', { city: 'Oslo' }, { callId: 'call_1' }), textReply('Rainy.'), textReply('Rainy again.'));
    const first = await post(ask);
    const [fc] = first.body.output;
    expect((await post({ model: 'gpt-4o-mini', previous_response_id: first.body.id, input: [output] })).status).toBe(200);
    expect((await post({ model: 'gpt-4o-mini', input: [question, { type: 'item_reference', id: fc.id }, output] })).status).toBe(200);

    server.enqueue(toolCallReply('get_weather', { city: 'Oslo' }, { callId: 'call_2' }));
    const unstored = await post({ ...ask, store: false });
    const again = await post({ model: 'gpt-4o-mini', previous_response_id: unstored.body.id, input: [output] });
    expect(again).toMatchObject({ status: 400, body: { error: { param: 'previous_response_id', code: 'previous_response_not_found' } } });
  });

  it('rejects what the service rejects with 400, the offending parameter and the code', async () => {
    server.enqueue(textReply('never sent'));
    const cases: Array<[unknown, string | null, string | null]> = [
      [{ input: 'Hi' }, 'model', 'missing_required_parameter'],
      [{ model: 'gpt-4o-mini' }, 'input', 'missing_required_parameter'],
      [{ ...ask, temprature: 0.2 }, 'temprature', 'unknown_parameter'],
      [{ ...ask, messages: [] }, 'messages', 'unknown_parameter'],
      [{ ...ask, stream: true }, 'stream', null],
      [{ ...ask, input: { role: 'user', content: 'Hi' } }, 'input', 'invalid_type'],
      // Chat Completions shapes sent to the Responses API.
      [{ ...ask, tools: [{ type: 'function', function: { name: 'get_weather', parameters: {} } }] }, 'tools[0].function', 'unknown_parameter'],
      [{ ...ask, input: [{ role: 'tool', content: 'x' }] }, 'input[0].role', 'invalid_value'],
      [{ ...ask, input: [{ role: 'assistant', content: [{ type: 'input_text', text: 'x' }] }] }, 'input[0].content[0].type', 'invalid_value'],
      [{ ...ask, input: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }] }, 'input[0].content[0].type', 'invalid_value'],
      [{ ...ask, input: [{ ...question, tool_call_id: 'call_1' }] }, 'input[0].tool_call_id', 'unknown_parameter'],
      // Tool calls: the call id in the fc_ field, an output answering nothing, a call nobody answered.
      [{ ...ask, input: [question, { ...call, id: 'call_1' }, output] }, 'input[1].id', 'invalid_value'],
      [{ ...ask, input: [question, output] }, 'input', null],
      [{ ...ask, input: [question, call] }, 'input', null],
      [{ ...ask, input: [question, { type: 'item_reference', id: 'fc_unknown' }] }, 'input', null],
      [{ ...ask, input: [question, { type: 'web_search_call', id: 'ws_1' }] }, 'input[1].type', 'invalid_value'],
      [{ ...ask, tools: [{ type: 'function', name: 'has space', parameters: {} }] }, 'tools[0].name', 'invalid_value'],
      [{ ...ask, tools: [{ type: 'function', name: 'get_weather' }] }, 'tools[0].parameters', 'missing_required_parameter'],
      [{ ...ask, tools: [{ ...weatherTool, strict: true }] }, 'tools[0].parameters', 'invalid_function_parameters'],
      [{ ...ask, previous_response_id: 'resp_unknown' }, 'previous_response_id', 'previous_response_not_found'],
      ['{"model": "gpt-4o-mini", ', null, null],
    ];
    for (const [body, param, code] of cases) {
      const reply = await post(body);
      expect(reply.status, JSON.stringify(body).slice(0, 120)).toBe(400);
      expect(reply.body.error, JSON.stringify(body).slice(0, 120)).toMatchObject({ type: 'invalid_request_error', param, code });
    }
    expect(reply400Message(await post({ ...ask, tools: [{ ...weatherTool, strict: true }] }))).toBe(
      "Invalid schema for function 'get_weather': In context=(), 'additionalProperties' is required to be supplied and to be false.",
    );
    expect((await post(ask, { 'content-type': 'text/plain' })).status).toBe(400);
    expect(server.pendingReplies()).toBe(1); // rejected requests consume no scripted reply
  });

  it('accepts a strict tool whose schema complies, and a string input', async () => {
    server.enqueue(textReply('ok'));
    const strictTool = { ...weatherTool, strict: true, parameters: { ...weatherTool.parameters, additionalProperties: false } };
    expect((await post({ model: 'gpt-4o-mini', input: 'Hi', tools: [strictTool] })).status).toBe(200);
  });

  it('fails loudly when the scripted tool is not among the request tools', async () => {
    server.enqueue(toolCallReply('send_email', {}));
    expect((await post(ask)).body.error.message).toContain("scripted tool 'send_email' is not among the request's tools");
  });
});

function reply400Message(reply: { status: number; body: any }): string {
  expect(reply.status).toBe(400);
  return reply.body.error.message as string;
}
