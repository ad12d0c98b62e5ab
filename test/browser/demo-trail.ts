// The demo's sessions for the viewer tests: `examples/demo.mjs` run for real
// (its fake model, its tool gate, its receiver), and the trail file it leaves
// copied out, so a receiver started by the test replays exactly those sessions.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freshSpoolDir } from '../support/tracing.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Runs the demo and copies its trail to `target`. The demo loads the built
 * package by name, so the build must exist (`npm test` builds first).
 */
export async function recordDemoTrail(target: string): Promise<void> {
  if (!existsSync(join(root, 'dist/esm/index.js'))) {
    throw new Error('the viewer tests run examples/demo.mjs, which loads the built package: run `npm run build` first (`npm test` does)');
  }
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_') && !name.startsWith('SECUREAGENTICS_')));
  const { stdout } = await run(process.execPath, ['examples/demo.mjs'], { cwd: root, env: { ...clean, OTEL_AGENT_AUDIT_SPOOL_DIR: freshSpoolDir() } });
  const stored = /\(stored in (.+audit-trail\.jsonl)\)/.exec(stdout)?.[1];
  if (stored === undefined) throw new Error(`the demo did not say where it stored its trail:\n${stdout}`);
  await copyFile(stored, target);
  await rm(dirname(stored), { recursive: true, force: true });
}
