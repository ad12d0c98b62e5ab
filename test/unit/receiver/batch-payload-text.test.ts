import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { batchPayloadTexts } from '../../../src/receiver/batch-payload-text.js';
import { int, mulberry32, pick, type Random } from '../../support/seeded-random.js';
import { startTestReceiver, type TestClient } from './receiver-client.js';

const STRINGS = ['', 'a', '"', '\\', '\\"', '\n', '}', ']', '{"x":1}', '😀', '\u2028', 'é', '\\\\"', ','];

function randomValue(r: Random, depth: number): unknown {
  const kind = depth > 4 ? int(r, 4) : int(r, 6);
  if (kind === 0) return pick(r, STRINGS) + pick(r, STRINGS);
  if (kind === 1) return pick(r, [0, -1, 1.5e300, 42, -0.25]);
  if (kind === 2) return pick(r, [true, false, null]);
  if (kind === 3) return `text ${int(r, 1000)}`;
  if (kind === 4) return Array.from({ length: int(r, 4) }, () => randomValue(r, depth + 1));
  return Object.fromEntries(Array.from({ length: int(r, 4) }, () => [pick(r, STRINGS) + int(r, 9), randomValue(r, depth + 1)]));
}

/** JSON with random (line-break-free) whitespace between tokens, as some clients write it. */
function spaced(r: Random, value: unknown): string {
  const ws = () => pick(r, ['', '', ' ', '\t', '  ']);
  if (Array.isArray(value)) return `[${ws()}${value.map((v) => spaced(r, v)).join(`${ws()},${ws()}`)}${ws()}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}${ws()}:${ws()}${spaced(r, v)}`);
    return `{${ws()}${members.join(`${ws()},${ws()}`)}${ws()}}`;
  }
  return JSON.stringify(value);
}

describe('batchPayloadTexts', () => {
  it('finds each payload as written, which parses to the payload JSON.parse gives (seeded)', () => {
    const r = mulberry32(7);
    for (let i = 0; i < 500; i++) {
      const events = Array.from({ length: 1 + int(r, 5) }, () => {
        const event: Record<string, unknown> = { type: 'custom', payload: { data: randomValue(r, 0) } };
        if (r() < 0.5) event['trace_id'] = 't'.repeat(1 + int(r, 3));
        return r() < 0.5 ? event : { ...event, type: 'custom' }; // payload first or not
      });
      const text = spaced(r, { events });
      const parsed = (JSON.parse(text) as { events: Array<{ payload: Record<string, unknown> }> }).events;
      const texts = batchPayloadTexts(text, parsed.map((e) => e.payload));
      expect(texts, `iteration ${i}: ${text}`).toBeDefined();
      texts!.forEach((payload, k) => {
        // Numbers not in their shortest form (here 1.5e300) are left to be serialised.
        if (payload === undefined) expect(JSON.stringify(parsed[k]!.payload), `iteration ${i}, event ${k}`).toMatch(/e\+300/);
        else expect(JSON.parse(payload), `iteration ${i}, event ${k}`).toEqual(parsed[k]!.payload);
      });
    }
  });

  /** The texts for a body, given the payloads JSON.parse made of it. */
  const texts = (text: string) => batchPayloadTexts(text, (JSON.parse(text) as { events: Array<{ payload: Record<string, unknown> }> }).events.map((e) => e.payload));

  it('leaves a payload to be serialised when a key is written with an escape (it could name payload again)', () => {
    expect(texts('{"events":[{"type":"custom","payload":{"a":1},"p\\u0061yload":{"b":2}},{"type":"custom","payload":{"c":3}}]}')).toEqual([undefined, '{"c":3}']);
    expect(batchPayloadTexts('{"ev\\u0065nts":[{"type":"custom","payload":{}}]}', [{}])).toBeUndefined();
  });

  it('takes the last of repeated payload keys, as JSON.parse does', () => {
    expect(texts('{"events":[{"type":"custom","payload":{"a":1},"payload":{"b":2}}]}')).toEqual(['{"b":2}']);
  });

  it('leaves a payload that repeats a key inside it to be serialised, at any level', () => {
    expect(texts('{"events":[{"type":"tool_call","payload":{"tool_name":"delete_db","tool_name":"search"}}]}')).toEqual([undefined]);
    expect(texts('{"events":[{"type":"custom","payload":{"a":[{"x":1,"x":2}],"b":{}}}]}')).toEqual([undefined]);
    expect(texts('{"events":[{"type":"custom","payload":{"a":[{"x":1,"y":2}],"b":{"x":3}}}]}')).toEqual(['{"a":[{"x":1,"y":2}],"b":{"x":3}}']);
  });

  it('leaves numbers that read differently once re-serialised to the usual path', () => {
    for (const number of ['1e400', '-0', '12345678901234567890', '1.50', '1E5', '0.0000001', '1e-07']) {
      expect(texts(`{"events":[{"type":"custom","payload":{"n":[${number}]}}]}`), number).toEqual([undefined]);
    }
    expect(texts('{"events":[{"type":"custom","payload":{"n":[0,-1,1.5,21,1e+21,-1e-7,true,false,null]}}]}')).toEqual(['{"n":[0,-1,1.5,21,1e+21,-1e-7,true,false,null]}']);
  });

  it('leaves line breaks and deep nesting to the usual path, and refuses a count that does not match', () => {
    expect(texts('{"events":[{"type":"custom","payload":{\n"a":1}}]}')).toEqual([undefined]);
    expect(texts(`{"events":[{"type":"custom","payload":{"a":${'['.repeat(300)}${']'.repeat(300)}}}]}`)).toEqual([undefined]);
    expect(batchPayloadTexts('{"events":[{"type":"custom","payload":{}}]}', [{}, {}])).toBeUndefined();
  });
});

