/**
 * Untouched trails from real runs verify: an agent process exporting to the
 * local receiver's JSONL trail, and an agent killed with SIGKILL whose
 * spool the next process of the service takes over. One edit to the real
 * file makes `verify` fail.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, onTestFinished } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { verifyTrailSource } from '../../src/index.js';
import { startAuditReceiver, type AuditReceiver } from '../../src/receiver/index.js';
import { closedPort } from '../servers/loopback-ports.js';
import { it } from '../support/audit-test.js';
import { childEnv } from '../support/child-env.js';
import { freshSpoolDir } from '../support/tracing.js';
import { captureIo } from '../unit/cli/cli-streams.js';

const AGENT = fileURLToPath(new URL('../fixtures/trail-agent.mjs', import.meta.url));

interface AgentLine {
  pid: number;
  streamId: string;
}

/** Runs `trail-agent.mjs <mode>` with the chain on (the users' default) and resolves with the child and its first line. */
async function agent(mode: 'crash' | 'finish' | 'exit', env: Record<string, string>): Promise<{ line: AgentLine; exited: Promise<number | null>; kill: () => void }> {
  const { OTEL_AGENT_AUDIT_INTEGRITY: _off, ...inherited } = childEnv();
  const child = spawn(process.execPath, [AGENT, mode], { env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  onTestFinished(() => void child.kill('SIGKILL'));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const line = await new Promise<AgentLine>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))) as AgentLine);
    });
    void exited.then((code) => reject(new Error(`trail-agent.mjs ${mode} exited (${code}) before it printed: ${stderr}`)));
  });
  return { line, exited, kill: () => child.kill('SIGKILL') };
}

async function receiverWithFile(dir: string): Promise<{ receiver: AuditReceiver; file: string }> {
  const file = join(dir, 'trail.jsonl');
  const receiver = await startAuditReceiver({ port: 0, file });
  onTestFinished(() => receiver.close());
  return { receiver, file };
}

describe('verify on real trails', () => {
  it('passes the receiver trail of an agent run, and fails once a line of it is deleted', async () => {
    const spoolDir = freshSpoolDir();
    const { receiver, file } = await receiverWithFile(spoolDir);
    const run = await agent('finish', { TRAIL_TEST_DIR: spoolDir, TRAIL_TEST_URL: receiver.url, TRAIL_TEST_EVENTS: '30' });
    expect(await run.exited).toBe(0);

    const report = await verifyTrailSource(file);
    // session.start, 30 tool calls, session.end, the close.
    expect(report).toMatchObject({ ok: true, events: 33, streams: [{ streamId: run.line.streamId, ok: true, tail: 'closed', firstSequence: 1, lastSequence: 33 }] });
    // The planted keys went out redacted, and the trail still verifies.
    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(/sk-proj-trail/);
    expect(text).toContain('[REDACTED:');
    // Each event went out as the canonical text it was hashed over: payload keys in RFC 8785 order.
    const payloadKeys = text.split('\n').filter((l) => l.includes('"payload"')).map((l) => Object.keys((JSON.parse(l) as { payload: object }).payload));
    expect(payloadKeys).toHaveLength(33);
    for (const keys of payloadKeys) expect(keys).toEqual([...keys].sort());

    const io = captureIo();
    expect(await runCli(['verify', file], io)).toBe(0);
    expect(io.stdout.text).toMatch(/verified: 33 events in 1 stream/);

    const lines = text.split('\n').filter(Boolean);
    const victim = lines.findIndex((l) => l.includes('"tool_call"') && l.includes('"audit.sequence.number":10,'));
    expect(victim).toBeGreaterThan(-1);
    writeFileSync(file, `${lines.filter((_, i) => i !== victim).join('\n')}\n`);
    const tampered = captureIo();
    expect(await runCli(['verify', file], tampered)).toBe(1);
    expect(tampered.stdout.text).toMatch(/gaps?: 10\b/);
  });

  it('passes the trail of a script that ends without shutdown(): the exit hook delivers and closes its stream', async () => {
    const spoolDir = freshSpoolDir();
    const { receiver, file } = await receiverWithFile(spoolDir);
    const run = await agent('exit', { TRAIL_TEST_DIR: spoolDir, TRAIL_TEST_URL: receiver.url, TRAIL_TEST_EVENTS: '5' });
    expect(await run.exited).toBe(0);
    const report = await verifyTrailSource(file);
    expect(report).toMatchObject({ ok: true, events: 8, streams: [{ streamId: run.line.streamId, tail: 'closed', lastSequence: 8 }] });
  });

  it('passes the trail of an agent killed with SIGKILL and the process that took its spool over', async () => {
    const spoolDir = freshSpoolDir();
    const env = { TRAIL_TEST_DIR: spoolDir, TRAIL_TEST_EVENTS: '12' };
    // The first agent's backend is down: everything it records waits in its spool when it is killed.
    const first = await agent('crash', { ...env, TRAIL_TEST_URL: `http://127.0.0.1:${await closedPort()}` });
    first.kill();
    await first.exited;

    const { receiver, file } = await receiverWithFile(spoolDir);
    // The second delivers what the first left, closes its open session as abandoned, and vouches for its stream.
    const second = await agent('finish', { ...env, TRAIL_TEST_URL: receiver.url });
    expect(await second.exited).toBe(0);

    const report = await verifyTrailSource(file);
    expect(report.ok).toBe(true);
    const dead = report.streams.find((s) => s.streamId === first.line.streamId)!;
    const successor = report.streams.find((s) => s.streamId === second.line.streamId)!;
    // session.start and 12 tool calls were committed before the kill (the session never ended).
    expect(dead).toMatchObject({ ok: true, tail: 'recovered', firstSequence: 1, lastSequence: 13, gaps: [], recoveredBy: { streamId: second.line.streamId, covers: 13 } });
    expect(successor).toMatchObject({ ok: true, tail: 'closed', gaps: [] });
  });
});
