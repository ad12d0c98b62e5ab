/**
 * The OpenTelemetry line this runtime gets, installed as a user installs it:
 * `npm install <tarball> @opentelemetry/api @opentelemetry/sdk-node` in an
 * empty app, with npm running on this Node. npm takes each package's newest
 * release whose `engines` accept the runtime, so Node 20 gets the 2.x line
 * (sdk-node 0.2xx, API 1.9) and Node 22.15+ the newest one (sdk-node 0.30x,
 * SDK 3.x, API 1.10). CI runs this file on Node 20 and on Node 24: both lines.
 *
 * Two projects, installed once (beforeAll) by the same command:
 * - `app`: the tarball, `@opentelemetry/api` and `@opentelemetry/sdk-node`;
 * - `bare`: the same app without us, to compare what we add.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpSink } from '../servers/otlp-sink.js';
import { startSecureagenticsServer, type StoredEvent } from '../servers/secureagentics-server.js';
import { SECRET_CORPUS } from '../support/secret-corpus.js';
import { installProject, npmPack, openTelemetryCopies, topLevelVersion, userEnv } from './packed-project.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const INSTALL_TIMEOUT_MILLIS = 180_000;
const USER_COMMAND = ['@opentelemetry/api', '@opentelemetry/sdk-node'];

/** The line npm picks for this runtime: SDK 3.x needs Node 22.15 or later. */
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const NEWEST_LINE = major > 22 || (major === 22 && minor >= 15);
const LINE = NEWEST_LINE
  ? { name: 'newest (SDK 3.x)', sdkNode: /^0\.3\d\d\./, api: /^1\.(1\d|[2-9]\d)\./, suffix: '3' }
  : { name: '2.x', sdkNode: /^0\.2\d\d\./, api: /^1\.9\./, suffix: '2' };

let work: string;
let app: string;
let bare: string;
let installOutput: { app: string; bare: string };

beforeAll(async () => {
  if (!existsSync(join(root, 'dist/esm/index.js'))) throw new Error('these tests pack the built package: run `npm run build` first (`npm test` does)');
  work = await mkdtemp(join(tmpdir(), 'otel-agent-audit-line-'));
  const tarball = join(work, (await npmPack(root, work)).filename);
  app = join(work, 'app');
  bare = join(work, 'bare');
  // At npm's default log level, so that every warning a user would see is here.
  const [withUs, without] = await Promise.all([
    installProject(app, {}, [tarball, ...USER_COMMAND], 'warn'),
    installProject(bare, {}, USER_COMMAND, 'warn'),
  ]);
  installOutput = { app: withUs.stderr, bare: without.stderr };
}, INSTALL_TIMEOUT_MILLIS);

afterAll(() => (work === undefined ? undefined : rm(work, { recursive: true, force: true })));

/** npm's warnings, without the run-specific parts (counts, timings). */
function warnings(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => /^npm (warn|error)/i.test(line))
    .map((line) => line.replace(/\d+/g, 'N'));
}

/** Each accepted event as `type`, or `custom:<name>` for custom events. */
function eventNames(events: readonly StoredEvent[]): string[] {
  return events.map((event) => (event.type === 'custom' ? `custom:${String(event.payload['name'])}` : event.type));
}

/** Errors and warnings a run printed, but the notice of the signing key made on first start (expected in a fresh app). */
function problems(stderr: string): string[] {
  return stderr.split('\n').filter((line) => /error|warning/i.test(line) && !line.includes('[OTEL_AGENT_AUDIT_SIGNING_KEY]') && !line.includes('--trace-warnings'));
}

