/**
 * Without a spool, events are kept in memory: on purpose (`spoolDir: false`),
 * or because the folder cannot be used, which is said once, visibly.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { AuditSpanExporter, withToolCall } from '../../src/index.js';
import { it } from '../support/audit-test.js';
import { recordingBackend } from '../support/recording-backend.js';
import { freshSpoolDir } from '../support/tracing.js';
import { spoolWarnings } from '../support/spool-warnings.js';

describe('spool off', () => {
  it('keeps events in memory with spoolDir: false, and has no spool stats', async ({ install }) => {
    const warnings = spoolWarnings();
    const backend = recordingBackend();
    const { processor } = install.backends([backend], { spoolDir: false });
    withToolCall('in_memory', {}, () => 1);
    await processor.forceFlush();
    expect(backend.events().map((e) => e.payload['tool_name'])).toEqual(['in_memory']);
    expect(processor.stats().spool).toBeUndefined();
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings).toEqual([]);
  });

  it('falls back to memory when the spool folder cannot be made (a path under a regular file), with one warning naming the folder', async ({ install }) => {
    const warnings = spoolWarnings();
    const file = join(freshSpoolDir(), 'not-a-folder');
    writeFileSync(file, 'a regular file');
    const spoolDir = join(file, 'spool');
    const backend = recordingBackend();
    const { processor } = install.backends([backend], { spoolDir, serviceName: 'blocked' });
    withToolCall('still_delivered', {}, () => 1);
    await processor.forceFlush();
    expect(backend.events().map((e) => e.payload['tool_name'])).toEqual(['still_delivered']);
    expect(processor.stats().spool).toBeUndefined();
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain(join(spoolDir, 'blocked'));
    expect(warnings[0]!.message).toContain('in memory');
  });

  it('opens no spool for an exporter without backends', async () => {
    const warnings = spoolWarnings();
    const exporter = new AuditSpanExporter({ backends: [], spoolDir: freshSpoolDir() });
    expect(exporter.stats().spool).toBeUndefined();
    await exporter.shutdown();
    expect(warnings).toEqual([]);
  });
});
