/**
 * A script that records with setupAudit and simply ends, without calling
 * shutdown(): it must exit promptly (nothing of the spool or the backends
 * holds the event loop), delivering its trail when the backend is up and
 * leaving it in the spool for the next start when it is down.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect } from 'vitest';
import { AuditSpanExporter } from '../../src/index.js';
import { it } from '../support/audit-test.js';
import { recordingBackend } from '../support/recording-backend.js';
import { freshSpoolDir } from '../support/tracing.js';
import { closedPort } from '../servers/loopback-ports.js';

const AGENT = fileURLToPath(new URL('../fixtures/spool-agent.mjs', import.meta.url));
/** Well past "a couple of seconds" on a loaded machine, far below the 29 s the exit used to hang. */
const PROMPT_EXIT_MILLIS = 6_000;

interface Ended {
  code: number | null;
  /** From the child's last recording to its exit. */
  exitMillis: number;
  traceId: string;
  stderr: string;
}

/** Runs `spool-agent.mjs exit` to its end (killed after 60 s, so a hang fails the test instead of stalling it). */
async function runToEnd(env: Record<string, string>): Promise<Ended> {
  const child = spawn(process.execPath, [AGENT, 'exit'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const endedAt = Date.now();
  clearTimeout(guard);
  const line = stdout.split('\n').find((l) => l.startsWith('{'));
  if (line === undefined) throw new Error(`spool-agent.mjs printed nothing (exit ${code}): ${stderr}`);
  const { traceId, recordedAt } = JSON.parse(line) as { traceId: string; recordedAt: number };
  return { code, exitMillis: endedAt - recordedAt, traceId, stderr };
}

describe('a script that ends without shutdown()', () => {
  it('exits promptly and delivers its trail when the backend is up', async ({ secureagenticsServer: server }) => {
    const agentId = server.addAgent('exiting');
    const ended = await runToEnd({
      SPOOL_TEST_DIR: freshSpoolDir(), SPOOL_TEST_SERVICE: 'exit-up', SPOOL_TEST_URL: server.url, SPOOL_TEST_KEY: server.apiKey, SPOOL_TEST_AGENT: agentId, SPOOL_TEST_EVENTS: '4',
    });
    expect(ended.code, ended.stderr).toBe(0);
    expect(ended.exitMillis).toBeLessThan(PROMPT_EXIT_MILLIS);
    const events = server.allEvents().filter((e) => e.trace_id === ended.traceId);
    expect(events.map((e) => e.payload['name'] ?? e.type)).toEqual(['session.start', 'tool_call', 'tool_call', 'tool_call', 'tool_call', 'session.end']);
  });

  it('exits promptly when the backend is down, and the next start delivers what it left in the spool', async () => {
    const spoolDir = freshSpoolDir();
    const ended = await runToEnd({
      SPOOL_TEST_DIR: spoolDir, SPOOL_TEST_SERVICE: 'exit-down', SPOOL_TEST_URL: `http://127.0.0.1:${await closedPort()}`, SPOOL_TEST_EVENTS: '4',
    });
    expect(ended.code, ended.stderr).toBe(0);
    expect(ended.exitMillis).toBeLessThan(PROMPT_EXIT_MILLIS);

    const backend = { ...recordingBackend(), name: 'secureagentics' };
    const next = new AuditSpanExporter({ backends: [backend], spoolDir, serviceName: 'exit-down' });
    try {
      await expect.poll(() => backend.events().filter((e) => e.traceId === ended.traceId).length, { timeout: 10_000 }).toBe(6);
      const names = backend.events().filter((e) => e.traceId === ended.traceId).map((e) => e.payload['name'] ?? e.type);
      expect(names).toEqual(['session.start', 'tool_call', 'tool_call', 'tool_call', 'tool_call', 'session.end']);
      // Its session had ended: nothing to close as abandoned.
      expect(backend.events().filter((e) => e.payload['outcome'] === 'abandoned')).toEqual([]);
    } finally {
      await next.shutdown();
    }
  });
});
