// The receiver's own limits on request bodies: nesting depth (checked on the
// text, before parsing, so no depth can overflow the stack) and size.
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exceedsJsonDepth } from '../../../src/receiver/json-depth.js';
import { startAuditReceiver } from '../../../src/receiver/receiver.js';
import { startTestReceiver, TOKEN, type TestClient } from './receiver-client.js';

const clients: TestClient[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) await client.receiver.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function start(options: Parameters<typeof startTestReceiver>[0] = {}): Promise<TestClient> {
  const client = await startTestReceiver({ onWarning: () => {}, ...options });
  clients.push(client);
  return client;
}

async function trailFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'receiver-limits-'));
  dirs.push(dir);
  return join(dir, 'trail.jsonl');
}

/** A JSON array nested `depth` levels deep: `[[[…]]]`. */
function nested(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

describe('exceedsJsonDepth', () => {
  it('counts objects and arrays inside one another, not side by side', () => {
    expect(exceedsJsonDepth('{"a":[1,{"b":2}]}', 3)).toBe(false);
    expect(exceedsJsonDepth('{"a":[1,{"b":[]}]}', 3)).toBe(true);
    expect(exceedsJsonDepth('[[],[],[],[]]', 2)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(exceedsJsonDepth(JSON.stringify({ s: '[[[[{{{{' }), 1)).toBe(false);
    expect(exceedsJsonDepth(JSON.stringify({ s: 'say \\"[[[["' }), 1)).toBe(false);
    expect(exceedsJsonDepth(JSON.stringify({ s: 'ends in a backslash \\' , t: [[]] }), 2)).toBe(true);
  });

  it('measures a 1,000,000-deep text without recursion', () => {
    expect(exceedsJsonDepth(nested(1_000_000), 64)).toBe(true);
  });
});

describe('maxJsonDepth', () => {
  it.each([4_110, 100_000])('answers 400 naming the limit for a %i-deep payload, on every route, and keeps serving', async (depth) => {
    const { request, registerAgent, receiver } = await start({ file: await trailFile() });
    const agent = await registerAgent();
    const replies = [
      await request('POST', `/v1/agents/${agent}/events`, `{"type":"custom","payload":{"a":${nested(depth)}}}`),
      await request('POST', `/v1/agents/${agent}/events/batch`, `{"events":[{"type":"custom","payload":{"a":${nested(depth)}}}]}`),
      await request('POST', '/v1/events', `{"agent_id":"a","action":"x","data":{"a":${nested(depth)}}}`),
      await request('POST', '/v1/agents', `{"name":"a","framework":"custom","description":${nested(depth)}}`),
    ];
    for (const reply of replies) {
      expect(reply.status).toBe(400);
      expect(reply.body.error).toMatch(/nested too deeply.*deeper than 64 levels.*maxJsonDepth.*nothing from this request was stored/);
    }
    expect((await request('POST', `/v1/agents/${agent}/events`, { type: 'custom', payload: { ok: true } })).status).toBe(201);
    expect(receiver.events()).toHaveLength(1);
  });

  it('accepts a body exactly at the limit and refuses one level more', async () => {
    const { request, registerAgent } = await start({ maxJsonDepth: 5 });
    const agent = await registerAgent();
    // body {…} 1, payload {…} 2, then three arrays: 5 levels.
    const atLimit = await request('POST', `/v1/agents/${agent}/events`, `{"type":"custom","payload":{"a":${nested(3)}}}`);
    expect(atLimit.status).toBe(201);
    const over = await request('POST', `/v1/agents/${agent}/events`, `{"type":"custom","payload":{"a":${nested(4)}}}`);
    expect(over.status).toBe(400);
    expect(over.body.error).toMatch(/deeper than 5 levels/);
  });

  it('does not count brackets inside strings', async () => {
    const { request, registerAgent } = await start();
    const agent = await registerAgent();
    const reply = await request('POST', `/v1/agents/${agent}/events`, { type: 'custom', payload: { text: '['.repeat(10_000) } });
    expect(reply.status).toBe(201);
  });

  it('leaves the trail loadable after refusing deep payloads', async () => {
    const file = await trailFile();
    const first = await start({ file });
    const agent = await first.registerAgent();
    await first.request('POST', `/v1/agents/${agent}/events`, `{"type":"custom","payload":{"a":${nested(4_110)}}}`);
    await first.request('POST', `/v1/agents/${agent}/events`, { type: 'custom', payload: { kept: 1 } });
    await first.receiver.close();

    const second = await start({ file });
    expect(second.receiver.events().map((event) => event.payload)).toEqual([{ kept: 1 }]);
    expect(second.receiver.trailStats().skippedLines).toEqual({ notJson: 0, tooDeep: 0, tooLong: 0, invalid: 0, torn: 0 });
  });
});

describe('maxBodyBytes', () => {
  it('answers 413 naming the limit when Content-Length is over it', async () => {
    const { request, registerAgent } = await start({ maxBodyBytes: 1024 });
    const agent = await registerAgent();
    const reply = await request('POST', `/v1/agents/${agent}/events`, { type: 'custom', payload: { blob: 'x'.repeat(2048) } });
    expect(reply.status).toBe(413);
    expect(reply.body.error).toMatch(/exceeds 1024 bytes.*maxBodyBytes.*nothing from this request was stored/);
  });

  it('answers 413 for a chunked body that grows past it, and stores nothing', async () => {
    const { receiver, registerAgent } = await start({ maxBodyBytes: 1024 });
    const agent = await registerAgent();
    const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${receiver.url}/v1/agents/${agent}/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, // no length: chunked
      });
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.write(`{"type":"custom","payload":{"blob":"${'x'.repeat(600)}`);
      req.end(`${'x'.repeat(600)}"}}`);
    });
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body).error).toMatch(/1024 bytes/);
    expect(receiver.events()).toEqual([]);
  });
});

describe('limit options', () => {
  it.each([
    [{ maxJsonDepth: 0 }, /maxJsonDepth must be an integer from 1 to 1000/],
    [{ maxJsonDepth: 1001 }, /maxJsonDepth/],
    [{ maxBodyBytes: 1.5 }, /maxBodyBytes/],
    [{ headersTimeoutMillis: 0 }, /headersTimeoutMillis/],
    [{ headersTimeoutMillis: 5000, requestTimeoutMillis: 1000 }, /headersTimeoutMillis \(5000\) must not exceed requestTimeoutMillis/],
    [{ onWarning: 'stderr' as unknown as () => void }, /onWarning must be a function/],
  ])('throws a TypeError for %o', async (options, message) => {
    await expect(startAuditReceiver({ port: 0, ...options })).rejects.toThrow(TypeError);
    await expect(startAuditReceiver({ port: 0, ...options })).rejects.toThrow(message);
  });
});
