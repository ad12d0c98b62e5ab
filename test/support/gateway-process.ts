/**
 * The audit gateway as operators run it: `otel-agent-audit gateway` from the
 * built package, in a process of its own, configured by environment only, so
 * that a test can kill it with SIGKILL and start it again on the same port
 * and spool.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';

const CLI = fileURLToPath(new URL('../../dist/esm/cli/main.js', import.meta.url));
const READY_TIMEOUT_MILLIS = 20_000;

/** One running `otel-agent-audit gateway` process. */
export interface GatewayProcess {
  readonly url: string;
  readonly port: number;
  /** What it wrote to stderr so far (for a failing test's message). */
  stderr(): string;
  /** kill -9: no shutdown, no flush. */
  kill9(): Promise<void>;
  /** SIGTERM: the gateway stops taking requests, delivers what it holds, exits. Resolves with its exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `otel-agent-audit gateway --port <port>` (0: any free one) with
 * `env` over the test process's environment, and resolves once it listens.
 *
 * @example
 * const gateway = await startGatewayProcess(0, { OTEL_AGENT_AUDIT_SPOOL_DIR: dir, … });
 */
export async function startGatewayProcess(port: number, env: Record<string, string>): Promise<GatewayProcess> {
  if (!existsSync(CLI)) throw new Error('this test runs the built CLI: run `npm run build` first (`npm test` does)');
  const child: ChildProcess = spawn(process.execPath, [CLI, 'gateway', '--port', String(port)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  onTestFinished(() => void child.kill('SIGKILL'));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`gateway did not listen within ${READY_TIMEOUT_MILLIS} ms: ${stderr}`)), READY_TIMEOUT_MILLIS);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const listening = /listening on (http:\/\/\S+)/.exec(out);
      if (listening) {
        clearTimeout(timer);
        resolve(listening[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited (${code}) before it listened: ${stderr}`));
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    stderr: () => stderr,
    kill9: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
