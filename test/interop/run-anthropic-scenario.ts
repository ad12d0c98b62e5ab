/**
 * Runs one interop scenario against the fake Anthropic server, the way
 * run-scenario.ts runs one against the fake OpenAI server: a separate Node
 * process loading the built package by name, a real instrumentation, and the
 * local audit receiver. The child gets the Anthropic base URL (no `/v1`) in
 * `INTEROP_MODEL_URL`.
 *
 * It also gets `INTEROP_EGRESS_PROXY_URL`, a loopback proxy that answers
 * every request (and CONNECT) with 403 and records it: a scenario that
 * starts a program of its own (the Claude CLI) points that program's
 * HTTP(S)_PROXY there, so whatever it tries to reach besides the fake
 * server is refused and shows in `egress`.
 *
 * With `otlpReceiver: true` the child also gets `INTEROP_OTLP_URL`, a
 * loopback OTLP/HTTP JSON receiver that keeps every body posted to
 * `/v1/traces` and `/v1/logs` (the Claude CLI's own telemetry); with
 * `INTEROP_CAPTURE=1` they are written to `captured/<name>-cli-otlp.json`.
 */
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { verifyTrail } from '../../src/index.js';
import { startAuditReceiver } from '../../src/receiver/index.js';
import { CHECKPOINT_NAME } from '../../src/chain/chain-fields.js';
import { startFakeAnthropicServer, type AnthropicReply, type AnthropicRequest } from '../servers/fake-anthropic-server.js';
import { listenOnLoopback, mediaTypeOf, parseJson, readBody, sendJson } from '../servers/loopback-server.js';
import { scenarioSpoolDir, withoutChainFields, type ScenarioRun } from './run-scenario.js';
import { checkLoadedFrom, scenarioLocation } from './scenario-location.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));

export interface AnthropicScenarioRun extends Omit<ScenarioRun, 'modelRequests'> {
  /** Requests the fake Anthropic server received, whatever their path. */
  modelRequests: readonly AnthropicRequest[];
  /** What reached the egress trap: `CONNECT host:port` or `GET <absolute URL>`. */
  egress: readonly string[];
  /** OTLP JSON bodies the child's programs posted (with `otlpReceiver: true`), in arrival order. */
  otlp: ReadonlyArray<{ path: string; body: unknown }>;
}

export interface AnthropicScenarioOptions {
  /** Extra variables for the child. */
  env?: Record<string, string>;
  /** Names the capture file when `INTEROP_CAPTURE=1`; default the scenario's name. */
  captureName?: string;
  /** Default 60 s; a scenario that starts the Claude CLI needs longer. */
  timeoutMillis?: number;
  /** Start a loopback OTLP receiver and pass its URL as `INTEROP_OTLP_URL`. */
  otlpReceiver?: boolean;
}

/**
 * Starts the receiver, the fake Anthropic server (with `replies` queued) and
 * the egress trap, runs `test/interop/scenarios/<scenario>.mjs` to
 * completion, and returns what they saw.
 */
export async function runAnthropicScenario(
  scenario: string,
  replies: readonly AnthropicReply[],
  options: AnthropicScenarioOptions = {},
): Promise<AnthropicScenarioRun> {
  const receiverKey = 'interop-receiver-key';
  const receiver = await startAuditReceiver({ port: 0, apiKey: receiverKey });
  const model = await startFakeAnthropicServer();
  const trap = await startEgressTrap();
  const otlp = options.otlpReceiver === true ? await startOtlpRecorder() : undefined;
  model.enqueue(...replies);
  const spoolDir = scenarioSpoolDir();
  try {
    // The child sees none of this process's OTel, vendor or proxy settings.
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(OTEL_|SECUREAGENTICS_|INTEROP_|ANTHROPIC_|CLAUDE_)|_PROXY$/i.test(k)),
    );
    const captureFile = `${root}test/interop/captured/${options.captureName ?? scenario}`;
    const capture: Record<string, string> = process.env.INTEROP_CAPTURE === '1' ? { INTEROP_CAPTURE_FILE: `${captureFile}.json` } : {};
    const location = scenarioLocation(scenario);
    const { stdout, stderr } = await run(process.execPath, [location.script], {
      cwd: location.cwd,
      timeout: options.timeoutMillis ?? 60_000,
      maxBuffer: 16 * 1024 * 1024,
      env: {
        ...inherited,
        INTEROP_RECEIVER_URL: receiver.url,
        INTEROP_RECEIVER_KEY: receiverKey,
        INTEROP_MODEL_URL: model.url,
        INTEROP_MODEL_KEY: model.apiKey,
        INTEROP_EGRESS_PROXY_URL: trap.url,
        OTEL_AGENT_AUDIT_SPOOL_DIR: spoolDir,
        ...(otlp ? { INTEROP_OTLP_URL: otlp.url } : {}),
        ...capture,
        ...options.env,
      },
    });
    checkLoadedFrom(location, stdout);
    const stored = [...receiver.events()];
    const posted = [...(otlp?.bodies ?? [])];
    if (otlp && process.env.INTEROP_CAPTURE === '1') writeFileSync(`${captureFile}-cli-otlp.json`, `${JSON.stringify(posted, null, 2)}\n`);
    return {
      events: stored.filter((e) => e.payload['name'] !== CHECKPOINT_NAME).map(withoutChainFields),
      trail: verifyTrail(stored),
      modelRequests: [...model.requests],
      egress: [...trap.attempts],
      otlp: posted,
      stdout,
      stderr,
    };
  } finally {
    await Promise.all([receiver.close(), model.close(), trap.close(), otlp?.close()]);
    rmSync(spoolDir, { recursive: true, force: true });
  }
}

/** A proxy on 127.0.0.1 that forwards nothing: every request and CONNECT is recorded and refused. */
async function startEgressTrap(): Promise<{ url: string; attempts: string[]; close(): Promise<void> }> {
  const attempts: string[] = [];
  const loopback = await listenOnLoopback((req, res) => {
    attempts.push(`${req.method} ${req.url}`);
    res.writeHead(403, { 'content-type': 'text/plain' }).end('egress refused by the interop test\n');
  });
  loopback.server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    attempts.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
  });
  return { url: loopback.url, attempts, close: () => loopback.close() };
}

/** OTLP/HTTP JSON on 127.0.0.1: keeps the parsed body of every POST to /v1/traces, /v1/logs or /v1/metrics, answers `{}`. */
async function startOtlpRecorder(): Promise<{ url: string; bodies: Array<{ path: string; body: unknown }>; close(): Promise<void> }> {
  const bodies: Array<{ path: string; body: unknown }> = [];
  const loopback = await listenOnLoopback((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    readBody(req).then((raw) => {
      const known = req.method === 'POST' && ['/v1/traces', '/v1/logs', '/v1/metrics'].includes(path);
      if (!known) return void sendJson(res, 404, { message: `no route for ${req.method} ${path}` });
      if (mediaTypeOf(req.headers['content-type']) !== 'application/json') return void sendJson(res, 415, { message: 'OTLP JSON only' });
      bodies.push({ path, body: parseJson(raw.toString('utf8')) });
      sendJson(res, 200, {});
    }, () => res.destroy());
  });
  return { url: loopback.url, bodies, close: () => loopback.close() };
}
