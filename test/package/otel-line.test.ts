/**
 * The OpenTelemetry line this runtime gets, installed as a user installs it:
 * `npm install <tarball> @opentelemetry/api @opentelemetry/sdk-node` in an
 * empty app, with npm running on this Node. npm takes each package's newest
 * release whose `engines` accept the runtime, so Node 20 gets the 2.x line
 * (sdk-node 0.2xx, API 1.9) and Node 22.15+ the newest one (sdk-node 0.30x,
 * SDK 3.x, API 1.10). CI runs this file on Node 20 and on Node 24: both lines.
 *
 * Four projects, installed once (beforeAll), in parallel:
 * - `app`: the tarball, `@opentelemetry/api` and `@opentelemetry/sdk-node`;
 * - `bare`: the same app without us, to compare what we add;
 * - `logsApp`: `app` plus the README's install command of this line's logs
 *   setup (instrumentation-openai, sdk-logs, and api-logs on API 1.9);
 * - `pinnedApp`: the README's command for an app that stays on API 1.9
 *   without sdk-node (`@opentelemetry/api@1.9` with the 2.x line's
 *   `sdk-trace` and OTLP trace exporters), which must install cleanly on
 *   either Node.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAIServer, textReply } from '../servers/fake-openai-server.js';
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
let logsApp: string;
let pinnedApp: string;
let installOutput: { app: string; bare: string; pinned: string };

beforeAll(async () => {
  if (!existsSync(join(root, 'dist/esm/index.js'))) throw new Error('these tests pack the built package: run `npm run build` first (`npm test` does)');
  work = await mkdtemp(join(tmpdir(), 'otel-agent-audit-line-'));
  const tarball = join(work, (await npmPack(root, work)).filename);
  app = join(work, 'app');
  bare = join(work, 'bare');
  logsApp = join(work, 'logs-app');
  pinnedApp = join(work, 'pinned-app');
  const logsPackages = (await readmeCommand(`logs-${LINE.suffix}`)).split(/\s+/);
  // As a shell passes them: the quotes around a range taken off.
  const pinnedPackages = (await readmeCommand('api-1.9')).split(/\s+/).map((word) => (word === '<tarball>' ? tarball : word.replaceAll('"', '')));
  // At npm's default log level, so that every warning a user would see is here.
  const [withUs, without, , pinned] = await Promise.all([
    installProject(app, {}, [tarball, ...USER_COMMAND], 'warn'),
    installProject(bare, {}, USER_COMMAND, 'warn'),
    installProject(logsApp, {}, [tarball, ...USER_COMMAND, ...logsPackages]),
    installProject(pinnedApp, {}, pinnedPackages, 'warn'),
  ]);
  installOutput = { app: withUs.stderr, bare: without.stderr, pinned: pinned.stderr };
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

/**
 * The packages of the README's `npm install` command in the sh block just
 * before the block marked `<!-- snippet:<name> -->` (for `api-1.9`: the words
 * after `npm install` of the block marked `<!-- command:api-1.9 -->`).
 */
async function readmeCommand(name: string): Promise<string> {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const match =
    new RegExp(`\`\`\`sh\\nnpm install ([^\\n]+)\\n\`\`\`\\s*<!-- snippet:${name} -->`).exec(readme) ??
    new RegExp(`<!-- command:${name} -->\\s*\`\`\`sh\\nnpm install ([^\\n]+)\\n\`\`\``).exec(readme);
  if (match === null) throw new Error(`README.md has no npm install command for ${name}`);
  return match[1]!.trim();
}

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

/** Appended to the README's logs setup: one model call on the instrumented client, in a session, against the fake server. */
const LOGS_AGENT = `
import { withSession } from 'otel-agent-audit';

const client = new OpenAI({ baseURL: process.env.FAKE_OPENAI_URL, apiKey: process.env.FAKE_OPENAI_KEY });
await withSession({ agentName: 'logs-agent' }, () =>
  client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'What is the weather in Oslo?' }] }),
);
await loggerProvider.shutdown();
await audit.shutdown();
`;

const SESSION_EVENTS = ['custom:session.start', 'tool_call', 'prompt', 'completion', 'custom:session.end', 'custom:audit.checkpoint'];

