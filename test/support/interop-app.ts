/**
 * Vitest global setup for interop runs in an installed app (INTEROP_APP_DIR,
 * see test/interop/scenario-location.ts): once per run, before any worker
 * starts, it checks that the app holds the OpenTelemetry line this runtime
 * is meant to test, and copies the scenarios into it, so that everything
 * they load resolves from the app's node_modules. Without INTEROP_APP_DIR it
 * does nothing.
 */
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The line npm installs on this Node: SDK 3.x and API 1.10 need Node 22.15 or later. */
export function expectedLine(nodeVersion: string): { api: RegExp; sdkTrace: RegExp; name: string } {
  const [major = 0, minor = 0] = nodeVersion.split('.').map(Number);
  const newest = major > 22 || (major === 22 && minor >= 15);
  return newest
    ? { name: 'newest (API 1.10+, SDK 3.x)', api: /^1\.(1\d|[2-9]\d)\./, sdkTrace: /^3\./ }
    : { name: '2.x (API 1.9, SDK 2.x)', api: /^1\.9\./, sdkTrace: /^2\./ };
}

function versionIn(app: string, name: string): string {
  const manifest = join(app, 'node_modules', name, 'package.json');
  if (!existsSync(manifest)) throw new Error(`INTEROP_APP_DIR=${app} has no ${name}: make it with \`node test/interop/install-line-app.mjs ${app}\``);
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

export default function setup(): void {
  const app = process.env.INTEROP_APP_DIR;
  if (app === undefined || app === '') return;
  const line = expectedLine(process.versions.node);
  const api = versionIn(app, '@opentelemetry/api');
  const sdkTrace = versionIn(app, '@opentelemetry/sdk-trace');
  if (!line.api.test(api) || !line.sdkTrace.test(sdkTrace)) {
    throw new Error(`INTEROP_APP_DIR=${app} holds @opentelemetry/api ${api} and sdk-trace ${sdkTrace}, not the ${line.name} line Node ${process.versions.node} gets: reinstall it with this Node`);
  }
  const copy = join(app, 'interop-scenarios');
  rmSync(copy, { recursive: true, force: true });
  cpSync(join(root, 'test/interop/scenarios'), copy, { recursive: true });
  console.log(`interop scenarios run in ${app}: @opentelemetry/api ${api}, sdk-trace ${sdkTrace} (${line.name})`);
}
