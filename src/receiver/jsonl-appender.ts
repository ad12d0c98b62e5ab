// The JSONL audit trail's writer: group commit on one file handle. A request
// is acknowledged only once its lines are written and fsynced; requests that
// arrive while an fsync runs are gathered and share the next one, so the
// disk sees one write and one fsync per group, not per request.
import { open, type FileHandle } from 'node:fs/promises';
import { makeDirectory } from '../deliver/make-directory.js';
import { dirname } from 'node:path';
import { TrailWriteError } from './trail-write-error.js';
import type { TrailWriteProblems } from './trail-write-problems.js';

/** How the trail read on start ends, so appending starts on a fresh line. */
export interface TrailEnd {
  /** Bytes of the file to keep: up to the end of the last line read whole; a torn line after it is cut off. */
  keepBytes: number;
  /** The last line was kept but has no newline (a file edited by hand): one is written before the next record. */
  needsNewline: boolean;
}

/** Queued texts are encoded in pieces of about this many characters: one write call each. */
const CHUNK_CHARS = 1 << 20;

interface Waiter {
  resolve(): void;
  reject(error: TrailWriteError): void;
}

/**
 * Appends whole lines to the trail and tells each caller when they are on
 * disk. A failed write or fsync is cut back off the file, so the file holds
 * exactly the acknowledged lines, and later appends try the disk again.
 */
export class JsonlAppender {
  private texts: string[] = [];
  private waiters: Waiter[] = [];
  private flushing: Promise<void> | undefined;
  /** Set when a failed write could not be cut back: the next commit cuts it first. */
  private uncut = false;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly file: string,
    private readonly handle: FileHandle,
    /** Size of the file after the last successful fsync: what every failure is cut back to. */
    private durableBytes: number,
    private readonly problems: TrailWriteProblems,
  ) {}

  /**
   * Opens `file` for appending (creating it and its directory if needed) and
   * makes it end on a whole line, as `end` says.
   *
   * @throws Error when the file cannot be opened or repaired; the receiver then does not start.
   */
  static async open(file: string, end: TrailEnd, problems: TrailWriteProblems): Promise<JsonlAppender> {
    // Not a recursive mkdir: under /proc it never returns (deliver/make-directory.ts).
    await makeDirectory(dirname(file));
    const handle = await open(file, 'a');
    try {
      const { size } = await handle.stat();
      let bytes = size;
      // A crash mid-write can leave a torn last line; cut it, or the next
      // record would be glued onto it and both lost on the next reload.
      if (end.keepBytes < size) bytes = end.keepBytes;
      if (bytes < size) await handle.truncate(bytes);
      else if (end.needsNewline) bytes += await writeAll(handle, Buffer.from('\n'));
      await handle.datasync();
      await syncDirectory(dirname(file));
      return new JsonlAppender(file, handle, bytes, problems);
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Queues `text` (whole lines, each ending in `\n`) and resolves once it is
   * written and fsynced.
   *
   * @throws TrailWriteError (as a rejection) when the write or fsync failed; nothing of `text` remains in the file.
   */
  append(text: string): Promise<void> {
    if (this.closing !== undefined) return Promise.reject(new TrailWriteError(this.file, new Error('the trail is closed')));
    return new Promise((resolve, reject) => {
      this.texts.push(text);
      this.waiters.push({ resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /** Waits for queued writes, then closes the file. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.flushing;
      await this.handle.close();
    })();
    return this.closing;
  }

  /** Commits what is queued, round after round, until nothing is. */
  private async flush(): Promise<void> {
    while (this.texts.length > 0) {
      const texts = this.texts;
      const waiters = this.waiters;
      this.texts = [];
      this.waiters = [];
      const failure = await this.commit(texts);
      // In queue order, so the store indexes events in the order they are in the file.
      for (const waiter of waiters) {
        if (failure === undefined) waiter.resolve();
        else waiter.reject(failure);
      }
    }
    this.flushing = undefined;
  }

  /** One write and one fsync for `texts`; returns the failure instead of throwing. */
  private async commit(texts: readonly string[]): Promise<TrailWriteError | undefined> {
    let written = 0;
    try {
      if (this.uncut) {
        await this.handle.truncate(this.durableBytes);
        this.uncut = false;
      }
      for (const chunk of chunks(texts)) written += await writeAll(this.handle, chunk);
      await this.handle.datasync();
    } catch (cause) {
      const error = new TrailWriteError(this.file, cause);
      await this.cutBack();
      this.problems.failed(error);
      return error;
    }
    this.durableBytes += written;
    this.problems.succeeded();
    return undefined;
  }

  /**
   * Cuts a failed group's bytes (a partial write, or lines whose fsync
   * failed) off the file: the requests are refused, so their events must not
   * appear on the next load. If even that fails, the next commit retries it.
   */
  private async cutBack(): Promise<void> {
    try {
      await this.handle.truncate(this.durableBytes);
    } catch {
      this.uncut = true;
    }
  }
}

/** The texts as buffers of about {@link CHUNK_CHARS}, never one string past V8's string limit. */
function* chunks(texts: readonly string[]): Generator<Buffer> {
  let pending: string[] = [];
  let chars = 0;
  for (const text of texts) {
    pending.push(text);
    chars += text.length;
    if (chars >= CHUNK_CHARS) {
      yield Buffer.from(pending.join(''), 'utf8');
      pending = [];
      chars = 0;
    }
  }
  if (pending.length > 0) yield Buffer.from(pending.join(''), 'utf8');
}

/** Writes all of `bytes` (a write may take only part, e.g. just before the disk fills); returns how many. */
async function writeAll(handle: FileHandle, bytes: Buffer): Promise<number> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    if (bytesWritten <= 0) throw Object.assign(new Error('the file system accepted no bytes'), { code: 'EIO' });
    offset += bytesWritten;
  }
  return offset;
}

/**
 * Fsyncs the directory, so a trail file created on this start survives a
 * power cut along with what is fsynced into it. Some file systems refuse to
 * fsync a directory; the file's own fsyncs still hold there.
 */
async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch {
    // not supported here: nothing more can be done
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
