// The receiver always restarts on its own trail: lines that are not valid
// JSON, too deep, too long or torn are skipped and counted, never thrown on,
// and a torn last line is cut so the next record starts on a fresh line.
import { appendFile, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTrailLines, type TrailLine } from '../../../src/receiver/trail-lines.js';
import { startTestReceiver, type TestClient } from './receiver-client.js';

let dir: string;
let file: string;
const clients: TestClient[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'receiver-restart-'));
  file = join(dir, 'trail.jsonl');
});

afterEach(async () => {
  for (const client of clients.splice(0)) await client.receiver.close();
  await rm(dir, { recursive: true, force: true });
});

async function start(warnings: string[] = []): Promise<TestClient> {
  const client = await startTestReceiver({ file, onWarning: (message) => warnings.push(message) });
  clients.push(client);
  return client;
}

/** A trail with one agent and one event, written by a receiver; returns the agent id. */
async function seedTrail(): Promise<string> {
  const first = await start();
  const agent = await first.registerAgent();
  await first.request('POST', `/v1/agents/${agent}/events`, { type: 'custom', payload: { n: 1 } });
  await first.receiver.close();
  clients.splice(0);
  return agent;
}

function deepEventLine(agent: string, depth: number): string {
  return `{"record":"event","id":"evt_deep","agent_id":"${agent}","type":"custom","payload":{"a":${'['.repeat(depth)}${']'.repeat(depth)}},` +
    '"timestamp":"2026-05-04T10:00:00Z","policy_result":{"decision":"allow","violations":[]}}';
}

describe('loading the trail on start', () => {
  it('skips and counts garbage, too-deep, invalid and torn lines, says so once, and cuts the torn line', async () => {
    const agent = await seedTrail();
    await appendFile(
      file,
      'not json at all\n' +
        `${deepEventLine(agent, 5_000)}\n` +
        `${deepEventLine(agent, 100_000)}\n` +
        '{"record":"spaceship","id":"x"}\n' +
        `{"record":"event","id":"evt_cut","agent_id":"${agent}","type":"cus`,
    );

    const warnings: string[] = [];
    const second = await start(warnings);
    expect(second.receiver.events().map((event) => event.payload)).toEqual([{ n: 1 }]);
    expect(second.receiver.trailStats()).toEqual({
      loadedRecords: 2,
      skippedLines: { notJson: 1, tooDeep: 2, tooLong: 0, invalid: 1, torn: 1 },
      writeFailures: 0,
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/loaded 2 record\(s\); skipped 5 malformed line\(s\): 1 not valid JSON, 2 nested deeper than 1000 levels, 1 not a valid record.*1 torn last line/);
    expect(warnings[0]).toContain(file);

    const text = await readFile(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text).not.toContain('evt_cut');
    await second.request('POST', `/v1/agents/${agent}/events`, { type: 'custom', payload: { n: 2 } });
    await second.receiver.close();
    clients.splice(0);

    const third = await start();
    expect(third.receiver.events().map((event) => event.payload)).toEqual([{ n: 1 }, { n: 2 }]);
    // The skipped lines other than the torn one stay in the file, for a person to look at.
    expect(third.receiver.trailStats().skippedLines).toEqual({ notJson: 1, tooDeep: 2, tooLong: 0, invalid: 1, torn: 0 });
  });

  it('keeps a whole last record that lacks its newline, and adds the newline', async () => {
    const agent = await seedTrail();
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.slice(0, -1)); // as an editor that strips the final newline leaves it
    const second = await start();
    expect(second.receiver.events()).toHaveLength(1);
    await second.request('POST', `/v1/agents/${agent}/events`, { type: 'custom', payload: { n: 2 } });
    await second.receiver.close();
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((line) => JSON.parse(line).record)).toEqual(['agent', 'event', 'event']);
  });

  it('loads a trail written with CRLF line ends', async () => {
    await seedTrail();
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replaceAll('\n', '\r\n'));
    const second = await start();
    expect(second.receiver.events()).toHaveLength(1);
    expect(second.receiver.trailStats().skippedLines.notJson).toBe(0);
  });

  it('starts on a file that is nothing but a torn line, and cuts it', async () => {
    await writeFile(file, '{"record":"agent","id":"agt_');
    const warnings: string[] = [];
    const client = await start(warnings);
    expect(client.receiver.trailStats().skippedLines.torn).toBe(1);
    expect(await readFile(file, 'utf8')).toBe('');
    await client.registerAgent();
    await client.receiver.close();
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ record: 'agent' });
  });

  it('says nothing when every line loads', async () => {
    await seedTrail();
    const warnings: string[] = [];
    await start(warnings);
    expect(warnings).toEqual([]);
  });
});

describe('readTrailLines', () => {
  async function linesOf(content: string | Buffer, maxLineBytes = 1 << 28): Promise<TrailLine[]> {
    const path = join(dir, 'lines.jsonl');
    await writeFile(path, content);
    const handle = await open(path, 'r');
    try {
      const lines: TrailLine[] = [];
      for await (const line of readTrailLines(handle, maxLineBytes)) lines.push(line);
      return lines;
    } finally {
      await handle.close();
    }
  }

  it('gives each line its byte end, multi-byte characters included, and flags the unterminated last one', async () => {
    expect(await linesOf('é1\n\nabc')).toEqual([
      { text: 'é1', end: 4, terminated: true },
      { text: '', end: 5, terminated: true },
      { text: 'abc', end: 8, terminated: false },
    ]);
  });

  it('joins a line across read chunks', async () => {
    const long = 'x'.repeat(2_500_000);
    const lines = await linesOf(`a\n${long}\nb\n`);
    expect(lines.map((line) => line.text?.length)).toEqual([1, 2_500_000, 1]);
    expect(lines[2]!.end).toBe(2 + 2_500_001 + 2);
  });

  it('reports a line over the limit without its text, and goes on', async () => {
    expect(await linesOf(`short\n${'y'.repeat(100)}\nok\n${'z'.repeat(100)}`, 50)).toEqual([
      { text: 'short', end: 6, terminated: true },
      { text: undefined, end: 107, terminated: true },
      { text: 'ok', end: 110, terminated: true },
      { text: undefined, end: 210, terminated: false },
    ]);
  });
});
