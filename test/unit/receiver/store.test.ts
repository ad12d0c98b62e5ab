import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect } from 'vitest';
import { it } from '../../support/audit-test.js';
import { startTestReceiver, type TestClient } from './receiver-client.js';

let dir: string;
let file: string;
const clients: TestClient[] = [];

async function start(maxEventsInMemory?: number): Promise<TestClient> {
  const client = await startTestReceiver(maxEventsInMemory === undefined ? { file } : { file, maxEventsInMemory });
  clients.push(client);
  return client;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otel-agent-audit-receiver-'));
  file = join(dir, 'trail', 'audit-trail.jsonl');
});

afterEach(async () => {
  for (const client of clients.splice(0)) await client.receiver.close();
  await rm(dir, { recursive: true, force: true });
});

async function lines(): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('JSONL audit trail', () => {
  it('writes one line per agent and per event, flushed on close', async () => {
    const client = await start();
    const agent = await client.registerAgent('writer');
    await client.request('POST', `/v1/agents/${agent}/events`, { type: 'prompt', payload: { prompt: 'a' } });
    await client.request('POST', `/v1/agents/${agent}/events/batch`, {
      events: [
        { type: 'completion', payload: { response: 'b' } },
        { type: 'error', payload: { message: 'c' } },
      ],
    });
    await client.receiver.close();

    const written = await lines();
    expect(written.map((line) => line['record'])).toEqual(['agent', 'event', 'event', 'event']);
    expect(written[0]).toMatchObject({ id: agent, name: 'writer', framework: 'custom' });
    expect(written[3]).toMatchObject({ agent_id: agent, type: 'error', policy_result: { decision: 'allow' } });
  });

  it('reloads agents and events after a restart and keeps appending', async () => {
    const first = await start();
    const agent = await first.registerAgent();
    const sent = await first.request('POST', `/v1/agents/${agent}/events`, {
      type: 'prompt',
      payload: { prompt: 'before restart' },
      timestamp: '2026-05-04T10:00:00Z',
    });
    await first.receiver.close();

    const second = await start();
    expect(second.receiver.events()).toEqual([sent.body]);
    const after = await second.request('POST', `/v1/agents/${agent}/events`, { type: 'completion', payload: {} });
    expect(after.status).toBe(201);
    const listed = await second.request('GET', `/v1/agents/${agent}/events`);
    expect(listed.body.total).toBe(2);
    await second.receiver.close();

    expect(await lines()).toHaveLength(3);
  });

  it('skips malformed lines, reports them through diag and repairs a cut-off last line', async ({ diagnostics: { warnings } }) => {
    const first = await start();
    const agent = await first.registerAgent();
    await first.request('POST', `/v1/agents/${agent}/events`, { type: 'prompt', payload: {} });
    await first.receiver.close();
    await appendFile(file, 'not json\n{"record":"event","id":"evt_x"}\n{"record":"agent","id":"agt_cut');

    const second = await start();
    expect(second.receiver.events()).toHaveLength(1);
    expect(warnings.join('\n')).toMatch(/skipped 3 malformed line/);
    await second.request('POST', `/v1/agents/${agent}/events`, { type: 'custom', payload: {} });
    await second.receiver.close();

    const third = await start();
    expect(third.receiver.events()).toHaveLength(2);
  });

  it('drops the oldest events from memory past maxEventsInMemory while the file keeps them all', async () => {
    const client = await start(8);
    const agent = await client.registerAgent();
    for (let batch = 0; batch < 3; batch++) {
      const events = Array.from({ length: 4 }, (_, i) => ({ type: 'custom', payload: { n: batch * 4 + i } }));
      await client.request('POST', `/v1/agents/${agent}/events/batch`, { events });
    }
    const kept = client.receiver.events().map((event) => event.payload['n']);
    expect(kept.length).toBeLessThanOrEqual(8);
    expect(kept.at(-1)).toBe(11);
    expect(kept).toEqual([...kept].sort((a, b) => Number(a) - Number(b)));
    const listed = await client.request('GET', `/v1/agents/${agent}/events?limit=500`);
    expect(listed.body.total).toBe(kept.length);
    expect(listed.body.items.map((item: { payload: { n: number } }) => item.payload.n)).toEqual(kept);
    await client.receiver.close();
    expect((await lines()).filter((line) => line['record'] === 'event')).toHaveLength(12);
  });
});
