import { Pool } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredAuditEvent } from '../../../src/receiver/receiver.js';
import { startTestReceiver, type TestClient } from './receiver-client.js';
import { receiverStores } from './receiver-stores.js';

const stores = receiverStores();

let client: TestClient | undefined;

async function start(options: Parameters<typeof startTestReceiver>[0] = {}): Promise<TestClient> {
  client = await startTestReceiver(options);
  return client;
}

afterEach(async () => {
  await client?.receiver.close();
  client = undefined;
});

function events(count: number, extra: Record<string, unknown> = {}): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, i) => ({ type: 'prompt', payload: { prompt: `p${i}` }, ...extra }));
}

describe('startAuditReceiver', () => {
  it('reports its real bound port and url', async () => {
    const { receiver } = await start();
    expect(receiver.port).toBeGreaterThan(0);
    expect(receiver.url).toBe(`http://127.0.0.1:${receiver.port}`);
  });

  it('throws a TypeError naming the option when an option is invalid', async () => {
    await expect(startTestReceiver({ port: -1 })).rejects.toThrow(/port/);
    await expect(startTestReceiver({ deniedTools: 'x' as unknown as string[] })).rejects.toThrow(TypeError);
  });

  it('serves many requests over one keep-alive connection and closes with the socket still open', async () => {
    const { receiver, registerAgent } = await start();
    const agent = await registerAgent();
    const pool = new Pool(receiver.url, { connections: 1 });
    try {
      for (let i = 0; i < 5; i++) {
        const response = await pool.request({
          method: 'POST',
          path: `/v1/agents/${agent}/events/batch`,
          headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
          body: JSON.stringify({ events: events(10) }),
        });
        expect(response.statusCode).toBe(200);
        expect(response.headers['connection']).not.toBe('close');
        await response.body.json();
      }
      expect(receiver.events()).toHaveLength(50);
      await receiver.close();
    } finally {
      await pool.close();
    }
  });

  it('calls onEvent with each stored event', async () => {
    const seen: StoredAuditEvent[] = [];
    const { request, registerAgent } = await start({ onEvent: (event) => seen.push(event) });
    const agent = await registerAgent();
    await request('POST', `/v1/agents/${agent}/events/batch`, { events: events(3) });
    expect(seen.map((event) => event.payload['prompt'])).toEqual(['p0', 'p1', 'p2']);
  });
});

