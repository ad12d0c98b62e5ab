/**
 * The receiver and the gateway are subpaths of their own
 * (`otel-agent-audit/receiver`, `otel-agent-audit/gateway`) so that an
 * application that imports the library loads no HTTP server code. Each
 * check loads the built entry by package name in a fresh process and lists
 * the modules that process loaded: ESM through a module `load` hook (the only
 * record ESM keeps), CommonJS through `require.cache`. The receiver's and
 * the gateway's own entries are the control: the same check must see their modules.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = join(root, 'test/package/fixtures');
let dir: string;

beforeAll(async () => {
  if (!existsSync(join(root, 'dist/esm/index.js')) || !existsSync(join(root, 'dist/cjs/index.js'))) {
    throw new Error('these tests load the built package: run `npm run build` first (`npm test` does)');
  }
  dir = await mkdtemp(join(tmpdir(), 'otel-agent-audit-entry-'));
});
afterAll(() => (dir === undefined ? undefined : rm(dir, { recursive: true, force: true })));

/** The file URLs of the ES modules a fresh process loads for `import(specifier)`. */
async function esmModulesLoadedBy(specifier: string): Promise<string[]> {
  const file = join(dir, `loaded-${Math.random().toString(36).slice(2)}.txt`);
  await run(process.execPath, ['--import', join(fixtures, 'record-loaded-modules.mjs'), join(fixtures, 'import-entry.mjs'), specifier], {
    cwd: root,
    env: { ...process.env, LOADED_MODULES_FILE: file },
  });
  return (await readFile(file, 'utf8')).split('\n').filter((url) => url.startsWith('file:'));
}

/** The file paths a fresh process's CommonJS loader holds after `require(specifier)`. */
async function cjsModulesLoadedBy(specifier: string): Promise<string[]> {
  const { stdout } = await run(process.execPath, [join(fixtures, 'require-entry.cjs'), specifier], { cwd: root });
  return JSON.parse(stdout) as string[];
}

describe('the core entry', () => {
  it('loads no receiver or gateway module from the ESM build', async () => {
    const loaded = await esmModulesLoadedBy('otel-agent-audit');
    expect(loaded.some((url) => url.endsWith('/dist/esm/index.js'))).toBe(true);
    expect(loaded.filter((url) => url.includes('/dist/esm/receiver/') || url.includes('/dist/esm/gateway/'))).toEqual([]);
    expect(loaded.filter((url) => url.includes('/node_modules/pg'))).toEqual([]);
  });

  it('loads no receiver or gateway module from the CommonJS build', async () => {
    const loaded = await cjsModulesLoadedBy('otel-agent-audit');
    expect(loaded.some((path) => path.endsWith('/dist/cjs/index.js'))).toBe(true);
    expect(loaded.filter((path) => path.includes('/dist/cjs/receiver/') || path.includes('/dist/cjs/gateway/'))).toEqual([]);
    expect(loaded.filter((path) => path.includes('/node_modules/pg'))).toEqual([]);
  });
});

describe('the receiver entry', () => {
  it('loads the receiver from otel-agent-audit/receiver in both builds', async () => {
    const [esm, cjs] = await Promise.all([esmModulesLoadedBy('otel-agent-audit/receiver'), cjsModulesLoadedBy('otel-agent-audit/receiver')]);
    expect(esm).toContainEqual(expect.stringMatching(/\/dist\/esm\/receiver\/receiver\.js$/));
    expect(cjs).toContainEqual(expect.stringMatching(/\/dist\/cjs\/receiver\/receiver\.js$/));
  });

  it('loads no PostgreSQL driver until a postgres store is asked for', async () => {
    const [esm, cjs] = await Promise.all([esmModulesLoadedBy('otel-agent-audit/receiver'), cjsModulesLoadedBy('otel-agent-audit/receiver')]);
    expect(esm.filter((url) => url.includes('/node_modules/pg') || url.includes('/receiver/postgres/'))).toEqual([]);
    expect(cjs.filter((path) => path.includes('/node_modules/pg') || path.includes('/receiver/postgres/'))).toEqual([]);
  });
});

describe('the gateway entry', () => {
  it('loads the gateway from otel-agent-audit/gateway in both builds', async () => {
    const [esm, cjs] = await Promise.all([esmModulesLoadedBy('otel-agent-audit/gateway'), cjsModulesLoadedBy('otel-agent-audit/gateway')]);
    expect(esm).toContainEqual(expect.stringMatching(/\/dist\/esm\/gateway\/audit-gateway\.js$/));
    expect(cjs).toContainEqual(expect.stringMatching(/\/dist\/cjs\/gateway\/audit-gateway\.js$/));
  });
});
