/**
 * Follows a file as `tail -F` does: its bytes from the start, then each
 * append as it lands, read from where the last read stopped (never the whole
 * file again). A file that does not exist yet is waited for; one truncated
 * or replaced (log rotation) is read again from its start. Woken by
 * fs.watch, with a poll as the fallback where watching is unreliable
 * (network and container file systems) or the file is absent.
 */
import { watch, type FSWatcher } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';

/** What the follower reports, in file order. */
export interface FollowListener {
  /** Bytes read, in order. */
  onData(chunk: Buffer): void;
  /** Everything the file held when following began has been delivered (once; at once when it did not exist). */
  onCaughtUp(): void;
  /** The file appeared (after {@link onMissing}), shrank, or was replaced: what follows is read from its start. */
  onRestart(reason: 'appeared' | 'truncated' | 'replaced'): void;
  /** The file is not there (yet, or any more); said once per absence. */
  onMissing(): void;
}

/** Options of {@link followFile}. */
export interface FollowOptions {
  /** How often to look for changes when no watch event comes. */
  readonly pollMillis: number;
  /** Following ends when this aborts. */
  readonly signal: AbortSignal;
}

const CHUNK_BYTES = 64 * 1024;

/**
 * Follows `path` until `options.signal` aborts.
 *
 * @throws Error only for read errors other than the file being absent (permissions, a folder).
 * @example
 * await followFile('audit.jsonl', { onData, onCaughtUp, onRestart, onMissing }, { pollMillis: 250, signal });
 */
export async function followFile(path: string, listener: FollowListener, options: FollowOptions): Promise<void> {
  const { signal } = options;
  let current: { handle: FileHandle; ino: number; dev: number } | undefined;
  let position = 0;
  let caughtUp = false;
  let missing = false;
  let watcher: FSWatcher | undefined;
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const closeCurrent = async (): Promise<void> => {
    watcher?.close();
    watcher = undefined;
    await current?.handle.close().catch(() => undefined);
    current = undefined;
  };
  try {
    while (!signal.aborted) {
      const onDisk = await statOrMissing(path);
      if (onDisk === undefined) {
        if (current !== undefined) await closeCurrent();
        if (!missing) listener.onMissing();
        missing = true;
      } else if (current === undefined || onDisk.ino !== current.ino || onDisk.dev !== current.dev) {
        // Replaced (rotated): what was appended to the old file before the switch is read first.
        if (current !== undefined) await readFrom(current.handle, position, buffer, listener);
        const reason = current !== undefined ? 'replaced' : missing ? 'appeared' : undefined;
        await closeCurrent();
        current = { handle: await open(path, 'r'), ino: onDisk.ino, dev: onDisk.dev };
        watcher = watchOrNothing(path);
        position = 0;
        missing = false;
        if (reason !== undefined) listener.onRestart(reason);
      }
      if (current !== undefined) {
        const { size } = await current.handle.stat();
        if (size < position) {
          position = 0;
          listener.onRestart('truncated');
        }
        position = await readFrom(current.handle, position, buffer, listener);
      }
      if (!caughtUp) {
        caughtUp = true;
        listener.onCaughtUp();
      }
      await nextChange(watcher, options.pollMillis, signal);
    }
  } finally {
    await closeCurrent();
  }
}

/** Reads from `position` to the end; returns the new position. */
async function readFrom(handle: FileHandle, position: number, buffer: Buffer, listener: FollowListener): Promise<number> {
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) return position;
    position += bytesRead;
    // Copied: the buffer is reused for the next read.
    listener.onData(Buffer.from(buffer.subarray(0, bytesRead)));
  }
}

async function statOrMissing(path: string): Promise<{ ino: number; dev: number } | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** A watcher on the file, or none where the platform cannot watch it (the poll still runs). */
function watchOrNothing(path: string): FSWatcher | undefined {
  try {
    const watcher = watch(path, { persistent: false });
    watcher.on('error', () => watcher.close());
    return watcher;
  } catch {
    return undefined;
  }
}

/** Resolves on a watch event, after `pollMillis`, or on abort, whichever comes first. */
function nextChange(watcher: FSWatcher | undefined, pollMillis: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      watcher?.off('change', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, pollMillis);
    watcher?.on('change', done);
    signal.addEventListener('abort', done, { once: true });
  });
}
