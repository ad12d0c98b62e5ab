/**
 * Creating a folder and its missing parents, one level at a time. Not
 * `mkdir(dir, { recursive: true })`: Node's recursive mkdir never returns
 * where a parent exists but refuses children with ENOENT (procfs, e.g. a
 * path under /proc), spinning the CPU forever; here each level is tried
 * once, so such a path fails at once with the error a user can act on.
 */
import { mkdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Creates `dir` and any missing parents; an existing folder is fine.
 *
 * @throws the file system's error (ENOENT, EACCES, ENOTDIR, …) for the level that could not be created.
 */
export async function makeDirectory(dir: string, mode?: number): Promise<void> {
  try {
    await mkdir(dir, { mode });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw error;
    await makeDirectory(parent, mode);
    await mkdir(dir, { mode }).catch((again: NodeJS.ErrnoException) => {
      if (again.code !== 'EEXIST') throw again;
    });
  }
}

/** {@link makeDirectory}, synchronously: for setup paths that run once, before any event. */
export function makeDirectorySync(dir: string, mode?: number): void {
  try {
    mkdirSync(dir, { mode });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw error;
    makeDirectorySync(parent, mode);
    try {
      mkdirSync(dir, { mode });
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code !== 'EEXIST') throw again;
    }
  }
}
