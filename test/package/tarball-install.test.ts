/**
 * The package as a user gets it (README "Install"): `npm pack` of the build,
 * installed into empty projects with `npm install <tarball> @opentelemetry/api`.
 * The README's quickstart blocks run there as pasted, ESM and CommonJS; the
 * shipped examples and the receiver subpath run from node_modules; and an
 * app on an OpenTelemetry SDK release other than the newest shares its SDK
 * packages with ours instead of getting second copies.
 *
 * Two projects, installed once for the whole file (beforeAll):
 * - `minimal`: the tarball and `@opentelemetry/api`, nothing else.
 * - `sdk-app`: an app on `@opentelemetry/sdk-node` and `sdk-trace-base` at the
 *   versions of this repository's lockfile, which are not the newest 2.x
 *   (a fresh install of our ranges gets the newest).
 * - `lowest`: an app on the lowest versions our ranges claim (LOWEST).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpSink } from '../servers/otlp-sink.js';
import { startSecureagenticsServer } from '../servers/secureagentics-server.js';
import { installedVersions, installProject, lockedVersion, npmPack, readmeQuickstarts, topLevelVersion, userEnv, type PackResult } from './packed-project.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const INSTALL_TIMEOUT_MILLIS = 120_000;
// The repository's own TypeScript and Node types; the empty project has neither.
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const TYPE_ROOTS = join(root, 'node_modules/@types');
/** The bottom of each range in package.json: what the package is tested to work with. */
const LOWEST = {
  '@opentelemetry/api': '1.9.0',
  '@opentelemetry/context-async-hooks': '2.0.0',
  '@opentelemetry/core': '2.0.0',
  '@opentelemetry/resources': '2.0.0',
  '@opentelemetry/sdk-trace': '2.9.0',
  '@opentelemetry/exporter-trace-otlp-http': '0.200.0',
  '@opentelemetry/exporter-trace-otlp-proto': '0.200.0',
};

let work: string;
let packed: PackResult;
let minimal: string;
let sdkApp: string;
let lowest: string;
let appSdk: { sdkNode: string; sdkTraceBase: string };
let quickstarts: Map<string, string>;

beforeAll(async () => {
  if (!existsSync(join(root, 'dist/esm/index.js')) || !existsSync(join(root, 'dist/cjs/index.js'))) {
    throw new Error('these tests pack the built package: run `npm run build` first (`npm test` does)');
  }
  work = await mkdtemp(join(tmpdir(), 'otel-agent-audit-tarball-'));
  packed = await npmPack(root, work);
  const tarball = join(work, packed.filename);
  minimal = join(work, 'minimal');
  sdkApp = join(work, 'sdk-app');
  lowest = join(work, 'lowest');
  appSdk = {
    sdkNode: await lockedVersion(root, '@opentelemetry/sdk-node'),
    sdkTraceBase: await lockedVersion(root, '@opentelemetry/sdk-trace-base'),
  };
  const appDependencies = { '@opentelemetry/sdk-node': appSdk.sdkNode, '@opentelemetry/sdk-trace-base': appSdk.sdkTraceBase };
  await Promise.all([
    installProject(minimal, {}, [tarball, '@opentelemetry/api']),
    installProject(sdkApp, appDependencies, [tarball, '@opentelemetry/api']),
    installProject(lowest, LOWEST, [tarball]),
  ]);
  quickstarts = await readmeQuickstarts(join(root, 'README.md'));
}, INSTALL_TIMEOUT_MILLIS);

afterAll(() => (work === undefined ? undefined : rm(work, { recursive: true, force: true })));

/** Runs `node <args>` in `cwd` as a user's shell would, with a spool folder of its own. */
async function node(cwd: string, args: string[], env: Record<string, string> = {}) {
  const spool = await mkdtemp(join(work, 'spool-'));
  return run(process.execPath, args, { cwd, env: userEnv({ OTEL_AGENT_AUDIT_SPOOL_DIR: spool, ...env }) });
}

/** Each line of a JSONL trail as `type` or `type:name` (custom events). */
async function trailEvents(file: string): Promise<string[]> {
  const lines = (await readFile(file, 'utf8')).trim().split('\n');
  return lines.map((line) => {
    const event = JSON.parse(line) as { type: string; payload: { name?: string } };
    return event.type === 'custom' ? `custom:${event.payload.name}` : event.type;
  });
}