/** Runs `node <args>` in `cwd` (the app) with a strict Secureagentics server and an OTLP sink; returns what each received. */
async function runWithServers(args: string[], cwd = app, extraEnv: Record<string, string> = {}) {
  const [server, sink] = await Promise.all([startSecureagenticsServer(), startOtlpSink()]);
  try {
    const spool = await mkdtemp(join(work, 'spool-'));
    const env = userEnv({
      SECUREAGENTICS_API_KEY: server.apiKey,
      SECUREAGENTICS_BASE_URL: server.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      OTEL_AGENT_AUDIT_SPOOL_DIR: spool,
      ...extraEnv,
    });
    const { stdout, stderr } = await run(process.execPath, args, { cwd, env });
    return { events: server.allEvents(), rejected: server.requests.filter((request) => request.status >= 400), spans: sink.spans(), stdout, stderr };
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

  it('runs the README’s logs setup of this line as pasted: the content instrumentation-openai writes as log records reaches the prompt and completion', async () => {
    const model = await startFakeOpenAIServer();
    try {
      model.enqueue(textReply('Light rain in Oslo.'));
      // The snippet, then an agent on the instrumented client it loads (import declarations may follow code in a module).
      await writeFile(join(logsApp, 'logs-agent.mjs'), `${await readmeSnippet(`logs-${LINE.suffix}`)}${LOGS_AGENT}`);
      const { events, rejected, stderr } = await runWithServers(['logs-agent.mjs'], logsApp, {
        FAKE_OPENAI_URL: `${model.url}/v1`,
        FAKE_OPENAI_KEY: model.apiKey,
        OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
      });

      expect(model.requests.map((request) => request.status)).toEqual([200]);
      expect(rejected).toEqual([]);
      // In any order: the instrumentation ends its span in a callback of the request's promise, which may come after the session's end.
      expect(eventNames(events).sort()).toEqual(['completion', 'custom:audit.checkpoint', 'custom:session.end', 'custom:session.start', 'prompt']);
      // Neither is on the span: only the log records carry the text.
      const [prompt, completion] = ['prompt', 'completion'].map((type) => events.find((event) => event.type === type)!.payload);
      expect(JSON.stringify(prompt)).toContain('What is the weather in Oslo?');
      expect(JSON.stringify(completion)).toContain('Light rain in Oslo.');
      expect(problems(stderr)).toEqual([]);
    } finally {
      await model.close();
    }
  });

  it('runs the shipped instrumented-openai example on the line’s logs API', async () => {
    const { stdout, stderr } = await runWithServers(['node_modules/otel-agent-audit/examples/instrumented-openai.mjs'], logsApp);

    expect(stdout).toContain('Agent: It is 12 °C with light rain in Oslo.');
    expect(stdout).toContain('Audit trail: 8 events');
    // The prompt's text comes from the log records.
    expect(stdout).toMatch(/prompt +gpt-4o-mini \(20 tokens\): user: What is the weather in Oslo\?/);
    expect(stdout).toMatch(/completion +gpt-4o-mini-2024-07-18 \(14 tokens\): It is 12 °C with light rain in Oslo\./);
    expect(problems(stderr)).toEqual([]);
  });
});

describe(`an app that stays on API 1.9, on Node ${process.versions.node}: the README’s command with @opentelemetry/sdk-trace@^2.9`, () => {
  it('installs with no ERESOLVE or peer warning, into a tree `npm ls --all` finds valid, on the 2.x sdk-trace', async () => {
    expect(installOutput.pinned).not.toMatch(/ERESOLVE|peer dep|EBADENGINE/i);
    // But npm's notice of protobufjs's install script (the OTLP proto exporter's), which an app on sdk-node gets as well.
    expect(warnings(installOutput.pinned).filter((line) => !line.startsWith('npm warn install-scripts'))).toEqual([]);
    await run('npm', ['ls', '--all'], { cwd: pinnedApp, env: userEnv(), maxBuffer: 16 * 1024 * 1024 });
    expect(await topLevelVersion(pinnedApp, '@opentelemetry/api')).toMatch(/^1\.9\./);
    expect(await topLevelVersion(pinnedApp, '@opentelemetry/sdk-trace')).toMatch(/^2\./);
    // One copy of each SDK package: none nested for us.
    const copies = await openTelemetryCopies(pinnedApp);
    for (const name of ['@opentelemetry/sdk-trace', '@opentelemetry/core', '@opentelemetry/resources']) expect(copies.filter((copy) => copy.startsWith(`${name}@`)), name).toHaveLength(1);
  });

  it('runs a setupAudit app: the exact events to a strict server', async () => {
    const { events, rejected, stderr } = await runWithServers(['node_modules/otel-agent-audit/examples/quickstart.mjs'], pinnedApp);

    expect(rejected).toEqual([]);
    expect(eventNames(events)).toEqual(SESSION_EVENTS);
    expect(problems(stderr)).toEqual([]);
  });
});
