// The receiver acknowledges only what is on disk: a request is answered 2xx
// after its lines are written and fsynced; one the disk refuses is answered
// 507 (full) and leaves no trace, in the file or in memory; space freed, it
// works again. The full disk is a real one: a 256 KiB tmpfs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startTestReceiver, type Reply, type TestClient } from './receiver-client.js';

const clients: TestClient[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) await client.receiver.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function start(options: Parameters<typeof startTestReceiver>[0]): Promise<TestClient> {
  const client = await startTestReceiver(options);
  clients.push(client);
  return client;
}

async function trailFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'receiver-durability-'));
  dirs.push(dir);
  return join(dir, 'trail.jsonl');
}

/**
 * The `payload.event_id` of every whole event line in `file`. What follows the
 * last newline is left out: read while the receiver writes, it can be part of
 * a line still being written.
 */
async function eventIdsIn(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .slice(0, -1)
    .filter((line) => line.startsWith('{"record":"event"'))
    .map((line) => JSON.parse(line).payload.event_id as string);
}

function batchOf(prefix: string, count: number, blobBytes = 0): { events: unknown[] } {
  return {
    events: Array.from({ length: count }, (_, i) => ({ type: 'custom', payload: { event_id: `${prefix}-${i}`, blob: 'x'.repeat(blobBytes) } })),
  };
}

function idsOf(reply: Reply): string[] {
  return (reply.body.results as Array<{ payload: { event_id: string } }>).map((event) => event.payload.event_id);
}

describe('group commit', () => {
  it('answers each of many concurrent requests only once its events are in the file', async () => {
    const file = await trailFile();
    const client = await start({ file, onWarning: () => {} });
    const agent = await client.registerAgent();
    const checks = Array.from({ length: 40 }, async (_, n) => {
      const reply = await client.request('POST', `/v1/agents/${agent}/events/batch`, batchOf(`b${n}`, 10));
      expect(reply.status).toBe(200);
      // Read at the moment of the answer: what was acknowledged must already be there.
      const inFile = new Set(await eventIdsIn(file));
      for (const id of idsOf(reply)) expect(inFile.has(id)).toBe(true);
    });
    await Promise.all(checks);
    expect(await eventIdsIn(file)).toHaveLength(400);
    expect(client.receiver.events()).toHaveLength(400);
  });

  it('answers a retry that arrives while the original is being written with the same events, stored once', async () => {
    const file = await trailFile();
    const client = await start({ file, onWarning: () => {} });
    const agent = await client.registerAgent();
    const batch = batchOf('same', 5);
    const replies = await Promise.all([1, 2, 3].map(() => client.request('POST', `/v1/agents/${agent}/events/batch`, batch)));
    expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200]);
    const ids = replies.map((reply) => reply.body.results.map((event: { id: string }) => event.id));
    expect(ids[1]).toEqual(ids[0]);
    expect(ids[2]).toEqual(ids[0]);
    expect((await eventIdsIn(file)).sort()).toEqual(['same-0', 'same-1', 'same-2', 'same-3', 'same-4']);
  });
});

// A real full disk needs a small file system: mounting one takes root
// (CAP_SYS_ADMIN). Where `mount` is refused, the test is skipped; every other
// test here still runs.
const mountPoint = mkdtempSync(join(tmpdir(), 'receiver-tmpfs-'));
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mountPoint], { stdio: 'ignore' }).status === 0;

afterAll(() => {
  if (mounted) spawnSync('umount', [mountPoint], { stdio: 'ignore' });
  rmSync(mountPoint, { recursive: true, force: true });
});

describe('on a full disk', () => {
  it.skipIf(!mounted)('answers 507, keeps nothing of the refused request, warns once, and works again once space is freed', async () => {
    const file = join(mountPoint, 'trail.jsonl');
    const ballast = join(mountPoint, 'ballast');
    await writeFile(ballast, Buffer.alloc(128 * 1024));
    const warnings: string[] = [];
    const client = await start({ file, onWarning: (message) => warnings.push(message) });
    const agent = await client.registerAgent();
    const path = `/v1/agents/${agent}/events/batch`;

    const acknowledged = new Set<string>();
    let refused: { reply: Reply; batch: { events: unknown[] } } | undefined;
    for (let n = 0; n < 100 && refused === undefined; n++) {
      const batch = batchOf(`full${n}`, 10, 1000);
      const reply = await client.request('POST', path, batch);
      if (reply.status === 200) for (const id of idsOf(reply)) acknowledged.add(id);
      else refused = { reply, batch };
    }
    expect(refused?.reply.status).toBe(507);
    expect(refused!.reply.body.error).toMatch(/disk is full \(ENOSPC\).*nothing from this request was stored/);
    expect(acknowledged.size).toBeGreaterThan(0);
    // Memory and disk agree: the refused events are not listed either.
    expect(new Set(client.receiver.events().map((event) => event.payload['event_id']))).toEqual(acknowledged);

    // More refusals, of every kind of write, and two identical requests at once: still one warning.
    const [again, twin] = await Promise.all([client.request('POST', path, refused!.batch), client.request('POST', path, refused!.batch)]);
    expect([again.status, twin.status]).toEqual([507, 507]);
    // (Large enough not to fit in what is left of the file's last page.)
    const late = { name: 'late', framework: 'custom', description: 'd'.repeat(20_000) };
    expect((await client.request('POST', '/v1/agents', late)).status).toBe(507);
    const agentic = await client.request('POST', '/v1/events', { agent_id: 'a', action: 'x', data: { blob: 'y'.repeat(20_000) } });
    expect(agentic.status).toBe(507);
    expect(client.receiver.agenticAuditEvents()).toEqual([]);
    const spaceWarnings = warnings.filter((message) => message.includes('ENOSPC'));
    expect(spaceWarnings).toHaveLength(1);
    expect(spaceWarnings[0]).toContain(file);
    expect(spaceWarnings[0]).toMatch(/answered 507/);
    expect(client.receiver.trailStats().writeFailures).toBeGreaterThanOrEqual(4);

    await rm(ballast);
    const retried = await client.request('POST', path, refused!.batch);
    expect(retried.status).toBe(200);
    for (const id of idsOf(retried)) acknowledged.add(id);
    expect(warnings.some((message) => /works again, after \d+ failed write/.test(message))).toBe(true);
    await client.receiver.close();
    clients.splice(0);

    // Every acknowledged event is in the file, once; nothing refused is.
    expect((await eventIdsIn(file)).sort()).toEqual([...acknowledged].sort());
    const restarted = await start({ file, onWarning: () => {} });
    expect(restarted.receiver.events()).toHaveLength(acknowledged.size);
    expect(restarted.receiver.trailStats().skippedLines).toEqual({ notJson: 0, tooDeep: 0, tooLong: 0, invalid: 0, torn: 0 });
  });
});