describe('the packed tarball', () => {
  it('holds the ESM and CJS builds, the examples and the README, and nothing of src/ or test/', () => {
    const paths = packed.files.map((file) => file.path);
    for (const path of paths) expect(path).toMatch(/^(dist\/(esm|cjs)\/|examples\/[^/]+\.mjs$|package\.json$|README\.md$|LICENSE$)/);
    expect(paths.filter((path) => /\.test\.|(^|\/)(src|test|bench|chaos|scripts)\//.test(path))).toEqual([]);
    expect(paths).toEqual(expect.arrayContaining(['README.md', 'dist/cjs/package.json', 'examples/quickstart.mjs', 'examples/demo.mjs']));
  });

  it('holds every file its exports map and bin point to', async () => {
    const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { exports: unknown; bin: Record<string, string> };
    // The values of the exports map (its keys are subpaths, not files), and the bin.
    const values = (entry: unknown): string[] => (typeof entry === 'string' ? [entry] : Object.values(entry as object).flatMap(values));
    const targets = [...values(manifest.exports), ...Object.values(manifest.bin)].map((path) => path.replace(/^\.\//, ''));
    expect(targets).toEqual(expect.arrayContaining(['dist/esm/receiver/index.js', 'dist/cjs/receiver/index.d.ts']));
    const paths = new Set(packed.files.map((file) => file.path));
    expect(targets.filter((target) => !paths.has(target))).toEqual([]);
  });
});

describe('the README quickstart in an empty project', () => {
  it.each([
    ['esm', 'index.mjs'],
    ['cjs', 'index.cjs'],
  ])('runs the %s block as pasted and writes the trail it describes', async (format, script) => {
    const code = quickstarts.get(format);
    expect(code, `README.md has a block marked <!-- quickstart:${format} -->`).toBeDefined();
    await rm(join(minimal, 'audit-trail.jsonl'), { force: true });
    await writeFile(join(minimal, script), code!);

    const { stdout } = await node(minimal, [script]);

    expect(stdout).toBe('Order 42 has shipped.\n');
    expect(await trailEvents(join(minimal, 'audit-trail.jsonl'))).toEqual([
      'custom:session.start',
      'tool_call',
      'prompt',
      'completion',
      'custom:session.end',
      'custom:audit.checkpoint',
    ]);
    // The README's next step; `--no`: never fetch a package of that name from a registry.
    const verify = await run('npx', ['--no', 'otel-agent-audit', 'verify', 'audit-trail.jsonl'], { cwd: minimal, env: userEnv() });
    expect(verify.stdout).toContain('verified: 6 events in 1 stream');
  });
});

describe('the installed package', () => {
  it('serves the receiver from otel-agent-audit/receiver only, in ESM and CJS', async () => {
    const probe = [
      "const core = require('otel-agent-audit');",
      "const receiver = require('otel-agent-audit/receiver');",
      "import('otel-agent-audit/receiver').then((esm) => console.log(JSON.stringify({",
      '  core: typeof core.startAuditReceiver, cjs: typeof receiver.startAuditReceiver, esm: typeof esm.startAuditReceiver })));',
    ].join('\n');
    await writeFile(join(minimal, 'probe.cjs'), probe);
    const { stdout } = await node(minimal, ['probe.cjs']);
    expect(JSON.parse(stdout)).toEqual({ core: 'undefined', cjs: 'function', esm: 'function' });
  });

  it('serves the trail viewer page and its script from the installed receiver (the assets are in the package)', async () => {
    const probe = [
      "import { startAuditReceiver } from 'otel-agent-audit/receiver';",
      "const receiver = await startAuditReceiver({ port: 0, host: '127.0.0.1', ui: true });",
      'const answers = [];',
      "for (const path of ['/ui/', '/ui/viewer.js', '/ui/viewer.css']) {",
      '  const response = await fetch(receiver.url + path);',
      '  const body = await response.text();',
      "  answers.push([path, response.status, response.headers.get('content-type'), body.length > 500]);",
      '}',
      'await receiver.close();',
      'console.log(JSON.stringify(answers));',
    ].join('\n');
    await writeFile(join(minimal, 'viewer-probe.mjs'), probe);
    const { stdout } = await node(minimal, ['viewer-probe.mjs']);
    expect(JSON.parse(stdout)).toEqual([
      ['/ui/', 200, 'text/html; charset=utf-8', true],
      ['/ui/viewer.js', 200, 'text/javascript; charset=utf-8', true],
      ['/ui/viewer.css', 200, 'text/css; charset=utf-8', true],
    ]);
  });

  it('gives TypeScript the types of both entries, with node16+ and with node10 module resolution', async () => {
    // In types.cts (CommonJS under nodenext) these imports compile to require().
    const source = [
      "import { setupAudit } from 'otel-agent-audit';",
      "import { startAuditReceiver, type AuditReceiver, type AuditReceiverOptions } from 'otel-agent-audit/receiver';",
      'export const start: (options: AuditReceiverOptions) => Promise<AuditReceiver> = startAuditReceiver;',
      'export const setup = setupAudit;',
    ].join('\n');
    await Promise.all(['types.mts', 'types.cts', 'types.ts'].map((file) => writeFile(join(minimal, file), `${source}\n`)));
    const tsc = (args: string[]) =>
      run(process.execPath, [TSC, '--noEmit', '--strict', '--skipLibCheck', '--types', 'node', '--typeRoots', TYPE_ROOTS, ...args], { cwd: minimal }).catch(
        (error: { stdout?: string }) => {
          throw new Error(`tsc ${args.join(' ')} failed:\n${error.stdout ?? ''}`);
        },
      );
    // node16+ reads the exports map (types.mts: its import condition, types.cts: require);
    // node10, still the default for `module: commonjs`, reads typesVersions.
    await tsc(['--module', 'nodenext', '--moduleResolution', 'nodenext', 'types.mts', 'types.cts']);
    await tsc(['--module', 'commonjs', '--moduleResolution', 'node10', 'types.ts']);
  });

  it('runs the shipped demo (the receiver subpath, in-process) from node_modules', async () => {
    const { stdout } = await node(minimal, ['node_modules/otel-agent-audit/examples/demo.mjs']);
    expect(stdout).toContain("Blocked before it ran: delete_customer (tool 'delete_customer' is on the deny list)");
    expect(stdout).toMatch(/verified: \d+ events in 1 stream/);
  });

  it('runs the shipped quickstart example against an audit API', async () => {
    const server = await startSecureagenticsServer();
    try {
      const env = { SECUREAGENTICS_API_KEY: server.apiKey, SECUREAGENTICS_BASE_URL: server.url };
      const { stdout } = await node(minimal, ['node_modules/otel-agent-audit/examples/quickstart.mjs'], env);
      expect(stdout).toContain('You said: Forecast:');
      expect(server.allEvents().map((event) => event.type)).toEqual(['custom', 'tool_call', 'prompt', 'completion', 'custom', 'custom']);
    } finally {
      await server.close();
    }
  });
});

describe('an app on its own OpenTelemetry SDK release', () => {
  it('gets one copy of each OpenTelemetry package: ours resolve to the app’s', async () => {
    const versions = await installedVersions(sdkApp);
    const otel = [...versions].filter(([name]) => name.startsWith('@opentelemetry/'));
    expect(otel.filter(([, found]) => found.size > 1).map(([name, found]) => `${name}: ${[...found].join(', ')}`)).toEqual([]);
    expect([...versions.get('@opentelemetry/sdk-trace-base')!]).toEqual([appSdk.sdkTraceBase]);
    expect([...versions.get('@opentelemetry/sdk-node')!]).toEqual([appSdk.sdkNode]);
    for (const ours of ['context-async-hooks', 'core', 'resources', 'sdk-trace', 'exporter-trace-otlp-http', 'exporter-trace-otlp-proto']) {
      expect(versions.has(`@opentelemetry/${ours}`), ours).toBe(true);
    }
  });

  it('runs the shipped NodeSDK example with the app’s SDK', async () => {
    const [server, sink] = await Promise.all([startSecureagenticsServer(), startOtlpSink()]);
    try {
      const env = { SECUREAGENTICS_API_KEY: server.apiKey, SECUREAGENTICS_BASE_URL: server.url, OTEL_EXPORTER_OTLP_ENDPOINT: sink.url };
      await node(sdkApp, ['node_modules/otel-agent-audit/examples/existing-nodesdk.mjs'], env);
      expect(server.allEvents().map((event) => event.type)).toEqual(['custom', 'prompt', 'completion', 'custom', 'custom']);
      expect(sink.spans().map((span) => span.name)).toContain('SELECT invoices');
    } finally {
      await Promise.all([server.close(), sink.close()]);
    }
  });
});

describe('an app on the lowest OpenTelemetry versions the ranges allow', () => {
  it('are the bottoms of the ranges in package.json', async () => {
    const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    const ranges = { ...manifest['dependencies'], ...manifest['peerDependencies'] };
    const bottoms = Object.keys(LOWEST).map((name) => [name, /\d+\.\d+\.\d+/.exec(ranges[name] ?? '')?.[0]]);
    expect(Object.fromEntries(bottoms)).toEqual(LOWEST);
  });

  it('uses them and runs the README quickstart', async () => {
    // What the package resolves to is the project's top-level copy (sdk-trace
    // 2.9.0 pins core 2.9.0 for itself, nested below it).
    for (const [name, version] of Object.entries(LOWEST)) expect(await topLevelVersion(lowest, name), name).toBe(version);
    await writeFile(join(lowest, 'index.mjs'), quickstarts.get('esm') ?? '');

    const { stdout } = await node(lowest, ['index.mjs']);

    expect(stdout).toBe('Order 42 has shipped.\n');
    expect(await trailEvents(join(lowest, 'audit-trail.jsonl'))).toHaveLength(6);
  });
});
