/**
 * One process's claim on one spool folder. A service's spool folder holds
 * numbered slots (`0`, `1`, …); a process takes the first slot no live
 * process holds, so a second process with the same service name (cluster
 * workers, two runs of a CLI) gets a slot of its own and never waits. A
 * slot whose holder died (its lock names a pid that is gone) is taken over,
 * and what it holds is delivered by its new owner; slots with something in
 * them are taken over before empty ones.
 *
 * The lock is a file created exclusively (`wx`) holding pid, host and
 * time. A stale lock is replaced only by the process that made the slot's
 * takeover file (also exclusive), after it read the lock again.
 */
import { closeSync, openSync, readFileSync, readdirSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { makeDirectorySync } from '../make-directory.js';

/** Slots tried per service before giving up (then the caller keeps events in memory). */
const MAX_SLOTS = 64;
/** A lock file that cannot be read is taken for a crashed writer's only once it is this old. */
const UNREADABLE_LOCK_GRACE_MILLIS = 5_000;
const LOCK_FILE = 'lock';

/**
 * The locks this process holds. Process-wide on purpose, on `globalThis` so
 * the ESM and the CommonJS build loaded in one process share it: the lock
 * names a pid, and a lock with our pid that no copy of ours holds is a dead
 * predecessor's (a restarted container runs as pid 1 again).
 */
const HELD_KEY = Symbol.for('otel-agent-audit.held-spool-locks.v1');
const heldHere: Set<string> = ((globalThis as Record<symbol, unknown>)[HELD_KEY] as Set<string> | undefined) ?? new Set<string>();
(globalThis as Record<symbol, unknown>)[HELD_KEY] = heldHere;

/** A slot this process holds. */
export interface SpoolSlot {
  readonly dir: string;
  /** The pid whose stale lock was taken over, if the slot was another process's. */
  readonly adoptedFrom: number | undefined;
  /** Gives the slot up (its files stay, for the next process). Idempotent. */
  release(): void;
}

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  /** When the lock was made: tells a lock from a newer one with the same pid. */
  readonly since: string | undefined;
}

/**
 * Claims a slot under `serviceDir`, creating folders as needed.
 *
 * @throws the file system's error when the folder cannot be created or written; with every slot held, an Error saying so.
 * @example
 * const slot = claimSpoolSlot('/home/me/.local/state/otel-agent-audit/spool/checkout');
 * slot.dir; // '…/checkout/0'
 */
export function claimSpoolSlot(serviceDir: string, hasData: (slotDir: string) => boolean): SpoolSlot {
  makeDirectorySync(serviceDir, 0o700);
  const existing = readdirSync(serviceDir).filter((name) => /^\d+$/.test(name)).map(Number).sort((a, b) => a - b);
  // A dead process's data first, so it is drained soon; then any free slot.
  for (const index of existing) {
    const dir = join(serviceDir, String(index));
    if (hasData(dir)) {
      const slot = tryClaim(dir);
      if (slot) return slot;
    }
  }
  for (let index = 0; index < MAX_SLOTS; index++) {
    const dir = join(serviceDir, String(index));
    makeDirectorySync(dir, 0o700);
    const slot = tryClaim(dir);
    if (slot) return slot;
  }
  throw new Error(`all ${MAX_SLOTS} spool slots in ${serviceDir} are held by live processes`);
}

function tryClaim(dir: string): SpoolSlot | undefined {
  const lockPath = join(dir, LOCK_FILE);
  if (createLock(lockPath)) return heldSlot(dir, lockPath, undefined);
  const owner = readOwner(lockPath);
  if (owner === 'missing') return createLock(lockPath) ? heldSlot(dir, lockPath, undefined) : undefined;
  if (!isStale(lockPath, owner)) return undefined;
  // Taking a stale lock over is serialized by an exclusive takeover file, so
  // two processes starting together never both replace it: the one that
  // made the file looks again and replaces the lock; the other moves on.
  const takeover = `${lockPath}.takeover`;
  if (!createTakeover(takeover)) return undefined;
  try {
    const again = readOwner(lockPath);
    const unchanged = again === 'missing' || (again === 'unreadable' ? owner === 'unreadable' : owner !== 'unreadable' && again.pid === owner.pid && again.since === owner.since);
    if (!unchanged) return undefined; // taken over by someone else meanwhile
    tryUnlink(lockPath);
    return createLock(lockPath) ? heldSlot(dir, lockPath, owner === 'unreadable' ? 0 : owner.pid) : undefined;
  } finally {
    tryUnlink(takeover);
  }
}

/** A lock no live process of this host holds: its pid is gone (or is ours, but no copy of ours holds it), or it is unreadable and old. */
function isStale(lockPath: string, owner: LockOwner | 'unreadable'): boolean {
  if (owner === 'unreadable') return olderThan(lockPath, UNREADABLE_LOCK_GRACE_MILLIS);
  if (owner.host !== hostname()) return false; // another host's pid cannot be checked from here: never taken over
  if (heldHere.has(lockPath)) return false;
  return owner.pid === process.pid || !isAlive(owner.pid);
}

/** The takeover file, made exclusively; one left by a process that died while taking over is cleared after the grace. */
function createTakeover(path: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      closeSync(openSync(path, 'wx', 0o600));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !olderThan(path, UNREADABLE_LOCK_GRACE_MILLIS)) return false;
      tryUnlink(path);
    }
  }
  return false;
}

function createLock(lockPath: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
  } finally {
    closeSync(fd);
  }
  return true;
}

function heldSlot(dir: string, lockPath: string, adoptedFrom: number | undefined): SpoolSlot {
  let released = false;
  heldHere.add(lockPath);
  return {
    dir,
    adoptedFrom,
    release() {
      if (released) return;
      released = true;
      heldHere.delete(lockPath);
      const owner = readOwner(lockPath);
      if (owner !== 'missing' && owner !== 'unreadable' && owner.pid === process.pid) tryUnlink(lockPath);
    },
  };
}

function readOwner(lockPath: string): LockOwner | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(lockPath, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
  }
  try {
    const parsed = JSON.parse(text) as { pid?: unknown; host?: unknown; since?: unknown };
    if (Number.isInteger(parsed.pid) && typeof parsed.host === 'string') return { pid: parsed.pid as number, host: parsed.host, since: typeof parsed.since === 'string' ? parsed.since : undefined };
  } catch {
    // a lock torn by a crash while it was being written
  }
  return 'unreadable';
}

/** `kill(pid, 0)` tests for existence; EPERM means it exists under another user. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function olderThan(path: string, millis: number): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > millis;
  } catch {
    return true;
  }
}

function tryUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
