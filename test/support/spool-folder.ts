/**
 * Every test file (one process each) gets a spool folder of its own, so no
 * test delivers what another left in a spool, and none writes to the user's
 * state folder. Child processes a test starts inherit it (the variable), as
 * a restarted service would find its spool. Tests of the spool itself pass
 * `spoolDir` explicitly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

if (process.env['OTEL_AGENT_AUDIT_SPOOL_DIR'] === undefined) {
  const folder = mkdtempSync(join(tmpdir(), 'audit-test-spool-'));
  process.env['OTEL_AGENT_AUDIT_SPOOL_DIR'] = folder;
  process.on('exit', () => rmSync(folder, { recursive: true, force: true }));
}
