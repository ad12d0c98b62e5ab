/**
 * `OTEL_AGENT_AUDIT_SPOOL_DIR=none` turns the spool off for every pipeline
 * that does not set spoolDir itself. The environment is read once per
 * process, so it is set before anything is imported (this file runs in a
 * process of its own).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env['OTEL_AGENT_AUDIT_SPOOL_DIR'] = 'none';
});

const { AuditSpanExporter } = await import('../../src/index.js');
const { recordingBackend } = await import('../support/recording-backend.js');

describe('spool off by environment', () => {
  it('keeps events in memory when OTEL_AGENT_AUDIT_SPOOL_DIR is none', async () => {
    const exporter = new AuditSpanExporter({ backends: [recordingBackend()] });
    try {
      expect(exporter.stats().spool).toBeUndefined();
    } finally {
      await exporter.shutdown();
    }
  });

  it('lets spoolDir in code win over the environment', async () => {
    const spoolDir = mkdtempSync(join(tmpdir(), 'spool-off-env-'));
    const exporter = new AuditSpanExporter({ backends: [recordingBackend()], spoolDir });
    try {
      expect(exporter.stats().spool!.dir.startsWith(spoolDir)).toBe(true);
    } finally {
      await exporter.shutdown();
      rmSync(spoolDir, { recursive: true, force: true });
    }
  });
});
