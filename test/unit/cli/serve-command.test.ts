// `serve` for real, in-process: the receiver listens on 127.0.0.1:0 and is
// called over HTTP; an AbortSignal stands in for Ctrl+C.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { serve } from '../../../src/cli/serve-command.js';
import { runCli } from '../../../src/cli/run-cli.js';
import { captureIo } from './cli-streams.js';

interface Running {
  url: string;
  io: ReturnType<typeof captureIo>;
  /** Aborts the signal and resolves with the exit code. */
  stop(): Promise<number>;
}

const running = new Set<Running>();

afterEach(async () => {
  await Promise.all([...running].map((r) => r.stop()));
  running.clear();
});

/** Runs `otel-agent-audit serve <args>` until `stop()`; resolves once it prints its URL. */
async function startServe(args: string[]): Promise<Running> {
  const controller = new AbortController();
  const io = captureIo(controller.signal);
  const exit = runCli(['serve', ...args], io);
  const failed = exit.then((code) => Promise.reject(new Error(`serve exited ${code} before listening: ${io.stderr.text}`)));
  const [, url] = await Promise.race([io.stdout.waitFor(/listening on (http:\/\/\S+)/), failed]);
  const handle: Running = {
    url: url!,
    io,
    stop: () => {
      controller.abort();
      running.delete(handle);
      return exit;
    },
  };
  running.add(handle);
  return handle;
}

async function call(url: string, method: 'GET' | 'POST', path: string, body?: unknown, token = 'any-token') {
  const reply = await request(url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: reply.statusCode, body: (await reply.body.json()) as any };
}

async function registerAgent(url: string, token?: string): Promise<string> {
  const reply = await call(url, 'POST', '/v1/agents', { name: 'cli-test', framework: 'custom' }, token);
  expect(reply.status).toBe(201);
  return reply.body.id as string;
}

const PROMPT = { type: 'prompt', payload: { prompt: 'hi', model: 'm' }, timestamp: '2026-05-04T10:30:00Z' };

describe('serve', () => {
  it('starts a receiver on loopback that answers HTTP, logs each event, and stops cleanly', async () => {
    const signalListeners = process.listenerCount('SIGINT') + process.listenerCount('SIGTERM');
    const served = await startServe(['--port', '0', '--host', '127.0.0.1']);
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(served.io.stdout.text).toContain('(memory only, no --file); Ctrl+C to stop');

    const agent = await registerAgent(served.url);
    const stored = await call(served.url, 'POST', `/v1/agents/${agent}/events`, PROMPT);
    expect(stored.status).toBe(201);
    await served.io.stdout.waitFor(new RegExp(`2026-05-04T10:30:00(\\.000)?Z ${agent} prompt allow\\n`));

    expect(await served.stop()).toBe(0);
    expect(served.io.stdout.text).toMatch(/otel-agent-audit receiver stopped\n$/);
    expect(served.io.stderr.text).toBe('');
    await expect(request(served.url + '/v1/agents', { method: 'GET' })).rejects.toThrow();
    // Every SIGINT/SIGTERM listener serve added is gone: the CLI can run again in this process.
    expect(process.listenerCount('SIGINT') + process.listenerCount('SIGTERM')).toBe(signalListeners);
  });

  it('stops on SIGINT, as Ctrl+C does', async () => {
    const io = captureIo();
    const exit = serve(['--port', '0'], io);
    await io.stdout.waitFor(/listening on/);
    process.emit('SIGINT');
    expect(await exit).toBe(0);
    expect(io.stdout.text).toContain('otel-agent-audit receiver stopped');
  });

  it('binds 127.0.0.1 when --host is not given', async () => {
    const served = await startServe(['-p', '0']);
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('with --api-key, refuses any other bearer token', async () => {
    const served = await startServe(['--port', '0', '--api-key', 'sekrit']);
    const refused = await call(served.url, 'POST', '/v1/agents', { name: 'x', framework: 'custom' }, 'wrong');
    expect(refused.status).toBe(401);
    await registerAgent(served.url, 'sekrit');
  });

  it('with --deny-tool (repeatable), blocks tool calls to each named tool', async () => {
    const served = await startServe(['--port', '0', '--deny-tool', 'rm_rf', '--deny-tool', 'drop_db']);
    const agent = await registerAgent(served.url);
    for (const tool of ['rm_rf', 'drop_db', 'search']) {
      const reply = await call(served.url, 'POST', `/v1/agents/${agent}/events`, { type: 'tool_call', payload: { tool_name: tool, arguments: {} } });
      expect([tool, reply.body.policy_result.decision]).toEqual([tool, tool === 'search' ? 'allow' : 'block']);
    }
    await served.io.stdout.waitFor(/tool_call block \(tool\.denylist\)\n/);
  });

  it('serves the trail viewer on loopback by default and prints its URL', async () => {
    const served = await startServe(['--port', '0']);
    expect(served.io.stdout.text).toContain(`trail viewer: ${served.url}/ui/\n`);
    const page = await request(`${served.url}/ui/`);
    expect([page.statusCode, page.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8']);
    await page.body.text();
  });

  it('with --no-ui, serves no viewer and prints no viewer URL; --ui turns it on', async () => {
    const off = await startServe(['--port', '0', '--no-ui']);
    expect(off.io.stdout.text).not.toContain('trail viewer');
    expect((await call(off.url, 'GET', '/ui/api/sessions')).status).toBe(404);
    const on = await startServe(['--port', '0', '--ui']);
    expect(on.io.stdout.text).toContain(`trail viewer: ${on.url}/ui/`);
    expect((await call(on.url, 'GET', '/ui/api/sessions')).status).toBe(200);
  });

  it('with --quiet, prints no line per event', async () => {
    const served = await startServe(['--port', '0', '-q']);
    const agent = await registerAgent(served.url);
    await call(served.url, 'POST', `/v1/agents/${agent}/events`, PROMPT);
    expect(await served.stop()).toBe(0);
    expect(served.io.stdout.text).not.toContain(' prompt allow');
  });

  it('with --file, appends to a JSONL trail and reloads it on the next start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'otel-agent-audit-cli-'));
    try {
      const file = join(dir, 'trail.jsonl');
      const first = await startServe(['--port', '0', '--file', file]);
      expect(first.io.stdout.text).toContain(`(trail ${file})`);
      const agent = await registerAgent(first.url);
      await call(first.url, 'POST', `/v1/agents/${agent}/events`, PROMPT);
      expect(await first.stop()).toBe(0);
      expect(await readFile(file, 'utf8')).toContain(agent);

      const second = await startServe(['--port', '0', '-f', file, '--quiet']);
      const listed = await call(second.url, 'GET', `/v1/agents/${agent}/events`);
      expect(listed.status).toBe(200);
      expect(JSON.stringify(listed.body)).toContain('"prompt"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('closes at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const io = captureIo(controller.signal);
    expect(await serve(['--port', '0'], io)).toBe(0);
    expect(io.stdout.text).toMatch(/listening on .*\ntrail viewer: .*\/ui\/\n.*stopped\n$/);
  });
});
