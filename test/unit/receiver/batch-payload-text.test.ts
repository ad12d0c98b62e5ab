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
      const parsed = (JSON.parse(text) as { events: Array<{ payload: unknown }> }).events;
      const texts = batchPayloadTexts(text, parsed.length);
      expect(texts, `iteration ${i}: ${text}`).toBeDefined();
      texts!.forEach((payload, k) => expect(JSON.parse(payload!), `iteration ${i}, event ${k}`).toEqual(parsed[k]!.payload));
    }
  });

  it('leaves a payload to be serialised when a key is written with an escape (it could name payload again)', () => {
    const text = '{"events":[{"type":"custom","payload":{"a":1},"p\\u0061yload":{"b":2}},{"type":"custom","payload":{"c":3}}]}';
    expect(batchPayloadTexts(text, 2)).toEqual([undefined, '{"c":3}']);
    expect(batchPayloadTexts('{"ev\\u0065nts":[{"type":"custom","payload":{}}]}', 1)).toBeUndefined();
  });

  it('takes the last of repeated keys, as JSON.parse does', () => {
    const text = '{"events":[{"type":"custom","payload":{"a":1},"payload":{"b":2}}]}';
    expect(batchPayloadTexts(text, 1)).toEqual(['{"b":2}']);
  });

  it('leaves line breaks and deep nesting to the usual path, and refuses a count that does not match', () => {
    expect(batchPayloadTexts('{"events":[{"type":"custom","payload":{\n"a":1}}]}', 1)).toEqual([undefined]);
    const deep = `{"events":[{"type":"custom","payload":{"a":${'['.repeat(300)}${']'.repeat(300)}}}]}`;
    expect(batchPayloadTexts(deep, 1)).toEqual([undefined]);
    expect(batchPayloadTexts('{"events":[{"type":"custom","payload":{}}]}', 2)).toBeUndefined();
  });
});

describe('the receiver stores a batch payload as it was written', () => {
  let client: TestClient | undefined;
  afterEach(async () => {
    await client?.receiver.close();
    client = undefined;
  });

  it('keeps spaced JSON, big integers and escapes exactly, one trail line per event, and lists them back', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'otel-agent-audit-payload-text-')), 'trail.jsonl');
    client = await startTestReceiver({ file });
    const agent = await client.registerAgent();
    const body =
      '{ "events" : [ { "type":"custom", "payload" : { "order" : 12345678901234567890 , "note":"say \\"hi\\"\\u0021" } },' +
      '{"type":"prompt","payload":{\n"prompt":"pretty-printed"}} ] }';
    const reply = await client.request('POST', `/v1/agents/${agent}/events/batch`, body);
    expect(reply.status).toBe(200);
    expect(reply.body.results.map((e: { payload: unknown }) => e.payload)).toEqual([
      { order: 12345678901234567890, note: 'say "hi"!' },
      { prompt: 'pretty-printed' },
    ]);
    await client.receiver.close();
    const lines = readFileSync(file, 'utf8').split('\n').filter((line) => line.includes('"record":"event"'));
    expect(lines).toHaveLength(2);
    // The digits the client sent, not a double's rounding of them.
    expect(lines[0]).toContain('"payload":{ "order" : 12345678901234567890 , "note":"say \\"hi\\"\\u0021" }');
    client = await startTestReceiver({ file });
    const listed = await client.request('GET', `/v1/agents/${agent}/events`);
    expect(listed.body.items.map((e: { payload: unknown }) => e.payload)).toEqual(reply.body.results.map((e: { payload: unknown }) => e.payload));
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
