import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  startSecureagenticsServer,
  type SecureagenticsTestServer,
  type StoredEvent,
} from '../../servers/secureagentics-server.js';

let server: SecureagenticsTestServer;
let agentId: string;

beforeEach(async () => {
  server = await startSecureagenticsServer();
  agentId = server.addAgent('checkout-bot');
});

afterEach(async () => {
  await server.close();
});

interface CallOptions {
  body?: unknown;
  /** Sent verbatim instead of JSON-encoding `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
  apiKey?: string | null;
}

/** Real fetch on loopback; `apiKey: null` omits the Authorization header. */
async function call(method: string, path: string, options: CallOptions = {}): Promise<{ status: number; headers: Headers; body: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  const apiKey = options.apiKey === undefined ? server.apiKey : options.apiKey;
  if (apiKey !== null) headers.authorization = `Bearer ${apiKey}`;
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const res = await fetch(server.url + path, { method, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
}

const prompt = (n: number, extra: Record<string, unknown> = {}) => ({ type: 'prompt', payload: { prompt: `p${n}` }, ...extra });
const batchPath = () => `/v1/agents/${agentId}/events/batch`;

describe('startSecureagenticsServer', () => {
  it('answers 401 and records the request when the key is missing or wrong', async () => {
    const missing = await call('POST', batchPath(), { body: { events: [prompt(1)] }, apiKey: null });
    const wrong = await call('POST', batchPath(), { body: { events: [prompt(1)] }, apiKey: 'sa_wrong' });

    expect([missing.status, wrong.status]).toEqual([401, 401]);
    expect(server.requests.map((r) => r.status)).toEqual([401, 401]);
    expect(server.allEvents()).toEqual([]);
  });

  it('registers an agent with 201 and rejects an empty name or missing framework', async () => {
    const created = await call('POST', '/v1/agents', { body: { name: 'a', framework: 'custom', description: 'd' } });
    const emptyName = await call('POST', '/v1/agents', { body: { name: '', framework: 'custom' } });
    const noFramework = await call('POST', '/v1/agents', { body: { name: 'a' } });

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^agt_/), name: 'a', framework: 'custom' });
    expect(Number.isNaN(Date.parse(created.body.created_at))).toBe(false);
    expect([emptyName.status, noFramework.status]).toEqual([400, 400]);
  });

  it('rejects a bare array batch with 400', async () => {
    const res = await call('POST', batchPath(), { body: [prompt(1)] });

    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/bare array/);
    expect(server.eventsFor(agentId)).toEqual([]);
  });

  it('rejects 101 events and empty batches with 400 and accepts 100', async () => {
    const events = (count: number) => Array.from({ length: count }, (_, i) => prompt(i));

    const tooMany = await call('POST', batchPath(), { body: { events: events(101) } });
    const empty = await call('POST', batchPath(), { body: { events: [] } });
    const full = await call('POST', batchPath(), { body: { events: events(100) } });

    expect([tooMany.status, empty.status, full.status]).toEqual([400, 400, 200]);
    expect(server.eventsFor(agentId)).toHaveLength(100);
  });

