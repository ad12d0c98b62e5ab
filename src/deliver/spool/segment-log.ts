/**
 * The spool's files: numbered segment files of records, appended with
 * group commit. `append` only reserves a position and buffers the entry
 * (synchronous, no I/O). At most every `flushMillis`, the entries buffered
 * since are encoded and taken by one write and one fsync (`datasync`) on
 * libuv's thread pool, never on the caller's path. An entry every backend
 * has already settled by then (delivered from memory within the window) is
 * not written at all: durability is needed only for what is not delivered
 * yet, and a healthy backend then costs the spool next to nothing. A
 * segment past `segmentBytes` is closed and a new one begun, so delivered
 * data can be deleted a segment at a time.
 *
 * A failed write (a full disk) loses only what it carried: the file is cut
 * back to what was written before it, that segment is closed, and the
 * owner is told which entries never reached the disk.
 */
import { readdirSync, statSync } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditEvent } from '../../model/audit-event.js';
import { maxRecordBytes, writeRecord } from './spool-record.js';
import { positionOf } from './spool-position.js';
import type { SpoolEntry } from './spool-entry.js';

const SEGMENT_NAME = /^segment-(\d+)\.log$/;

/** One segment file: its number and how many of its bytes are on disk. */
export interface Segment {
  readonly number: number;
  readonly path: string;
  /** Bytes written and synced: readers read up to here, never into a write under way. */
  committedBytes: number;
  /** Records appended to it by this process (undefined for a segment found on disk at start). */
  records: number | undefined;
  /** A write to it failed (the error's code): nothing more is written to it (its file ends at `committedBytes`). */
  broken?: string;
}

/** Entries of one segment waiting for the next commit. */
interface PendingChunk {
  readonly segment: Segment;
  readonly entries: SpoolEntry[];
  /** What the entries were taken to weigh when appended (their part of `totalBytes` until written). */
  bytes: number;
}

interface Arena {
  readonly buffer: Buffer;
  used: number;
}

/** The offset of an entry whose write failed: it is in memory only. */
export const NOT_WRITTEN = -2;

/** Records are encoded into buffers of this size (a larger record gets one of its own). */
const ARENA_BYTES = 1024 * 1024;
/** Records per segment at most: far below the 2^24 positions a segment has (spool-position.ts). */
const MAX_SEGMENT_RECORDS = 2 ** 20;
/** This many buffered entries are committed at once, without waiting for the timer. */
const EARLY_COMMIT_ENTRIES = 16_384;
/** What a record is taken to weigh before the first commit measured it (for rotation). */
const FIRST_RECORD_ESTIMATE = 1024;

export interface SegmentLogConfig {
  readonly segmentBytes: number;
  readonly flushMillis: number;
  /** Whether an entry no longer needs the disk (every backend settled it): then it is not written. */
  readonly settled: (entry: SpoolEntry) => boolean;
  /** The record payload of an entry. */
  readonly serialize: (entry: SpoolEntry) => string;
  /** Told when a commit is done with `entries` (in append order): they are no longer waiting; `failed` of them did not reach the disk. */
  readonly onCommitted: (entries: readonly SpoolEntry[], failed: readonly SpoolEntry[], error?: Error) => void;
  /** Told after every commit. */
  readonly onCommitDone: () => void;
}

export class SegmentLog {
  /** Every segment, oldest first; the last one is being appended to. */
  readonly segments: Segment[];
  private active: Segment;
  private nextIndex = 0;
  private pending: PendingChunk[] = [];
  /** Entries buffered for the active segment, not yet written: with the bytes a record weighs on average, decides rotation. */
  private activePending = 0;
  /** Entries buffered in all chunks. */
  private pendingCount = 0;
  /**
   * What entries appended and not yet written weigh, buffered or in a write
   * under way, of any segment: counted until their write is done, so the
   * size a fit check reads never misses a commit in progress.
   */
  private unwrittenBytes = 0;
  private recordBytes = FIRST_RECORD_ESTIMATE;
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

