/**
 * The spool's files: numbered segment files of records, appended with
 * group commit. `append` only encodes and buffers (synchronous, no I/O);
 * at most every `flushMillis` one write and one fsync (`datasync`) take
 * everything buffered since, on libuv's thread pool, never on the caller's
 * path. A segment past `segmentBytes` is closed and a new one begun, so
 * delivered data can be deleted a segment at a time.
 *
 * A failed write (a full disk) loses only what it carried: the file is cut
 * back to what was written before it, that segment is closed, and the
 * owner is told which positions never reached the disk.
 */
import { readdirSync, statSync } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeRecord } from './spool-record.js';
import { positionOf } from './spool-position.js';

const SEGMENT_NAME = /^segment-(\d+)\.log$/;

/** One segment file: its number and how many of its bytes are on disk. */
export interface Segment {
  readonly number: number;
  readonly path: string;
  /** Bytes written and synced: readers read up to here, never into a write under way. */
  committedBytes: number;
  /** Records appended to it by this process (undefined for a segment found on disk at start). */
  records: number | undefined;
  /** A write to it failed: nothing more is written to it (its file ends at `committedBytes`). */
  broken?: boolean;
}

/** Where an appended record went. */
export interface RecordPlace {
  readonly position: number;
  readonly segment: number;
  /** Byte offset of the record in its segment file. */
  readonly offset: number;
}

/** Told when records could not be written: they exist in memory only. */
export type WriteFailure = (positions: readonly number[], error: Error) => void;

interface PendingChunk {
  readonly segment: Segment;
  readonly buffers: Buffer[];
  readonly positions: number[];
  bytes: number;
}

export interface SegmentLogConfig {
  readonly segmentBytes: number;
  readonly flushMillis: number;
  readonly onWriteFailure: WriteFailure;
  /** Told for each write that reached the disk, with the positions it carried (in order). */
  readonly onWritten: (positions: readonly number[]) => void;
  /** Told after every commit. */
  readonly onCommitted: () => void;
}

export class SegmentLog {
  /** Every segment, oldest first; the last one is being appended to. */
  readonly segments: Segment[];
  private active: Segment;
  /** Bytes of the active segment including what is buffered: decides rotation and offsets. */
  private activeBytes = 0;
  private nextIndex = 0;
  private pending: PendingChunk[] = [];
  private timer: NodeJS.Timeout | undefined;
  private committing: Promise<void> | undefined;
  private readonly handles = new Map<number, FileHandle>();
  private closed = false;

  /**
   * Lists the segment files already in `dir` (a previous owner's); appends
   * go to a new one after them, numbered at least `firstFree` (past every
   * position a saved cursor names, even of segments already deleted).
   */
  constructor(
    readonly dir: string,
    private readonly config: SegmentLogConfig,
    firstFree = 0,
  ) {
    this.segments = listSegments(dir);
    const last = this.segments.at(-1);
    this.active = this.newSegment(Math.max(firstFree, last === undefined ? 0 : last.number + 1));
  }

  /** Bytes in every segment, buffered ones included. */
  get totalBytes(): number {
    let total = 0;
    for (const segment of this.segments) total += segment === this.active ? this.activeBytes : segment.committedBytes;
    return total;
  }

  /** The position the next appended record will get. */
  get nextPosition(): number {
    return positionOf(this.active.number, this.nextIndex);
  }

  /** The segment being appended to. */
  get activeSegment(): Segment {
    return this.active;
  }

  /** Buffers one record for the next commit. Synchronous; never touches the disk. */
  append(appendedAt: number, payload: Buffer): RecordPlace {
    if (this.activeBytes >= this.config.segmentBytes || this.active.broken) this.rotate();
    const position = positionOf(this.active.number, this.nextIndex++);
    const bytes = encodeRecord(position, appendedAt, payload);
    const place = { position, segment: this.active.number, offset: this.activeBytes };
    let chunk = this.pending.at(-1);
    if (chunk?.segment !== this.active) this.pending.push((chunk = { segment: this.active, buffers: [], positions: [], bytes: 0 }));
    chunk.buffers.push(bytes);
    chunk.positions.push(position);
    chunk.bytes += bytes.length;
    this.activeBytes += bytes.length;
    this.active.records = (this.active.records ?? 0) + 1;
    this.scheduleCommit();
    return place;
  }

