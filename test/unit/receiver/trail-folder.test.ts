/**
 * The receiver's trail file in a folder that cannot be created: the receiver
 * refuses to start at once, saying why, instead of hanging in Node's
 * recursive mkdir (which never returns under /proc).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startAuditReceiver } from '../../../src/receiver/receiver.js';

describe('the trail file of the receiver', () => {
  it('under a folder that cannot be created: start fails at once with the file system error', async () => {
    const started = Date.now();
    await expect(startAuditReceiver({ port: 0, file: '/proc/otel-agent-audit/trail.jsonl', onWarning: () => {} })).rejects.toThrow(/ENOENT.*\/proc\/otel-agent-audit/);
    // The hang this guards against never ends; a start that fails takes milliseconds.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('in folders that do not exist yet: creates them and starts', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'trail-folder-')), 'a', 'b', 'trail.jsonl');
    const receiver = await startAuditReceiver({ port: 0, file, onWarning: () => {} });
    await receiver.close();
    expect(readFileSync(file, 'utf8')).toBe('');
  });
});
