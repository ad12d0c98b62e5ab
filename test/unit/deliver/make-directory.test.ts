/**
 * Folders and their missing parents, on the real file system, including the
 * path Node's recursive mkdir never returns from (under /proc).
 */
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirectory, makeDirectorySync } from '../../../src/deliver/make-directory.js';

const scratch = (): string => mkdtempSync(join(tmpdir(), 'make-directory-'));

describe.each([
  ['makeDirectory', (dir: string, mode?: number) => makeDirectory(dir, mode)],
  ['makeDirectorySync', async (dir: string, mode?: number) => makeDirectorySync(dir, mode)],
] as const)('%s', (_name, make) => {
  it('creates a folder and its missing parents, with the mode asked for; an existing one is fine', async () => {
    const dir = join(scratch(), 'a', 'b', 'c');
    await make(dir, 0o700);
    await make(dir, 0o700);
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('fails at once under /proc with the error of the level it could not create', async () => {
    await expect(make('/proc/otel-agent-audit/spool/x')).rejects.toMatchObject({ code: 'ENOENT', path: '/proc/otel-agent-audit' });
  });

  it('fails under a file with ENOTDIR', async () => {
    const file = join(scratch(), 'file');
    writeFileSync(file, 'x');
    await expect(make(join(file, 'sub', 'dir'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });
});
