/**
 * Where an interop scenario runs. By default in this repository, on its own
 * packages (the SDK 2.x line of package-lock.json). With `INTEROP_APP_DIR`
 * set, in that app instead: a project with the packed tarball installed
 * beside an OpenTelemetry line and the frameworks, as a user installs them
 * (`test/interop/install-line-app.mjs` makes it; CI does so for the newest
 * line on Node 24). The scenarios are copied into it, so that everything they
 * load, our package included, resolves from the app's node_modules.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SCENARIOS = join(root, 'test/interop/scenarios');
let copied: string | undefined;

/** The working directory and script path (relative to it) of `scenario`. */
export function scenarioLocation(scenario: string): { cwd: string; script: string } {
  const app = process.env.INTEROP_APP_DIR;
  if (app === undefined || app === '') return { cwd: root, script: `test/interop/scenarios/${scenario}.mjs` };
  if (copied !== app) {
    cpSync(SCENARIOS, join(app, 'interop-scenarios'), { recursive: true, force: true });
    copied = app;
  }
  return { cwd: app, script: `interop-scenarios/${scenario}.mjs` };
}

/**
 * Throws unless the scenario printed (harness.mjs) that it loaded the SDK
 * from `cwd`'s node_modules: a scenario that resolved packages elsewhere did
 * not test the app it was meant to.
 */
export function checkLoadedFrom(cwd: string, stdout: string): void {
  const loaded = /^sdk-trace: (.+)$/m.exec(stdout)?.[1];
  const expected = pathToFileURL(join(cwd, 'node_modules/')).href;
  if (loaded === undefined || !loaded.startsWith(expected)) {
    throw new Error(`the scenario loaded @opentelemetry/sdk-trace from ${loaded ?? '(nothing printed)'}, not from ${expected}`);
  }
}
