import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestClient } from './receiver-client.js';
import { receiverStores } from './receiver-stores.js';

let client: TestClient | undefined;
afterEach(async () => {
  await client?.receiver.close();
  client = undefined;
});

const event = (eventId: string, text = 'hello') => ({ type: 'prompt', payload: { event_id: eventId, prompt: text } });

describe.each(receiverStores())('receiver idempotency on payload.event_id (%s store)', (_name, storeOptions) => {
  it('stores a retried batch once and answers with the stored events', async () => {
    client = await startTestReceiver(await storeOptions());
    const agent = await client.registerAgent();
    const first = await client.request('POST', `/v1/agents/${agent}/events/batch`, { events: [event('a'), event('b')] });
    const retry = await client.request('POST', `/v1/agents/${agent}/events/batch`, { events: [event('a'), event('b'), event('c')] });
    expect(retry.status).toBe(200);
    expect(retry.body.total).toBe(3);
    expect(retry.body.results.slice(0, 2).map((e: { id: string }) => e.id)).toEqual(first.body.results.map((e: { id: string }) => e.id));
    expect(client.receiver.events().map((e) => e.payload.event_id)).toEqual(['a', 'b', 'c']);
  });

  it('stores an id repeated within one batch once, and a repeated single event once', async () => {
    client = await startTestReceiver(await storeOptions());
    const agent = await client.registerAgent();
    const batch = await client.request('POST', `/v1/agents/${agent}/events/batch`, { events: [event('x'), event('x')] });
    expect(batch.body.results[0].id).toBe(batch.body.results[1].id);
    const single = await client.request('POST', `/v1/agents/${agent}/events`, event('x'));
    expect(single.body.id).toBe(batch.body.results[0].id);
    expect(client.receiver.events()).toHaveLength(1);
  });

  it('keeps events without an event_id, and the same event_id under another agent, apart', async () => {
    client = await startTestReceiver(await storeOptions());
    const [a, b] = [await client.registerAgent('a'), await client.registerAgent('b')];
    const plain = { type: 'custom', payload: { name: 'n' } };
    await client.request('POST', `/v1/agents/${a}/events/batch`, { events: [plain, plain, event('same')] });
    await client.request('POST', `/v1/agents/${b}/events/batch`, { events: [event('same')] });
    expect(client.receiver.events()).toHaveLength(4);
  });

  it('stores a different event under a reused id as a new record, and answers its retry with it', async () => {
    client = await startTestReceiver(await storeOptions());
    const agent = await client.registerAgent();
    // The tool gate posts a gated call as pending; the exporter later sends its final copy under the same id.
    const toolCall = (status: string) => ({ type: 'tool_call', payload: { event_id: 't1', tool_name: 'refund', status } });
    const pending = await client.request('POST', `/v1/agents/${agent}/events`, toolCall('pending'));
    const final = await client.request('POST', `/v1/agents/${agent}/events`, toolCall('success'));
    expect(final.status).toBe(201);
    expect(final.body.id).not.toBe(pending.body.id);
    expect(final.body.payload.status).toBe('success');
    const retry = await client.request('POST', `/v1/agents/${agent}/events/batch`, { events: [toolCall('success')] });
    expect(retry.body.results[0].id).toBe(final.body.id);
    expect(client.receiver.events().map((e) => e.payload.status)).toEqual(['pending', 'success']);
  });

  it('compares type, payload, trace_id and a given timestamp, within a batch too', async () => {
    client = await startTestReceiver(await storeOptions());
    const agent = await client.registerAgent();
    const base = { type: 'prompt', payload: { event_id: 'p', prompt: 'hi' }, trace_id: 'trace-1', timestamp: '2026-05-04T10:00:00Z' };
    const variants = [
      base,
      base, // a retry within the batch
      { ...base, type: 'custom' },
      { ...base, payload: { event_id: 'p', prompt: 'hi!' } },
      { ...base, trace_id: 'trace-2' },
      { ...base, timestamp: '2026-05-04T10:00:01Z' },
    ];
    const batch = await client.request('POST', `/v1/agents/${agent}/events/batch`, { events: variants });
    const ids = batch.body.results.map((e: { id: string }) => e.id);
    expect(ids[1]).toBe(ids[0]);
    expect(new Set(ids).size).toBe(5);
    // A retry that leaves the timestamp out is still a retry of the newest event under the id.
    const { timestamp: _omitted, ...untimed } = variants[5]!;
    const retry = await client.request('POST', `/v1/agents/${agent}/events`, untimed);
    expect(retry.body.id).toBe(ids[5]);
    expect(client.receiver.events()).toHaveLength(5);
  });
});

describe('receiver idempotency on payload.event_id (memory store)', () => {
  it('forgets only the ids of events trimmed from memory', async () => {
    client = await startTestReceiver({ maxEventsInMemory: 1000 });
    const [a, b] = [await client.registerAgent('a'), await client.registerAgent('b')];
    const post = (agent: string, from: number, count: number) =>
      client!.request('POST', `/v1/agents/${agent}/events/batch`, { events: Array.from({ length: count }, (_, i) => event(`${agent}-${from + i}`)) });
    for (let i = 0; i < 600; i += 100) await post(b, i, 100);
    for (let i = 0; i < 400; i += 100) await post(a, i, 100);
    await post(a, 400, 1); // 1001 events: the oldest 251 (all b's) leave memory
    await post(a, 0, 100); // a retry of a's first batch, still in memory
    const listed = await client.request('GET', `/v1/agents/${a}/events?limit=500`);
    expect(listed.body.total).toBe(401);
  });

  it('keeps the id of a newer event when an older one under the same id is trimmed', async () => {
    client = await startTestReceiver({ maxEventsInMemory: 1000 });
    const agent = await client.registerAgent();
    const filler = (from: number) => ({ events: Array.from({ length: 100 }, (_, i) => event(`f-${from + i}`)) });
    await client.request('POST', `/v1/agents/${agent}/events`, event('dup', 'first'));
    for (let i = 0; i < 300; i += 100) await client.request('POST', `/v1/agents/${agent}/events/batch`, filler(i));
    const newer = await client.request('POST', `/v1/agents/${agent}/events`, event('dup', 'second'));
    for (let i = 300; i < 1000; i += 100) await client.request('POST', `/v1/agents/${agent}/events/batch`, filler(i));
    // The 1001st event trimmed memory to 750 ('first' left, 'second' stayed); one more followed it.
    const retry = await client.request('POST', `/v1/agents/${agent}/events`, event('dup', 'second'));
    expect(retry.body.id).toBe(newer.body.id);
    const listed = await client.request('GET', `/v1/agents/${agent}/events?limit=1`);
    expect(listed.body.total).toBe(751);
  });

  it('remembers stored ids across a restart from the JSONL trail', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'receiver-idem-')), 'trail.jsonl');
    client = await startTestReceiver({ file });
    const agent = await client.registerAgent();
    await client.request('POST', `/v1/agents/${agent}/events/batch`, { events: [event('kept')] });
    await client.receiver.close();
    client = await startTestReceiver({ file });
    await client.request('POST', `/v1/agents/${agent}/events/batch`, { events: [event('kept'), event('new')] });
    expect(client.receiver.events().map((e) => e.payload.event_id)).toEqual(['kept', 'new']);
  });
});
