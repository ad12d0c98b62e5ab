/**
 * A process killed with its spool full of undelivered events: the next
 * process of the same service takes its slot over, delivers what it left
 * and closes its open session as abandoned. Live processes never share or
 * wait for a slot.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, onTestFinished } from 'vitest';
import { AuditSpanExporter, withToolCall } from '../../src/index.js';
import { it } from '../support/audit-test.js';
import type { AuditEvent } from '../../src/model/audit-event.js';
import { recordingBackend, type RecordingBackend } from '../support/recording-backend.js';
import { freshSpoolDir } from '../support/tracing.js';
import { closedPort } from '../servers/loopback-ports.js';

const AGENT = fileURLToPath(new URL('../fixtures/spool-agent.mjs', import.meta.url));

interface HeldAgent {
  child: ChildProcess;
  pid: number;
  ids: string[];
  traceId: string;
  spanId: string;
}

/** Starts `spool-agent.mjs hold` (or `idle`) and resolves with what it printed once it is ready. */
async function holdingAgent(env: Record<string, string>, mode: 'hold' | 'idle' = 'hold'): Promise<HeldAgent> {
  const child = spawn(process.execPath, [AGENT, mode], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  onTestFinished(() => void child.kill('SIGKILL'));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`spool-agent.mjs exited (${code}) before it was ready: ${stderr}`)));
  });
  return { child, ...(JSON.parse(line) as Omit<HeldAgent, 'child'>) };
}