  /** Bytes in every segment, with those appended and not written yet (buffered, or being written). */
  get totalBytes(): number {
    let total = this.unwrittenBytes;
    for (const segment of this.segments) total += segment.committedBytes;
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

  /**
   * Reserves the next position for `event` and buffers it for the next
   * commit, which encodes it (unless it is settled by then) and writes it.
   * Synchronous; never touches the disk. `bytes`: its record's size when the
   * caller measured it; else the average record's.
   */
  append(event: AuditEvent, appendedAt: number, bytes = this.recordBytes): SpoolEntry {
    // By size, and by count: when most entries are never written (delivered first), the size alone would not grow.
    if (this.active.committedBytes + this.activePending * this.recordBytes >= this.config.segmentBytes || this.nextIndex >= MAX_SEGMENT_RECORDS || this.active.broken) this.rotate();
    const entry: SpoolEntry = { event, appendedAt, position: positionOf(this.active.number, this.nextIndex++), segment: this.active.number, offset: -1 };
    let chunk = this.pending.at(-1);
    if (chunk?.segment !== this.active) this.pending.push((chunk = { segment: this.active, entries: [], bytes: 0 }));
    chunk.entries.push(entry);
    chunk.bytes += bytes;
    this.unwrittenBytes += bytes;
    this.activePending++;
    this.active.records = (this.active.records ?? 0) + 1;
    this.pendingCount++;
    this.scheduleCommit();
    return entry;
  }

  /**
   * Commits now rather than at the timer when a burst has buffered many
   * entries (fewer held until their commit, smaller writes). Call it only
   * once every reader has the entries appended so far: the commit decides
   * at once which of them still need the disk.
   */
  commitIfLarge(): void {
    if (this.pendingCount >= EARLY_COMMIT_ENTRIES && this.committing === undefined) void this.commit();
  }

  /** Writes and syncs everything buffered so far; resolves when it is on disk (or its write failed and was reported). */
  async commit(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.committing) await this.committing;
    if (this.pending.length === 0) return;
    const chunks = this.pending;
    this.pending = [];
    this.pendingCount = 0;
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
    this.activePending = 0;
    this.nextIndex = 0;
    return segment;
  }

  private async writeChunks(chunks: PendingChunk[]): Promise<void> {
    for (const chunk of chunks) {
      try {
        await this.writeChunk(chunk);
      } finally {
        // Written (committedBytes counts them now), failed, or settled and skipped: no longer on their way.
        this.unwrittenBytes -= chunk.bytes;
      }
    }
    this.config.onCommitDone();
  }

  /** Writes one chunk and syncs it; a failed write is cut back and reported, not thrown. */
  private async writeChunk(chunk: PendingChunk): Promise<void> {
    if (chunk.segment === this.active) this.activePending -= chunk.entries.length;
    // Records after a failed write of their segment: append() starts a clean segment for later ones.
    if (chunk.segment.broken) {
      const error = Object.assign(new Error(`an earlier write to this segment failed (${chunk.segment.broken})`), { code: chunk.segment.broken });
      const failed = chunk.entries.filter((e) => !this.config.settled(e));
      for (const entry of failed) entry.offset = NOT_WRITTEN;
      this.config.onCommitted(chunk.entries, failed, error);
      return;
    }
    const { arenas, written } = this.encode(chunk);
    try {
      if (written.length > 0) {
        const handle = await this.handleOf(chunk.segment);
        let bytes = 0;
        for (const arena of arenas) {
          for (let done = 0; done < arena.used; ) {
            const { bytesWritten } = await handle.write(arena.buffer, done, arena.used - done, chunk.segment.committedBytes + bytes);
            done += bytesWritten;
            bytes += bytesWritten;
          }
        }
        await handle.datasync();
        chunk.segment.committedBytes += bytes;
        this.recordBytes = Math.max(64, Math.round(bytes / written.length));
      }
      this.config.onCommitted(chunk.entries, []);
    } catch (error) {
      chunk.segment.broken = (error as NodeJS.ErrnoException).code ?? 'EIO';
      for (const entry of written) entry.offset = NOT_WRITTEN;
      await this.cutBack(chunk.segment);
      this.config.onCommitted(chunk.entries, written, error instanceof Error ? error : new Error(String(error)));
    }
  }

  /**
   * The records of a chunk's entries that still need the disk, in a few large
   * buffers (no allocation per record); each written entry learns its offset.
   */
  private encode(chunk: PendingChunk): { arenas: Arena[]; written: SpoolEntry[] } {
    const arenas: Arena[] = [];
    const written: SpoolEntry[] = [];
    let offset = chunk.segment.committedBytes;
    for (const entry of chunk.entries) {
      if (this.config.settled(entry)) continue;
      const json = this.config.serialize(entry);
      const need = maxRecordBytes(json);
      let arena = arenas.at(-1);
      if (arena === undefined || arena.buffer.length - arena.used < need) arenas.push((arena = { buffer: Buffer.allocUnsafe(Math.max(ARENA_BYTES, need)), used: 0 }));
      const length = writeRecord(arena.buffer, arena.used, entry.position, entry.appendedAt, json);
      arena.used += length;
      entry.offset = offset;
      offset += length;
      written.push(entry);
    }
    return { arenas, written };
  }

  /**
   * After a failed write, the file keeps only what was committed before it
   * (no half record for a reader to trip on); one left empty is removed, so
   * a disk that stays full does not collect an empty file per commit.
   */
  private async cutBack(segment: Segment): Promise<void> {
    const handle = this.handles.get(segment.number);
    if (!handle) return;
    await handle.truncate(segment.committedBytes).catch(() => undefined);
    if (segment.committedBytes > 0) return;
    this.handles.delete(segment.number);
    await handle.close().catch(() => undefined);
    await unlink(segment.path).catch(() => undefined);
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
