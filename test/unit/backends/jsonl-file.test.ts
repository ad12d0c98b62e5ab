import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveDeliveryConfig } from '../../../src/config/resolve.js';
import { BackendPipeline } from '../../../src/deliver/backend-pipeline.js';
import { jsonlFile, type AuditEvent } from '../../../src/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jsonl-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const event = (n: number, payload: Record<string, unknown> = {}): AuditEvent => ({
  id: `t-s${n}-tool_call`,
  type: 'tool_call',
  traceId: 't',
  spanId: `s${n}`,
  timestamp: '2026-11-22T10:00:00.000Z',
  sessionId: 'sess-1',
  agentName: 'bot',
  payload: { tool_name: 'lookup', ...payload },
});
const lines = async (file: string) => (await readFile(file, 'utf8')).split('\n');

describe('jsonlFile', () => {
  it('appends one JSON object per event, snake case, absent fields left out', async () => {
    const file = join(dir, 'nested', 'audit.jsonl');
    const backend = jsonlFile({ path: file });
    expect(await backend.send([event(1), event(2)], new AbortController().signal)).toEqual({ kind: 'delivered' });
    await backend.shutdown();
    const [first, second, end] = await lines(file);
    expect(JSON.parse(first!)).toEqual({
      id: 't-s1-tool_call', type: 'tool_call', timestamp: '2026-11-22T10:00:00.000Z', trace_id: 't', span_id: 's1',
      session_id: 'sess-1', agent_name: 'bot', payload: { tool_name: 'lookup' },
    });
    expect(JSON.parse(second!).id).toBe('t-s2-tool_call');
    expect(end).toBe('');
  });

  it('never interleaves concurrent batches, and starts on a fresh line after a torn last line', async () => {
    const file = join(dir, 'audit.jsonl');
    await writeFile(file, '{"id":"old"}\n{"id":"torn'); // a crash mid-write
    const backend = jsonlFile({ path: file });
    const big = 'x'.repeat(200_000); // several write() calls per batch
    const batches = Array.from({ length: 8 }, (_, b) => Array.from({ length: 5 }, (_, i) => event(b * 5 + i, { big })));
    const outcomes = await Promise.all(batches.map((batch) => backend.send(batch, new AbortController().signal)));
    await backend.shutdown();
    expect(outcomes.every((o) => o.kind === 'delivered')).toBe(true);
    const all = await lines(file);
    expect(all.slice(0, 2)).toEqual(['{"id":"old"}', '{"id":"torn']);
    const written = all.slice(2, -1).map((l) => JSON.parse(l) as { id: string });
    expect(written.map((w) => w.id)).toEqual(batches.flat().map((e) => e.id));
  });

  it('refuses an empty path at setup, and events after shutdown without writing them', async () => {
    expect(() => jsonlFile({ path: '' })).toThrow(/jsonlFile\.path/);
    const file = join(dir, 'audit.jsonl');
    const backend = jsonlFile({ path: file });
    await backend.shutdown();
    expect((await backend.send([event(1)], new AbortController().signal)).kind).toBe('rejected');
    await expect(readFile(file)).rejects.toThrow(/ENOENT/);
  });

  it('a write that never completes (a FIFO nobody reads) does not hold shutdown past its deadline', async () => {
    const fifo = join(dir, 'audit.fifo');
    execFileSync('mkfifo', [fifo]);
    const pipeline = new BackendPipeline(jsonlFile({ path: fifo }), resolveDeliveryConfig({ shutdownTimeoutMillis: 200 }));
    pipeline.enqueue(Array.from({ length: 300 }, (_, i) => event(i, { big: 'x'.repeat(1000) }))); // more than a pipe holds
    const started = Date.now();
    await pipeline.shutdown();
    // The queue's deadline, its 1 s wait for aborted requests, and the 1 s close grace at most.
    expect(Date.now() - started).toBeLessThan(200 + 2_000 + 1_000);
    expect(pipeline.stats().delivered).toBe(0);
    // Unblock the stuck write so the worker thread is free again.
    await new Promise<void>((resolve) => {
      const reader = createReadStream(fifo);
      reader.on('data', () => undefined);
      setTimeout(() => (reader.destroy(), resolve()), 200);
    });
  }, 10_000);
});