async function killed(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** The recording backend under the name the child's backend had, so the cursor the child saved is its. */
function namedRecording(name: string): RecordingBackend {
  return { ...recordingBackend(), name };
}

const customNamed = (events: readonly AuditEvent[], name: string): AuditEvent[] => events.filter((e) => e.type === 'custom' && e.payload['name'] === name);

describe('spool slot adoption', () => {
  it('takes over the slot of a killed process, delivers every event it spooled and closes its open session as abandoned', async () => {
    const spoolDir = freshSpoolDir();
    const env = { SPOOL_TEST_DIR: spoolDir, SPOOL_TEST_SERVICE: 'adopted', SPOOL_TEST_URL: `http://127.0.0.1:${await closedPort()}`, SPOOL_TEST_EVENTS: '25' };
    const agent = await holdingAgent(env);
    expect(agent.ids).toHaveLength(25);
    await killed(agent.child);

    const backend = namedRecording('secureagentics');
    const exporter = new AuditSpanExporter({ backends: [backend], spoolDir, serviceName: 'adopted' });
    onTestFinished(() => exporter.shutdown());
    expect(exporter.stats().spool).toMatchObject({ adoptedFrom: agent.pid, dir: join(spoolDir, 'adopted', '0') });

    await expect.poll(() => backend.events().filter((e) => agent.ids.includes(e.id)).length, { timeout: 10_000 }).toBe(25);
    await expect.poll(() => customNamed(backend.events(), 'session.end').length, { timeout: 10_000 }).toBe(1);
    const [start] = customNamed(backend.events(), 'session.start');
    const [end] = customNamed(backend.events(), 'session.end');
    expect(start).toMatchObject({ traceId: agent.traceId, spanId: agent.spanId });
    expect(end).toMatchObject({ id: `${agent.traceId}-${agent.spanId}-session.end`, traceId: agent.traceId, spanId: agent.spanId });
    expect(end!.payload).toMatchObject({ name: 'session.end', outcome: 'abandoned' });
    // Each event once: the child never delivered any, the new owner delivers each one.
    expect(new Set(backend.events().map((e) => e.id)).size).toBe(backend.events().length);
    expect(backend.events()).toHaveLength(25 + 2);
  });

  // sessions.json must keep the sessions a new owner closes until the commit that
  // holds their session.end: one that dies within its group-commit window must not
  // leave them open in the trail for good.
  it('still closes the session of a killed process when the process that took over died before writing the session.end', async () => {
    const spoolDir = freshSpoolDir();
    const env = { SPOOL_TEST_DIR: spoolDir, SPOOL_TEST_SERVICE: 'twice', SPOOL_TEST_URL: `http://127.0.0.1:${await closedPort()}`, SPOOL_TEST_EVENTS: '2' };
    const first = await holdingAgent(env);
    await killed(first.child);
    // The next owner takes over, and dies within its group-commit window (a long one, so the window is sure to be open).
    const second = await holdingAgent({ ...env, SPOOL_TEST_FLUSH_MILLIS: '60000' }, 'idle');
    await killed(second.child);

    const backend = namedRecording('secureagentics');
    const exporter = new AuditSpanExporter({ backends: [backend], spoolDir, serviceName: 'twice' });
    onTestFinished(() => exporter.shutdown());
    expect(exporter.stats().spool!.adoptedFrom).toBe(second.pid);
    await expect.poll(() => backend.events().filter((e) => first.ids.includes(e.id)).length, { timeout: 10_000 }).toBe(2);
    await expect.poll(() => customNamed(backend.events(), 'session.end').map((e) => e.id), { timeout: 5_000 }).toEqual([`${first.traceId}-${first.spanId}-session.end`]);
  });

  it('leaves the slot of a live process alone and takes another one, without waiting', async () => {
    const spoolDir = freshSpoolDir();
    const agent = await holdingAgent({ SPOOL_TEST_DIR: spoolDir, SPOOL_TEST_SERVICE: 'shared', SPOOL_TEST_URL: `http://127.0.0.1:${await closedPort()}`, SPOOL_TEST_EVENTS: '3' });

    const backend = namedRecording('secureagentics');
    const exporter = new AuditSpanExporter({ backends: [backend], spoolDir, serviceName: 'shared' });
    onTestFinished(() => exporter.shutdown());
    expect(exporter.stats().spool!.dir).toBe(join(spoolDir, 'shared', '1'));
    expect(exporter.stats().spool!.adoptedFrom).toBeUndefined();
    await exporter.forceFlush();
    expect(backend.events().filter((e) => agent.ids.includes(e.id))).toEqual([]);
  });

  it('gives two live exporters of one service in one process different slots', async () => {
    const spoolDir = freshSpoolDir();
    const a = new AuditSpanExporter({ backends: [recordingBackend()], spoolDir, serviceName: 'twins' });
    const b = new AuditSpanExporter({ backends: [recordingBackend()], spoolDir, serviceName: 'twins' });
    onTestFinished(async () => {
      await a.shutdown();
      await b.shutdown();
    });
    expect([a.stats().spool!.dir, b.stats().spool!.dir]).toEqual([join(spoolDir, 'twins', '0'), join(spoolDir, 'twins', '1')]);
    expect([a.stats().spool!.adoptedFrom, b.stats().spool!.adoptedFrom]).toEqual([undefined, undefined]);
  });

  // The locks this process holds live on globalThis (spool-slot.ts), so a
  // second loaded copy of the package (a dependency requires the CommonJS
  // build, the app imports the ESM one) does not take a lock with its own
  // pid for a dead predecessor's.
  it('gives exporters of the ESM and the CommonJS build, loaded in one process, different slots', async () => {
    const spoolDir = freshSpoolDir();
    const child = spawn(process.execPath, [AGENT, 'twins'], {
      env: { ...process.env, SPOOL_TEST_DIR: spoolDir, SPOOL_TEST_SERVICE: 'dual', SPOOL_TEST_URL: `http://127.0.0.1:${await closedPort()}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code, stderr).toBe(0);
    const { esm, cjs } = JSON.parse(stdout.trim()) as { esm: string; cjs: string };
    expect([esm, cjs].sort()).toEqual([join(spoolDir, 'dual', '0'), join(spoolDir, 'dual', '1')]);
  });

  // A lock with this process's pid that this process does not hold is a dead
  // predecessor's: a restarted container runs as pid 1 again (keeping its hostname
  // when one is set, as in compose or a StatefulSet).
  it('takes over a stale lock that names its own pid (a restarted container is pid 1 again)', async ({ install }) => {
    const spoolDir = freshSpoolDir();
    const down = { name: 'secureagentics', maxBatchSize: 100, send: async () => ({ kind: 'retryable' as const, unreachable: true, reason: 'down' }), shutdown: async () => {} };
    const before = install.backends([down], { spoolDir, serviceName: 'restarted', shutdownTimeoutMillis: 200 });
    withToolCall('left_behind', {}, () => 1);
    await before.tracing.close();
    // The previous incarnation died holding its slot; its pid was ours.
    mkdirSync(join(spoolDir, 'restarted', '0'), { recursive: true });
    writeFileSync(join(spoolDir, 'restarted', '0', 'lock'), JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));

    const backend = namedRecording('secureagentics');
    const exporter = new AuditSpanExporter({ backends: [backend], spoolDir, serviceName: 'restarted' });
    onTestFinished(() => exporter.shutdown());
    await expect.poll(() => backend.events().map((e) => e.payload['tool_name']), { timeout: 5_000 }).toContain('left_behind');
    expect(exporter.stats().spool!.dir).toBe(join(spoolDir, 'restarted', '0'));
  });
});