  it.each(['yesterday', '2026-13-45', '2026-02-30T00:00:00Z', '2026-05-04T10:30:00', '2026-05-04', 1714816200])(
    'rejects timestamp %j with 400 and stores nothing of the batch',
    async (timestamp) => {
      const res = await call('POST', batchPath(), { body: { events: [prompt(1), prompt(2, { timestamp })] } });

      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/events\[1\]\.timestamp/);
      expect(server.allEvents()).toEqual([]);
    },
  );

  it('accepts RFC 3339 timestamps from JS and Python and echoes them', async () => {
    const stamps = ['2026-05-04T10:30:00.123Z', '2026-05-04T10:30:00.123456+00:00', '2026-05-04T12:30:00+02:00'];

    const res = await call('POST', batchPath(), { body: { events: stamps.map((timestamp, i) => prompt(i, { timestamp })) } });

    expect(res.status).toBe(200);
    expect(res.body.results.map((e: StoredEvent) => e.timestamp)).toEqual(stamps);
  });

  it('rejects unknown event fields, bad types and non-object payloads with 400', async () => {
    const bodies = [
      prompt(1, { id: 'evt_client' }),
      { type: 'thought', payload: {} },
      { type: 'prompt', payload: ['x'] },
      { type: 'prompt' },
      prompt(1, { trace_id: 42 }),
    ];

    const statuses = await Promise.all(bodies.map((body) => call('POST', `/v1/agents/${agentId}/events`, { body })));

    expect(statuses.map((r) => r.status)).toEqual([400, 400, 400, 400, 400]);
  });

  it('answers 404 for an unknown agent, 415 for a non-JSON body type and 400 for malformed JSON', async () => {
    const unknown = await call('POST', '/v1/agents/agt_nope/events/batch', { body: { events: [prompt(1)] } });
    const textPlain = await call('POST', batchPath(), { body: { events: [prompt(1)] }, headers: { 'content-type': 'text/plain' } });
    const malformed = await call('POST', batchPath(), { rawBody: '{"events": [' });

    expect([unknown.status, textPlain.status, malformed.status]).toEqual([404, 415, 400]);
  });

  it('stores a valid batch and returns results in order with ids and policy results', async () => {
    const res = await call('POST', batchPath(), {
      body: { events: [prompt(1, { trace_id: 't1' }), { type: 'completion', payload: { response: 'r' } }] },
    });

    expect(res.status).toBe(200);
    expect(res.body.total).toBe(2);
    expect(res.body.results).toEqual(server.eventsFor(agentId));
    expect(res.body.results[0]).toMatchObject({ agent_id: agentId, type: 'prompt', trace_id: 't1', policy_result: { decision: 'allow' } });
    expect(res.body.results[1]).not.toHaveProperty('trace_id');
    expect(res.body.results.map((e: StoredEvent) => e.id)).toEqual([expect.stringMatching(/^evt_/), expect.stringMatching(/^evt_/)]);
  });

  it('evaluates a single event with the policy the test set', async () => {
    server.setPolicy((event) => (event.type === 'tool_call' ? { decision: 'block' } : { decision: 'allow' }));

    const res = await call('POST', `/v1/agents/${agentId}/events`, { body: { type: 'tool_call', payload: { tool: 'rm' } } });

    expect(res.status).toBe(201);
    expect(res.body.policy_result).toEqual({ decision: 'block' });
    expect(server.eventsFor(agentId)).toEqual([res.body]);
  });

  it('lists with paging, type and inclusive time filters; total ignores paging', async () => {
    const at = (minute: number) => `2026-05-04T10:0${minute}:00Z`;
    const events = [0, 1, 2, 3, 4].map((m) => ({ type: m % 2 === 0 ? 'prompt' : 'completion', payload: {}, timestamp: at(m) }));
    await call('POST', batchPath(), { body: { events } });
    const list = (query: string) => call('GET', `/v1/agents/${agentId}/events?${query}`);

    const page = await list('limit=2&offset=1');
    const prompts = await list('type=prompt');
    const window = await list(`from=${at(1)}&to=${encodeURIComponent('2026-05-04T12:03:00+02:00')}`);
    const defaults = await list('');

    expect(page.body.items.map((e: StoredEvent) => e.timestamp)).toEqual([at(1), at(2)]);
    expect(page.body.total).toBe(5);
    expect(prompts.body.total).toBe(3);
    expect(window.body.items.map((e: StoredEvent) => e.timestamp)).toEqual([at(1), at(2), at(3)]);
    expect(defaults.body).toMatchObject({ total: 5, items: expect.any(Array) });
  });

  it.each(['limit=0', 'limit=501', 'limit=abc', 'offset=-1', 'type=thought', 'from=yesterday'])(
    'rejects list query %s with 400',
    async (query) => {
      const res = await call('GET', `/v1/agents/${agentId}/events?${query}`);

      expect(res.status).toBe(400);
    },
  );

  it('returns a scripted 429 with Retry-After, records it, and handles the next call normally', async () => {
    server.script((_req, n) => (n === 0 ? { status: 429, headers: { 'Retry-After': '0' }, body: { error: 'rate_limited' } } : undefined));

    const first = await call('POST', batchPath(), { body: { events: [prompt(1)] } });
    const second = await call('POST', batchPath(), { body: { events: [prompt(1)] } });

    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('0');
    expect(second.status).toBe(200);
    expect(server.requests.map((r) => r.status)).toEqual([429, 200]);
    expect(server.requests[0]?.body).toEqual({ events: [prompt(1)] });
    expect(server.eventsFor(agentId)).toHaveLength(1);
  });

  it('counts scripted requests per method and path pattern', async () => {
    const seen: string[] = [];
    server.script((req, n) => {
      seen.push(`${req.method} ${req.path} ${n}`);
      return undefined;
    });

    await call('POST', batchPath(), { body: { events: [prompt(1)] } });
    await call('GET', `/v1/agents/${agentId}/events`);
    await call('POST', '/v1/agents/agt_other/events/batch', { body: { events: [prompt(1)] } });

    expect(seen).toEqual([`POST ${batchPath()} 0`, `GET /v1/agents/${agentId}/events 0`, 'POST /v1/agents/agt_other/events/batch 1']);
  });

  it('sends a scripted malformed body verbatim after a delay', async () => {
    server.script(() => ({ status: 500, body: '{"error": ', delayMillis: 20 }));

    const res = await fetch(`${server.url}/v1/agents`, { method: 'POST', headers: { authorization: `Bearer ${server.apiKey}` } });

    expect(res.status).toBe(500);
    expect(await res.text()).toBe('{"error": ');
  });

  it('destroys the connection without answering and records status 0', async () => {
    server.script((_req, n) => (n === 0 ? { destroy: true } : undefined));

    await expect(call('POST', batchPath(), { body: { events: [prompt(1)] } })).rejects.toThrow();
    const retry = await call('POST', batchPath(), { body: { events: [prompt(1)] } });

    expect(retry.status).toBe(200);
    expect(server.requests.map((r) => r.status)).toEqual([0, 200]);
  });

  it('waitForEvents resolves with the events once enough arrived and rejects saying how many did', async () => {
    const waiting = server.waitForEvents(2);
    await call('POST', batchPath(), { body: { events: [prompt(1), prompt(2)] } });

    await expect(waiting).resolves.toHaveLength(2);
    await expect(server.waitForEvents(3, 20)).rejects.toThrow('expected 3 events, 2 arrived within 20 ms');
  });

  it('closes while a delayed reply is pending and a keep-alive socket is open', async () => {
    server.script(() => ({ status: 200, body: {}, delayMillis: 60_000 }));
    const pending = call('POST', batchPath(), { body: { events: [prompt(1)] } });

    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    await server.close();

    await expect(pending).rejects.toThrow();
  });
});