describe('the receiver stores a batch payload as it was written', () => {
  let client: TestClient | undefined;
  afterEach(async () => {
    await client?.receiver.close();
    client = undefined;
  });

  it('keeps spacing and escapes, one trail line per event, and lists the same meaning back after a restart', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'otel-agent-audit-payload-text-')), 'trail.jsonl');
    client = await startTestReceiver({ file });
    const agent = await client.registerAgent();
    const body =
      '{ "events" : [ { "type":"custom", "payload" : { "order" : 42 , "note":"say \\"hi\\"\\u0021" } },' +
      '{"type":"prompt","payload":{\n"prompt":"pretty-printed"}} ] }';
    const reply = await client.request('POST', `/v1/agents/${agent}/events/batch`, body);
    expect(reply.status).toBe(200);
    expect(reply.body.results.map((e: { payload: unknown }) => e.payload)).toEqual([
      { order: 42, note: 'say "hi"!' },
      { prompt: 'pretty-printed' },
    ]);
    await client.receiver.close();
    const lines = readFileSync(file, 'utf8').split('\n').filter((line) => line.includes('"record":"event"'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('"payload":{ "order" : 42 , "note":"say \\"hi\\"\\u0021" }');
    client = await startTestReceiver({ file });
    const listed = await client.request('GET', `/v1/agents/${agent}/events`);
    expect(listed.body.items.map((e: { payload: unknown }) => e.payload)).toEqual(reply.body.results.map((e: { payload: unknown }) => e.payload));
  });

  it('stores odd numbers and repeated keys the same way on both routes and across a restart', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'otel-agent-audit-payload-text-')), 'trail.jsonl');
    client = await startTestReceiver({ file });
    const agent = await client.registerAgent();
    const payload = '{"huge":1e400,"big":12345678901234567890,"neg0":-0,"tool":"a","tool":"b"}';
    await client.request('POST', `/v1/agents/${agent}/events`, `{"type":"custom","payload":${payload}}`);
    await client.request('POST', `/v1/agents/${agent}/events/batch`, `{"events":[{"type":"custom","payload":${payload}}]}`);
    const listed = (await client.request('GET', `/v1/agents/${agent}/events`)).body.items.map((e: { payload: unknown }) => e.payload);
    expect(listed).toEqual([
      { huge: null, big: 12345678901234567890, neg0: 0, tool: 'b' },
      { huge: null, big: 12345678901234567890, neg0: 0, tool: 'b' },
    ]);
    await client.receiver.close();
    expect(readFileSync(file, 'utf8')).not.toContain('"tool":"a"');
    client = await startTestReceiver({ file });
    expect((await client.request('GET', `/v1/agents/${agent}/events`)).body.items.map((e: { payload: unknown }) => e.payload)).toEqual(listed);
  });

  it('answers 400 for a batch whose payload is nested too deeply to store, storing none of it', async () => {
    client = await startTestReceiver();
    const agent = await client.registerAgent();
    const nested = `{"events":[{"type":"custom","payload":{}},{"type":"custom","payload":{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}}]}`;
    const reply = await client.request('POST', `/v1/agents/${agent}/events/batch`, nested);
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatch(/events\[1\]\.payload is nested too deeply/);
    expect(client.receiver.events()).toHaveLength(0);
  });
});
