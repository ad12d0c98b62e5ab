// The receiver in a process of its own, killed with SIGKILL while batches are
// in flight, or limited in how large its file may grow (RLIMIT_FSIZE: a write
// failure other than a full disk). Every event it acknowledged must be in the
// file, and a new receiver must start on that file.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestReceiver, TOKEN, type TestClient } from './receiver-client.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = join(root, 'test/fixtures/receiver-child.mjs');
const children: ChildProcess[] = [];
const clients: TestClient[] = [];
let dir: string;

beforeAll(() => {
  // The child loads the built package, as the integration tests do.
  if (!existsSync(join(root, 'dist/esm/receiver/index.js')) && process.env['RECEIVER_TEST_MODULE'] === undefined) {
    throw new Error('these tests run the built receiver in a child process: run `npm run build` first (`npm test` does)');
  }
});

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const client of clients.splice(0)) await client.receiver.close();
  await rm(dir, { recursive: true, force: true });
});

interface Child {
  process: ChildProcess;
  url: string;
  stderr(): string;
  exited: Promise<void>;
}

/** Starts the fixture on `file` (under `command` such as prlimit, if given) and waits until it listens. */
async function startChild(file: string, command: string[] = []): Promise<Child> {
  const [program, ...args] = [...command, process.execPath, fixture, file];
  const child = spawn(program!, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n')) resolve((JSON.parse(line!) as { url: string }).url);
    });
    void exited.then(() => reject(new Error(`the receiver child exited before listening: ${stderr}`)));
  });
  return { process: child, url, stderr: () => stderr, exited };
}

async function post(url: string, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(url + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function registerAgent(url: string): Promise<string> {
  const reply = await post(url, '/v1/agents', { name: 'crash', framework: 'custom' });
  expect(reply.status).toBe(201);
  return reply.body.id as string;
}

function batch(prefix: string, count: number, blobBytes = 200): { events: unknown[] } {
  return {
    events: Array.from({ length: count }, (_, i) => ({ type: 'custom', payload: { event_id: `${prefix}-${i}`, blob: 'x'.repeat(blobBytes) } })),
  };
}

/** The event ids in the file; a torn last line is left out, as the receiver leaves it out. */
async function eventIdsIn(file: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    try {
      const record = JSON.parse(line) as { record?: string; payload?: { event_id?: string } };
      if (record.record === 'event' && record.payload?.event_id !== undefined) ids.add(record.payload.event_id);
    } catch {
      // the torn line a kill can leave
    }
  }
  return ids;
}

describe('a receiver killed with SIGKILL mid-stream', () => {
  it('has every event it acknowledged in its file, and a new receiver starts on that file and lists them', async () => {
    dir = await mkdtemp(join(tmpdir(), 'receiver-crash-'));
    const file = join(dir, 'trail.jsonl');
    const child = await startChild(file);
    const agent = await registerAgent(child.url);

    const acknowledged = new Set<string>();
    let killed = false;
    const sender = async (sender: number): Promise<void> => {
      // Bounded: at most 200 batches per sender, and each stops at the first failed request.
      for (let n = 0; n < 200; n++) {
        let reply;
        try {
          reply = await post(child.url, `/v1/agents/${agent}/events/batch`, batch(`s${sender}-${n}`, 25));
        } catch {
          return; // the connection died with the receiver
        }
        if (reply.status !== 200) throw new Error(`unexpected ${reply.status}: ${JSON.stringify(reply.body)}`);
        for (const event of reply.body.results as Array<{ payload: { event_id: string } }>) acknowledged.add(event.payload.event_id);
        if (!killed && acknowledged.size >= 1000) {
          killed = true;
          child.process.kill('SIGKILL'); // the other senders' batches are in flight now
        }
      }
    };
    await Promise.all([0, 1, 2, 3, 4, 5].map(sender));
    await child.exited;
    expect(killed).toBe(true);
    expect(child.process.signalCode).toBe('SIGKILL');

    const inFile = await eventIdsIn(file);
    const missing = [...acknowledged].filter((id) => !inFile.has(id));
    expect(missing).toEqual([]);

    const warnings: string[] = [];
    const restarted = await startTestReceiver({ file, onWarning: (message) => warnings.push(message) });
    clients.push(restarted);
    const listed = new Set(restarted.receiver.events().map((event) => event.payload['event_id'] as string));
    expect([...acknowledged].filter((id) => !listed.has(id))).toEqual([]);
    const { skippedLines } = restarted.receiver.trailStats();
    expect({ ...skippedLines, torn: 0 }).toEqual({ notJson: 0, tooDeep: 0, tooLong: 0, invalid: 0, torn: 0 });
    expect(skippedLines.torn).toBeLessThanOrEqual(1);
    const page = await restarted.request('GET', `/v1/agents/${agent}/events?limit=500`);
    expect(page.body.total).toBe(listed.size);
  });
});

// `prlimit` (util-linux) sets RLIMIT_FSIZE on the child: writes past the size
// fail with EFBIG, a failure that is not a full disk. Node ignores SIGXFSZ,
// so the child lives on. Skipped where prlimit is not installed.
const hasPrlimit = spawnSync('prlimit', ['--version'], { stdio: 'ignore' }).status === 0;

describe('a receiver whose writes fail for another reason than space', () => {
  it.skipIf(!hasPrlimit)('answers 503, says so once on stderr, and keeps only what it acknowledged', async () => {
    dir = await mkdtemp(join(tmpdir(), 'receiver-efbig-'));
    const file = join(dir, 'trail.jsonl');
    const child = await startChild(file, ['prlimit', `--fsize=${64 * 1024}`, '--']);
    const agent = await registerAgent(child.url);

    const acknowledged = new Set<string>();
    let refused: { status: number; body: any } | undefined;
    for (let n = 0; n < 100 && refused === undefined; n++) {
      const reply = await post(child.url, `/v1/agents/${agent}/events/batch`, batch(`f${n}`, 10, 1000));
      if (reply.status === 200) for (const event of reply.body.results) acknowledged.add(event.payload.event_id as string);
      else refused = reply;
    }
    expect(refused?.status).toBe(503);
    expect(refused!.body.error).toMatch(/could not write its audit trail \(EFBIG\).*nothing from this request was stored/);
    expect((await post(child.url, `/v1/agents/${agent}/events/batch`, batch('again', 10, 1000))).status).toBe(503);

    child.process.kill('SIGTERM');
    await child.exited;
    const notices = child.stderr().split('\n').filter((line) => line.includes('EFBIG'));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(file);
    expect(notices[0]).toMatch(/answered 503/);

    expect([...(await eventIdsIn(file))].sort()).toEqual([...acknowledged].sort());
    const restarted = await startTestReceiver({ file, onWarning: () => {} });
    clients.push(restarted);
    expect(restarted.receiver.events()).toHaveLength(acknowledged.size);
  });
});
