import { afterEach, describe, expect, it } from 'vitest';
import { mayHoldFindings } from '../../../src/receiver/policies.js';
import { startTestReceiver, type TestClient } from './receiver-client.js';

let client: TestClient | undefined;
afterEach(async () => {
  await client?.receiver.close();
  client = undefined;
});

async function decisions(rawBody: string): Promise<string[]> {
  client = await startTestReceiver();
  const agent = await client.registerAgent();
  const reply = await client.request('POST', `/v1/agents/${agent}/events/batch`, rawBody);
  expect(reply.status).toBe(200);
  return reply.body.results.map((e: { policy_result: { decision: string } }) => e.policy_result.decision);
}

describe('the batch policy pre-filter', () => {
  it('still flags an email written with a JSON \\\\u escape for its @', async () => {
    const raw = '{"events":[{"type":"prompt","payload":{"prompt":"mail jane\\u0040example.com"}}]}';
    expect(await decisions(raw)).toEqual(['flag']);
  });

  it('still flags a bearer token whose whitespace JSON escapes', async () => {
    const raw = JSON.stringify({ events: [{ type: 'prompt', payload: { prompt: 'Bearer\tabcdefghijklmnopqrstuvwxyz012345' } }] });
    expect(await decisions(raw)).toEqual(['flag']);
  });

  it('allows a batch whose text cannot hold a finding, without scanning each payload', async () => {
    const raw = JSON.stringify({ events: [{ type: 'prompt', payload: { prompt: 'Where is order 42?' } }, { type: 'completion', payload: { response: 'Shipped.' } }] });
    expect(mayHoldFindings(raw)).toBe(false);
    expect(await decisions(raw)).toEqual(['allow', 'allow']);
  });
});