  /** Writes and syncs everything buffered so far; resolves when it is on disk (or its write failed and was reported). */
  async commit(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.committing) await this.committing;
    if (this.pending.length === 0) return;
    const chunks = this.pending;
    this.pending = [];
    this.committing = this.writeChunks(chunks).finally(() => (this.committing = undefined));
    await this.committing;
    if (this.pending.length > 0 && !this.closed) this.scheduleCommit();
  }

  /** Reads bytes `[from, to)` of a segment; what is not on disk is not read. */
  async read(segment: Segment, from: number, to: number): Promise<Buffer> {
    const length = Math.max(0, Math.min(to, segment.committedBytes) - from);
    if (length === 0) return Buffer.alloc(0);
    const handle = await open(segment.path, 'r');
    try {
      const buffer = Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(buffer, done, length - done, from + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return buffer.subarray(0, done);
    } finally {
      await handle.close();
    }
  }

  /** Deletes a segment that is not the active one (everything in it delivered or given up). */
  async remove(segment: Segment): Promise<void> {
    if (segment === this.active) return;
    const index = this.segments.indexOf(segment);
    if (index === -1) return;
    this.segments.splice(index, 1);
    await this.handles.get(segment.number)?.close().catch(() => undefined);
    this.handles.delete(segment.number);
    await unlink(segment.path).catch(() => undefined);
  }

  /** Commits what is buffered and closes the files. */
  async close(): Promise<void> {
    await this.commit();
    this.closed = true;
    const handles = [...this.handles.values()];
    this.handles.clear();
    await Promise.all(handles.map((h) => h.close().catch(() => undefined)));
  }

  private scheduleCommit(): void {
    if (this.timer !== undefined || this.committing || this.closed) return;
    // Unref'd: a process that ends without shutdown() is not held open by
    // the spool; what it loses is at most this window.
    this.timer = setTimeout(() => void this.commit(), this.config.flushMillis);
    this.timer.unref();
  }

  /** Starts a new segment for later appends, so the current one can be deleted as a whole. */
  rotate(): void {
    this.active = this.newSegment(this.active.number + 1);
  }

  private newSegment(number: number): Segment {
    const segment: Segment = { number, path: join(this.dir, segmentName(number)), committedBytes: 0, records: 0 };
    this.segments.push(segment);
    this.activeBytes = 0;
    this.nextIndex = 0;
    return segment;
  }

  private async writeChunks(chunks: PendingChunk[]): Promise<void> {
    for (const chunk of chunks) {
      // Records after a failed write of their segment: append() starts a clean segment for later ones.
      if (chunk.segment.broken) {
        this.config.onWriteFailure(chunk.positions, new Error('an earlier write to this segment failed'));
        continue;
      }
      try {
        const handle = await this.handleOf(chunk.segment);
        const data = chunk.buffers.length === 1 ? (chunk.buffers[0] as Buffer) : Buffer.concat(chunk.buffers, chunk.bytes);
        let written = 0;
        while (written < data.length) written += (await handle.write(data, written, data.length - written, chunk.segment.committedBytes + written)).bytesWritten;
        await handle.datasync();
        chunk.segment.committedBytes += chunk.bytes;
        this.config.onWritten(chunk.positions);
      } catch (error) {
        chunk.segment.broken = true;
        await this.cutBack(chunk.segment);
        this.config.onWriteFailure(chunk.positions, error instanceof Error ? error : new Error(String(error)));
      }
    }
    this.config.onCommitted();
  }

  /** After a failed write, the file keeps only what was committed before it (no half record for a reader to trip on). */
  private async cutBack(segment: Segment): Promise<void> {
    const handle = this.handles.get(segment.number);
    if (!handle) return;
    await handle.truncate(segment.committedBytes).catch(() => undefined);
  }

  private async handleOf(segment: Segment): Promise<FileHandle> {
    const open_ = this.handles.get(segment.number);
    if (open_) return open_;
    // One segment is written at a time: close the ones before it.
    for (const [number, handle] of this.handles) {
      this.handles.delete(number);
      await handle.close().catch(() => undefined);
    }
    const handle = await open(segment.path, 'a+', 0o600);
    this.handles.set(segment.number, handle);
    return handle;
  }
}

/**
 * The file name of segment `number`, zero-padded so names sort as numbers.
 *
 * @example
 * segmentName(7); // 'segment-0000000007.log'
 */
export function segmentName(number: number): string {
  return `segment-${String(number).padStart(10, '0')}.log`;
}

function listSegments(dir: string): Segment[] {
  const segments: Segment[] = [];
  for (const name of readdirSync(dir)) {
    const match = SEGMENT_NAME.exec(name);
    if (!match) continue;
    const path = join(dir, name);
    segments.push({ number: Number(match[1]), path, committedBytes: statSync(path).size, records: undefined });
  }
  return segments.sort((a, b) => a.number - b.number);
}
