/**
 * Helpers for the tarball tests: pack the built package as `npm pack` does
 * for a user, make an empty project that installs it, and read what npm
 * installed. Every npm call uses the local cache first (`--prefer-offline`):
 * the registry is only asked for what the cache lacks.
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const NPM_FLAGS = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

/** One entry of `npm pack --json`. */
export interface PackResult {
  filename: string;
  files: Array<{ path: string; size: number }>;
  entryCount: number;
  unpackedSize: number;
}

/**
 * The environment of a process run in a project: no audit, OTLP or vendor
 * settings of the test's own (a user's shell has none), and npm's lifecycle
 * variables of an enclosing `npm test` left out. The runtime of this test
 * comes first on PATH, so `npm` and `npx` run on it as they do for a user of
 * that Node: npm picks each package's newest version whose `engines` accept
 * it, which is how Node 20 gets the SDK 2.x line and Node 22.15+ the 3.x one.
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const dropped = /^(OTEL_|SECUREAGENTICS_|AGENTOPS_|AGENTAUDIT_|AGENTSUDO_|npm_package_|npm_lifecycle_|npm_config_node_version$)/i;
  const kept = Object.fromEntries(Object.entries(process.env).filter(([name]) => !dropped.test(name)));
  const path = [dirname(process.execPath), kept['PATH']].filter(Boolean).join(delimiter);
  return { ...kept, PATH: path, ...extra };
}

/** `npm pack` of the package at `root` into `destination`. */
export async function npmPack(root: string, destination: string): Promise<PackResult> {
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', destination, ...NPM_FLAGS], { cwd: root, env: userEnv() });
  const [result] = JSON.parse(stdout) as PackResult[];
  if (result === undefined) throw new Error(`npm pack printed no result: ${stdout}`);
  return result;
}

/**
 * Makes `dir` an empty project (a package.json with `dependencies`, nothing
 * else) and runs `npm install <packages…>` in it, as the README says.
 */
export async function installProject(dir: string, dependencies: Record<string, string>, packages: string[], logLevel = 'error'): Promise<{ stdout: string; stderr: string }> {
  await mkdir(dir, { recursive: true });
  const manifest = { name: 'app', version: '1.0.0', private: true, dependencies };
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const flags = NPM_FLAGS.map((flag) => (flag.startsWith('--loglevel=') ? `--loglevel=${logLevel}` : flag));
  return run('npm', ['install', ...packages, ...flags], { cwd: dir, env: userEnv(), maxBuffer: 16 * 1024 * 1024 });
}

interface LsNode {
  version?: string;
  dependencies?: Record<string, LsNode>;
}

/** Every version of each package in the project's installed tree (`npm ls --all`), by name. */
export async function installedVersions(dir: string): Promise<Map<string, Set<string>>> {
  const { stdout } = await run('npm', ['ls', '--all', '--json'], { cwd: dir, env: userEnv(), maxBuffer: 64 * 1024 * 1024 });
  const versions = new Map<string, Set<string>>();
  const walk = (node: LsNode): void => {
    for (const [name, child] of Object.entries(node.dependencies ?? {})) {
      if (child.version !== undefined) versions.set(name, (versions.get(name) ?? new Set()).add(child.version));
      walk(child);
    }
  };
  walk(JSON.parse(stdout) as LsNode);
  return versions;
}

/** The code blocks of the README marked `<!-- quickstart:<name> -->`, by name. */
export async function readmeQuickstarts(readmePath: string): Promise<Map<string, string>> {
  const readme = await readFile(readmePath, 'utf8');
  const blocks = new Map<string, string>();
  for (const match of readme.matchAll(/<!-- quickstart:([a-z]+) -->\s*```[a-z]*\n([\s\S]*?)```/g)) blocks.set(match[1]!, match[2]!);
  return blocks;
}

/** The version of `name` at the project's top level (node_modules/<name>): what a package there resolves it to. */
export async function topLevelVersion(dir: string, name: string): Promise<string> {
  return (JSON.parse(await readFile(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The version the project's lockfile (package-lock.json at `root`) holds for `name`. */
export async function lockedVersion(root: string, name: string): Promise<string> {
  const lock = JSON.parse(await readFile(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  const version = lock.packages[`node_modules/${name}`]?.version;
  if (version === undefined) throw new Error(`package-lock.json has no ${name}`);
  return version;
}

/**
 * Every copy of an `@opentelemetry/*` package on disk in the project, as
 * `name@version`, sorted: a package npm could not share appears as often as
 * it was installed (nested `node_modules` included).
 */
export async function openTelemetryCopies(dir: string): Promise<string[]> {
  const copies: string[] = [];
  const visit = async (modules: string): Promise<void> => {
    const scoped = join(modules, '@opentelemetry');
    const names = await readdir(scoped).catch(() => [] as string[]);
    for (const name of names) {
      const manifest = JSON.parse(await readFile(join(scoped, name, 'package.json'), 'utf8')) as { version: string };
      copies.push(`@opentelemetry/${name}@${manifest.version}`);
    }
    for (const entry of await readdir(modules).catch(() => [] as string[])) {
      const packages = entry.startsWith('@') ? (await readdir(join(modules, entry)).catch(() => [] as string[])).map((name) => join(entry, name)) : [entry];
      for (const name of packages) await visit(join(modules, name, 'node_modules'));
    }
  };
  await visit(join(dir, 'node_modules'));
  return copies.sort();
}
