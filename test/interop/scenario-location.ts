/**
 * Where an interop scenario runs. By default in this repository, on its own
 * packages (the SDK 2.x line of package-lock.json). With `INTEROP_APP_DIR`
 * set, in that app instead: a project with the packed tarball installed
 * beside an OpenTelemetry line and the frameworks, as a user installs them
 * (`test/interop/install-line-app.mjs` makes it; CI does so for the newest
 * line on Node 24). The scenarios are copied into it once per run, by the
 * global setup test/support/interop-app.ts (which also checks the app holds
 * the line this Node gets), so that everything they load, our package
 * included, resolves from the app's node_modules.
 */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Where a scenario runs: the working directory, the script (relative to it), and whether that is the app of INTEROP_APP_DIR. */
export interface ScenarioLocation {
  cwd: string;
  script: string;
  inApp: boolean;
}

/** The location of `scenario`. */
export function scenarioLocation(scenario: string): ScenarioLocation {
  const app = process.env.INTEROP_APP_DIR;
  // A scenario outside scenarios/ (test/node22's, with packages of its own) stays where it is.
  if (app === undefined || app === '' || scenario.includes('/')) return { cwd: root, script: `test/interop/scenarios/${scenario}.mjs`, inApp: false };
  return { cwd: app, script: `interop-scenarios/${scenario}.mjs`, inApp: true };
}

/**
 * For a scenario run in the app: throws unless it printed (harness.mjs) that
 * it loaded the SDK from the app's node_modules; one that resolved packages
 * elsewhere did not test the app it was meant to.
 */
export function checkLoadedFrom({ cwd, inApp }: ScenarioLocation, stdout: string): void {
  if (!inApp) return;
  const loaded = /^sdk-trace: (.+)$/m.exec(stdout)?.[1];
  const expected = pathToFileURL(join(cwd, 'node_modules/')).href;
  if (loaded === undefined || !loaded.startsWith(expected)) {
    throw new Error(`the scenario loaded @opentelemetry/sdk-trace from ${loaded ?? '(nothing printed)'}, not from ${expected}`);
  }
}
