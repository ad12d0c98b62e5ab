import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestClient } from './receiver-client.js';
import { receiverStores } from './receiver-stores.js';

let client: TestClient;
let agent: string;

// Sent out of time order on purpose: listings sort by timestamp.
const SEEDED = [
  { type: 'prompt', payload: { n: 3 }, timestamp: '2026-05-03T00:00:00Z' },
  { type: 'completion', payload: { n: 1 }, timestamp: '2026-05-01T00:00:00Z' },
  { type: 'prompt', payload: { n: 2 }, timestamp: '2026-05-02T00:00:00Z' },
  { type: 'tool_call', payload: { n: 4 }, timestamp: '2026-05-04T00:00:00Z' },
  { type: 'prompt', payload: { n: 5 }, timestamp: '2026-05-05T00:00:00.000001Z' },
  // Same instant as n=2, written with an offset; ties keep arrival order.
  { type: 'prompt', payload: { n: 6 }, timestamp: '2026-05-02T02:00:00+02:00' },
];

async function list(query: string): Promise<{ ns: number[]; total: number; status: number; error?: string }> {
  const reply = await client.request('GET', `/v1/agents/${agent}/events${query}`);
  if (reply.status !== 200) return { ns: [], total: 0, status: reply.status, error: reply.body.error };
  return {
    ns: reply.body.items.map((item: { payload: { n: number } }) => item.payload.n),
    total: reply.body.total,
    status: reply.status,
  };
}

describe.each(receiverStores())('GET /v1/agents/{id}/events (%s store)', (_name, storeOptions) => {
  beforeEach(async () => {
    client = await startTestReceiver(await storeOptions());
    agent = await client.registerAgent();
    const reply = await client.request('POST', `/v1/agents/${agent}/events/batch`, { events: SEEDED });
    expect(reply.status).toBe(200);
  });

  afterEach(async () => {
    await client.receiver.close();
  });

  it('lists all events sorted by timestamp, ties in arrival order', async () => {
    expect(await list('')).toMatchObject({ ns: [1, 2, 6, 3, 4, 5], total: 6 });
  });

  it('keeps listings sorted when older events arrive after a listing', async () => {
    await list('');
    await client.request('POST', `/v1/agents/${agent}/events`, {
      type: 'custom',
      payload: { n: 0 },
      timestamp: '2026-04-30T00:00:00Z',
    });
    expect(await list('')).toMatchObject({ ns: [0, 1, 2, 6, 3, 4, 5], total: 7 });
  });

  it('filters by type', async () => {
    expect(await list('?type=prompt')).toMatchObject({ ns: [2, 6, 3, 5], total: 4 });
  });

  it('filters by an inclusive from/to window', async () => {
    expect(await list('?from=2026-05-02T00:00:00Z&to=2026-05-04T00:00:00Z')).toMatchObject({
      ns: [2, 6, 3, 4],
      total: 4,
    });
    expect(await list('?from=2026-05-05T00:00:00.000001Z')).toMatchObject({ ns: [5], total: 1 });
    expect(await list('?to=2026-05-05T00:00:00Z')).toMatchObject({ total: 5 });
  });

  it('pages with limit and offset while total counts every match', async () => {
    expect(await list('?limit=2&offset=1')).toMatchObject({ ns: [2, 6], total: 6 });
    expect(await list('?type=prompt&limit=2&offset=2')).toMatchObject({ ns: [3, 5], total: 4 });
    expect(await list('?offset=10')).toMatchObject({ ns: [], total: 6 });
  });

  it.each([
    ['?limit=0', /limit/],
    ['?limit=501', /limit/],
    ['?limit=2.5', /limit/],
    ['?limit=abc', /limit/],
    ['?offset=-1', /offset/],
    ['?type=thought', /type/],
    ['?from=yesterday', /from/],
    ['?to=2026-13-01T00:00:00Z', /to/],
    ['?from=2026-05-01T00:00:00+02:00', /%2B/],
    ['?limt=5', /limt/],
    ['?limit=1&limit=2', /more than once/],
  ])('answers 400 for %s', async (query, message) => {
    const result = await list(query);
    expect(result.status).toBe(400);
    expect(result.error).toMatch(message);
  });

  it('answers 404 for an unknown agent', async () => {
    const reply = await client.request('GET', '/v1/agents/agt_nope/events');
    expect(reply.status).toBe(404);
  });
});