/** The README's code block marked `<!-- snippet:<name> -->`. */
async function readmeSnippet(name: string): Promise<string> {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const match = new RegExp(`<!-- snippet:${name} -->\\s*\`\`\`[a-z]*\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (match === null) throw new Error(`README.md has no block marked <!-- snippet:${name} -->`);
  return match[1]!;
}

/** A key the default redaction rules know (openai_key), planted in the tool's arguments. */
const PLANTED_KEY = SECRET_CORPUS.find((entry) => entry.rule === 'openai_key')!.secret;

/** An agent of the public helpers: one session with a tool call and a model call. */
const AGENT = `
import { withLLMCall, withSession, withToolCall } from 'otel-agent-audit';

await withSession({ agentName: 'line-agent' }, async () => {
  const forecast = await withToolCall('get_forecast', { city: 'Oslo', note: 'sent with ${PLANTED_KEY}' }, async () => ({ sky: 'rain', celsius: 7 }));
  const messages = [{ role: 'user', content: 'Forecast: ' + JSON.stringify(forecast) }];
  await withLLMCall({ model: 'gpt-4o-mini', provider: 'openai', messages }, async () => ({
    id: 'chatcmpl-line', object: 'chat.completion', model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Rain in Oslo.' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 9, completion_tokens: 4 },
  }));
});
`;

const SESSION_EVENTS = ['custom:session.start', 'tool_call', 'prompt', 'completion', 'custom:session.end', 'custom:audit.checkpoint'];

/** Runs `node <args>` in the app with a strict Secureagentics server and an OTLP sink; returns what each received. */
async function runWithServers(args: string[]) {
  const [server, sink] = await Promise.all([startSecureagenticsServer(), startOtlpSink()]);
  try {
    const spool = await mkdtemp(join(work, 'spool-'));
    const env = userEnv({
      SECUREAGENTICS_API_KEY: server.apiKey,
      SECUREAGENTICS_BASE_URL: server.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      OTEL_AGENT_AUDIT_SPOOL_DIR: spool,
    });
    const { stderr } = await run(process.execPath, args, { cwd: app, env });
    return { events: server.allEvents(), rejected: server.requests.filter((request) => request.status >= 400), spans: sink.spans(), stderr };
  } finally {
    await Promise.all([server.close(), sink.close()]);
  }
}

describe(`npm install <tarball> @opentelemetry/api @opentelemetry/sdk-node on Node ${process.versions.node}: the ${LINE.name} line`, () => {
  it('gets the line this Node is meant to get', async () => {
    expect(await topLevelVersion(app, '@opentelemetry/sdk-node')).toMatch(LINE.sdkNode);
    expect(await topLevelVersion(app, '@opentelemetry/api')).toMatch(LINE.api);
    expect(await topLevelVersion(app, 'otel-agent-audit')).toBe('0.1.0');
  });

  it('installs with no ERESOLVE and no warning the same app without us does not get', () => {
    expect(installOutput.app).not.toMatch(/ERESOLVE|peer dep|EBADENGINE/i);
    const theirs = new Set(warnings(installOutput.bare));
    expect(warnings(installOutput.app).filter((line) => !theirs.has(line))).toEqual([]);
  });

  it('leaves a tree `npm ls --all` finds valid', async () => {
    // npm ls exits non-zero on a missing, invalid or extraneous package, and says which.
    const { stdout } = await run('npm', ['ls', '--all'], { cwd: app, env: userEnv(), maxBuffer: 16 * 1024 * 1024 });
    expect(stdout).toContain('otel-agent-audit@0.1.0');
  });

  it('adds no copy of an OpenTelemetry package: each of ours is the app’s own', async () => {
    expect(await openTelemetryCopies(app)).toEqual(await openTelemetryCopies(bare));
  });

  it('runs the README’s NodeSDK snippet of this line as pasted, auditing every event to a strict server beside OTLP', async () => {
    await writeFile(join(app, 'otel.mjs'), await readmeSnippet(`nodesdk-${LINE.suffix}`));
    await writeFile(join(app, 'agent.mjs'), AGENT);

    const { events, rejected, spans, stderr } = await runWithServers(['--import', './otel.mjs', 'agent.mjs']);

    expect(rejected).toEqual([]);
    expect(eventNames(events)).toEqual(SESSION_EVENTS);
    expect(spans.map((span) => span.name).sort()).toEqual(['chat gpt-4o-mini', 'execute_tool get_forecast', 'invoke_agent line-agent']);
    expect(problems(stderr)).toEqual([]);
  });

  it('runs the README’s stamp-only snippet of this line as pasted: no audit events, spans redacted over OTLP', async () => {
    await writeFile(join(app, 'stamp.mjs'), await readmeSnippet(`stamp-only-${LINE.suffix}`));
    await writeFile(join(app, 'agent.mjs'), AGENT);

    const { events, spans, stderr } = await runWithServers(['--import', './stamp.mjs', 'agent.mjs']);

    expect(events).toEqual([]);
    expect(spans.map((span) => span.name).sort()).toEqual(['chat gpt-4o-mini', 'execute_tool get_forecast', 'invoke_agent line-agent']);
    const exported = JSON.stringify(spans);
    expect(exported).not.toContain(PLANTED_KEY);
    expect(exported).toContain('[REDACTED:openai_key]');
    expect(problems(stderr)).toEqual([]);
  });

  it('runs the shipped NodeSDK example on the line’s SDK', async () => {
    const { events, rejected, spans, stderr } = await runWithServers(['node_modules/otel-agent-audit/examples/existing-nodesdk.mjs']);

    expect(rejected).toEqual([]);
    expect(eventNames(events)).toEqual(['custom:session.start', 'prompt', 'completion', 'custom:session.end', 'custom:audit.checkpoint']);
    expect(spans.map((span) => span.name)).toContain('SELECT invoices');
    expect(problems(stderr)).toEqual([]);
  });

  it('runs a setupAudit app on the line’s SDK: the exact events to a strict server, its spans over OTLP', async () => {
    const { events, rejected, spans, stderr } = await runWithServers(['node_modules/otel-agent-audit/examples/quickstart.mjs']);

    expect(rejected).toEqual([]);
    expect(eventNames(events)).toEqual(SESSION_EVENTS);
    expect(spans.map((span) => span.name).sort()).toEqual(['chat gpt-4o-mini', 'execute_tool get_forecast', 'invoke_agent quickstart-agent']);
    expect(problems(stderr)).toEqual([]);
  });
});
