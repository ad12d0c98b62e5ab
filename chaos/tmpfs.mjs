// A small tmpfs to run a disk full on (we run as root in CI), and a filler
// that takes every free byte of it. Mounts are process-wide on purpose: the
// 'exit' hook must unmount whatever is still mounted, however the runner ends.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** How often a full disk is topped up again (a spool frees delivered segments). */
const TOP_UP_MILLIS = 50;

const mounted = new Set();
process.on('exit', () => {
  for (const dir of mounted) unmountNow(dir);
});

/**
 * Mounts a tmpfs of `size` (e.g. '64m') on `dir`. Returns `{ ok: true }`,
 * or `{ ok: false, reason }` when it cannot (not root, no CAP_SYS_ADMIN):
 * the scenario is then skipped with that reason.
 */
export function mountTmpfs(dir, size) {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    return { ok: false, reason: `mount -t tmpfs on ${dir} failed: ${String(error.stderr ?? error.message).trim() || error.message}` };
  }
  mounted.add(dir);
  return { ok: true };
}

export function unmountTmpfs(dir) {
  if (mounted.has(dir)) unmountNow(dir);
}

function unmountNow(dir) {
  mounted.delete(dir);
  try {
    execFileSync('umount', [dir], { stdio: 'ignore' });
  } catch {
    // Still busy (a child holding a file open): detach it now, freed when the last file closes.
    try {
      execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
    } catch (error) {
      console.error(`chaos: could not unmount ${dir}: ${error.message}`);
    }
  }
}

/**
 * Fills the file system of `dir` to the last byte. `topUp()` takes back what
 * was freed meanwhile (a spool deleting a delivered segment), so the disk
 * stays full for as long as the scenario says; `release()` frees it all.
 */
export function fillDisk(dir) {
  const path = join(dir, `chaos-filler-${process.pid}`);
  const fd = openSync(path, 'a');
  const chunk = Buffer.alloc(1024 * 1024);
  let bytes = 0;
  const topUp = () => {
    // Halving chunks down to one byte: tmpfs hands out pages, and a page's tail is still room.
    for (let size = chunk.length; size >= 1; ) {
      try {
        bytes += writeSync(fd, chunk, 0, size);
      } catch (error) {
        if (error.code !== 'ENOSPC') throw error;
        size >>= 1;
      }
    }
  };
  topUp();
  return {
    get bytes() {
      return bytes;
    },
    topUp,
    release() {
      closeSync(fd);
      rmSync(path, { force: true });
    },
  };
}

/** Keeps the file system of `dir` full for `millis`, then frees it. */
export async function holdDiskFull(dir, millis) {
  const filler = fillDisk(dir);
  try {
    const until = Date.now() + millis;
    while (Date.now() < until) {
      await sleep(TOP_UP_MILLIS);
      filler.topUp();
    }
  } finally {
    filler.release();
  }
}
