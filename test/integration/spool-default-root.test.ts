/**
 * The default spool folder lives in the OS temp dir when XDG_STATE_HOME is
 * not set: `<tmp>/otel-agent-audit-<user>/spool`, a name anyone on the
 * machine can predict and create first. The audit trail (prompts, tool
 * arguments) must not go into a folder another user owns or can write, nor
 * through a symlink someone planted there.
 *
 * The environment is read once per process, so it is set before anything
 * is imported (this file runs in a process of its own): no spool folder
 * from the environment, and a temp dir of this test's own.
 */
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { afterAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { spoolWarnings } from '../support/spool-warnings.js';

const tmp = await vi.hoisted(async () => {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join: joinPath } = await import('node:path');
  const dir = mkdtempSync(joinPath(tmpdir(), 'spool-default-root-'));
  delete process.env['OTEL_AGENT_AUDIT_SPOOL_DIR'];
  delete process.env['XDG_STATE_HOME'];
  process.env['TMPDIR'] = dir;
  return dir;
});

const { AuditSpanExporter } = await import('../../src/index.js');
const { recordingBackend } = await import('../support/recording-backend.js');

/** The per-user folder the default root is in, as another user could have made it before us. */
const userFolder = join(tmp, `otel-agent-audit-${userInfo().username.replace(/[^A-Za-z0-9._-]+/g, '_')}`);
/** A uid that is not ours (nobody). */
const OTHER_UID = 65534;

const isRoot = process.getuid?.() === 0;

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('default spool root', () => {
  it('spools in <tmp>/otel-agent-audit-<user>/spool/<service>, made private to the user', async () => {
    const exporter = new AuditSpanExporter({ backends: [recordingBackend()], serviceName: 'private' });
    onTestFinished(async () => {
      await exporter.shutdown();
      rmSync(userFolder, { recursive: true, force: true });
    });
    expect(exporter.stats().spool!.dir).toBe(join(userFolder, 'spool', 'private', '0'));
    expect(statSync(userFolder).mode & 0o077).toBe(0);
  });

  // Anyone can create /tmp/otel-agent-audit-<user> first: used as it is, that user
  // would read every spooled prompt and tool argument, could plant segments (forged
  // events delivered as ours) or point our files at others. (Making a folder of
  // another uid needs root.)
  it.skipIf(!isRoot)('does not spool into a per-user folder another user made first, open to everyone', async () => {
    const warnings = spoolWarnings();
    mkdirSync(userFolder, { mode: 0o777 });
    chmodSync(userFolder, 0o777);
    chownSync(userFolder, OTHER_UID, OTHER_UID);
    const exporter = new AuditSpanExporter({ backends: [recordingBackend()], serviceName: 'planted' });
    onTestFinished(async () => {
      await exporter.shutdown();
      rmSync(userFolder, { recursive: true, force: true });
    });
    await new Promise((resolve) => setImmediate(resolve));
    // Either a folder of its own elsewhere, or memory only, said once.
    const dir = exporter.stats().spool?.dir;
    if (dir === undefined) expect(warnings).toHaveLength(1);
    else expect(dir.startsWith(userFolder)).toBe(false);
  });

  // Nor may that name be a symlink to a folder of the other user's choosing.
  it('does not follow a symlink planted as the per-user folder', async () => {
    const elsewhere = join(tmp, 'someone-elses');
    mkdirSync(elsewhere, { mode: 0o777 });
    symlinkSync(elsewhere, userFolder);
    const exporter = new AuditSpanExporter({ backends: [recordingBackend()], serviceName: 'linked' });
    onTestFinished(async () => {
      await exporter.shutdown();
      rmSync(userFolder, { force: true });
      rmSync(elsewhere, { recursive: true, force: true });
    });
    expect(existsSync(elsewhere) ? readdirSync(elsewhere) : []).toEqual([]);
  });
});