describe('authorization', () => {
  it('answers 401 when the Authorization header is missing', async () => {
    const { receiver } = await start();
    const response = await fetch(`${receiver.url}/v1/agents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'a', framework: 'custom' }),
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toMatch(/Authorization/);
  });

  it('answers 401 for a malformed header', async () => {
    const { request } = await start();
    const reply = await request('POST', '/v1/agents', { name: 'a', framework: 'custom' }, { authorization: 'Basic abc' });
    expect(reply.status).toBe(401);
  });

  it('answers 401 for a wrong key when apiKey is set, without echoing it', async () => {
    const { request } = await start({ apiKey: 'right-key' });
    const reply = await request('POST', '/v1/agents', { name: 'a', framework: 'custom' }, { authorization: 'Bearer wrong-key' });
    expect(reply.status).toBe(401);
    expect(JSON.stringify(reply.body)).not.toContain('wrong-key');
  });

  it('accepts the configured key', async () => {
    const { request } = await start({ apiKey: 'right-key' });
    const reply = await request('POST', '/v1/agents', { name: 'a', framework: 'custom' });
    expect(reply.status).toBe(201);
  });
});

describe.each(stores)('POST /v1/agents (%s store)', (_name, storeOptions) => {
  it('registers an agent and answers 201 with its agt_ id', async () => {
    const { request } = await start(await storeOptions());
    const reply = await request('POST', '/v1/agents', { name: 'my-agent', framework: 'custom', description: 'd' });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ name: 'my-agent', framework: 'custom', description: 'd' });
    expect(reply.body.id).toMatch(/^agt_[0-9a-z]{26}$/);
    expect(Number.isNaN(Date.parse(reply.body.created_at))).toBe(false);
  });

  it('gives the same name a new agent each time', async () => {
    const { registerAgent } = await start(await storeOptions());
    expect(await registerAgent('same')).not.toBe(await registerAgent('same'));
  });

  it.each([
    [{ framework: 'custom' }, /name/],
    [{ name: '', framework: 'custom' }, /name/],
    [{ name: 'a' }, /framework/],
    [{ name: 'a', framework: 'custom', colour: 'red' }, /colour/],
    [[], /object/],
  ])('answers 400 for %j', async (body, message) => {
    const { request } = await start(await storeOptions());
    const reply = await request('POST', '/v1/agents', body);
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatch(message);
  });
});

describe('request framing', () => {
  it('answers 415 when the content type is not JSON', async () => {
    const { request } = await start();
    const reply = await request('POST', '/v1/agents', '{"name":"a","framework":"custom"}', { 'content-type': 'text/plain' });
    expect(reply.status).toBe(415);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const { request } = await start();
    const reply = await request('POST', '/v1/agents', '{"name":');
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatch(/not valid JSON/);
  });

  it('answers 413 for a body over 5 MiB', async () => {
    const { request, registerAgent } = await start();
    const agent = await registerAgent();
    const big = JSON.stringify({ type: 'custom', payload: { blob: 'x'.repeat(5 * 1024 * 1024) } });
    const reply = await request('POST', `/v1/agents/${agent}/events`, big);
    expect(reply.status).toBe(413);
  });

  it('answers 404 for an unknown route and 405 with Allow for a wrong method', async () => {
    const { request, registerAgent } = await start();
    const agent = await registerAgent();
    expect((await request('GET', '/v1/nothing')).status).toBe(404);
    expect((await request('POST', '/v1/agents/')).status).toBe(404);
    const wrong = await request('DELETE', `/v1/agents/${agent}/events/batch`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect(wrong.body.error).toMatch(/DELETE/);
  });
});

describe.each(stores)('POST /v1/agents/{id}/events (%s store)', (_name, storeOptions) => {
  it('stores one event and answers 201 with id, agent_id and policy_result', async () => {
    const { request, registerAgent, receiver } = await start(await storeOptions());
    const agent = await registerAgent();
    const event = { type: 'prompt', payload: { prompt: 'hi', model: 'm' }, trace_id: 't1', timestamp: '2026-05-04T10:30:00Z' };
    const reply = await request('POST', `/v1/agents/${agent}/events`, event);
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ ...event, agent_id: agent, policy_result: { decision: 'allow', violations: [] } });
    expect(reply.body.id).toMatch(/^evt_/);
    expect(receiver.events()).toEqual([reply.body]);
  });

  it('uses the server time when the timestamp is absent', async () => {
    const { request, registerAgent } = await start(await storeOptions());
    const agent = await registerAgent();
    const before = Date.now();
    const reply = await request('POST', `/v1/agents/${agent}/events`, { type: 'custom', payload: {} });
    expect(Date.parse(reply.body.timestamp)).toBeGreaterThanOrEqual(before - 1);
    expect(reply.body).not.toHaveProperty('trace_id');
  });

  it('answers 400, not 500, for a payload nested too deeply to store', async () => {
    const { request, registerAgent } = await start(await storeOptions());
    const agent = await registerAgent();
    const nested = '{"type":"custom","payload":{"a":' + '['.repeat(20_000) + ']'.repeat(20_000) + '}}';
    const reply = await request('POST', `/v1/agents/${agent}/events`, nested);
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatch(/nested too deeply.*64 levels.*maxJsonDepth/);
  });

  it('answers 404 for an unknown agent', async () => {
    const { request } = await start(await storeOptions());
    const reply = await request('POST', '/v1/agents/agt_nope/events', { type: 'prompt', payload: {} });
    expect(reply.status).toBe(404);
    expect(reply.body.error).toMatch(/agt_nope/);
  });

  it.each([
    [{ payload: {} }, /type/],
    [{ type: 'thought', payload: {} }, /type must be one of/],
    [{ type: 'prompt' }, /payload/],
    [{ type: 'prompt', payload: [] }, /payload/],
    [{ type: 'prompt', payload: null }, /payload/],
    [{ type: 'prompt', payload: {}, trace_id: 7 }, /trace_id/],
    [{ type: 'prompt', payload: {}, timestamp: 'yesterday' }, /timestamp/],
    [{ type: 'prompt', payload: {}, timestamp: '2026-02-30T00:00:00Z' }, /timestamp/],
    [{ type: 'prompt', payload: {}, timestamp: 1714816200 }, /timestamp/],
    [{ type: 'prompt', payload: {}, id: 'evt_mine' }, /id is not a known event field/],
  ])('answers 400 for %j', async (event, message) => {
    const { request, registerAgent } = await start(await storeOptions());
    const agent = await registerAgent();
    const reply = await request('POST', `/v1/agents/${agent}/events`, event);
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatch(message);
  });
});

describe.each(stores)('POST /v1/agents/{id}/events/batch (%s store)', (_name, storeOptions) => {
  it('stores 100 events and answers 200 with results in order and total', async () => {
    const { request, registerAgent, receiver } = await start(await storeOptions());
    const agent = await registerAgent();
    const reply = await request('POST', `/v1/agents/${agent}/events/batch`, { events: events(100) });
    expect(reply.status).toBe(200);
    expect(reply.body.total).toBe(100);
    expect(reply.body.results.map((r: { payload: { prompt: string } }) => r.payload.prompt)).toEqual(
      events(100).map((e) => (e.payload as { prompt: string }).prompt),
    );
    expect(reply.body.results[0].policy_result.decision).toBe('allow');
    expect(receiver.events()).toHaveLength(100);
  });

  it.each([
    [{ events: events(101) }, /1 to 100 events, got 101/],
    [{ events: [] }, /1 to 100 events, got 0/],
    [events(2), /not a bare array/],
    [{ events: events(2), extra: 1 }, /extra/],
  ])('answers 400 for a malformed batch (%#)', async (body, message) => {
    const { request, registerAgent } = await start(await storeOptions());
    const agent = await registerAgent();
    const reply = await request('POST', `/v1/agents/${agent}/events/batch`, body);
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatch(message);
  });

  it('rejects the whole batch, naming index and field, when one event is invalid', async () => {
    const { request, registerAgent, receiver } = await start(await storeOptions());
    const agent = await registerAgent();
    const batch = events(5);
    batch[3] = { type: 'prompt', payload: {}, timestamp: 'not a date' };
    batch[4] = { type: 'nope', payload: {} };
    const reply = await request('POST', `/v1/agents/${agent}/events/batch`, { events: batch });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatch(/events\[3\]\.timestamp/);
    expect(receiver.events()).toHaveLength(0);
  });

  it('answers 404 for an unknown agent', async () => {
    const { request } = await start(await storeOptions());
    const reply = await request('POST', '/v1/agents/agt_nope/events/batch', { events: events(1) });
    expect(reply.status).toBe(404);
  });
});
