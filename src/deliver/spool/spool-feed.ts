/**
 * One backend's way through the spool. Live, it gets each appended entry at
 * once, from memory (no read back). When its queue is full (the backend is
 * slow or down), it falls behind: later entries stay on disk only, and it
 * reads them back a window at a time as the queue drains, until it catches
 * up with the end of the spool and is live again. Its cursor (what is done)
 * is saved for recovery.
 */
import { eventCount } from '../../model/event-count.js';
import type { AuditEvent } from '../../model/audit-event.js';
import { DeliveryCursor } from './delivery-cursor.js';
import { eventFromJson } from './event-json.js';
import { decodeRecord, RECORD_HEADER_BYTES } from './spool-record.js';
import { positionOf, segmentOf } from './spool-position.js';
import type { SpoolEntry } from './spool-entry.js';
import type { Segment } from './segment-log.js';

/** What the spool offers a feed's backend: its queue. */
export interface FeedSink {
  /** Queues entries; returns how many fitted (the first ones). */
  offer(entries: readonly SpoolEntry[]): number;
  /** Entries the queue can take now. */
  room(): number;
  /** Entries given up before they reached the queue (too old, damaged on disk, pushed out of a full spool), counted. */
  lose(count: number, kind: 'failed' | 'dropped', reason: string, events: readonly AuditEvent[]): void;
}

/** What a feed needs of its spool. */
export interface FeedSource {
  readonly activeSegment: Segment;
  /** The first segment numbered `number` or higher. */
  segmentFrom(number: number): Segment | undefined;
  read(segment: Segment, from: number, to: number): Promise<Buffer>;
  /** Entries appended but not on disk yet, from `position` on. */
  unsyncedFrom(position: number): readonly SpoolEntry[];
  readonly nextPosition: number;
  readonly maxEventAgeMillis: number;
  now(): number;
  /** The feed's cursor moved. */
  cursorMoved(): void;
  /** Reading a segment back failed (said once per kind by the spool). */
  readFailed(segment: Segment, error: unknown): void;
}

/** Bytes read back from a segment at a time. */
const READ_WINDOW_BYTES = 1024 * 1024;
/** Records parsed back per turn of the event loop, at most. */
const RECORDS_PER_PASS = 1_000;
/** A segment that could not be read back is tried again this much later. */
const READ_RETRY_MILLIS = 1_000;

export class SpoolFeed {
  private live: boolean;
  /** Backlog mode: the next record to read, by position and by place. */
  private readPosition: number;
  private readSegment: number;
  private readOffset = 0;
  private reading = false;
  private closed = false;
  /** Bytes the next read must cover at least (a record larger than the window). */
  private nextRecordBytes = 0;
  /** The bytes last read back, for counting what a segment held should its file vanish. */
  private lastRead: { segment: number; base: number; bytes: Buffer } | undefined;
  /** Entries on disk this feed has not read yet, as far as it knows (exact for this process's appends). */
  private behind = 0;
  readonly cursor: DeliveryCursor;

  /**
   * @param start the first position to deliver (a saved cursor), or 'end' to deliver only what is appended from now on.
   */
  constructor(
    readonly key: string,
    private readonly source: FeedSource,
    private readonly sink: FeedSink,
    start: number | 'end',
  ) {
    this.live = start === 'end';
    this.readPosition = start === 'end' ? source.nextPosition : start;
    this.readSegment = segmentOf(this.readPosition);
    this.cursor = new DeliveryCursor(() => (this.live ? this.source.nextPosition : this.readPosition));
  }

  /** Events waiting on disk for this backend, not yet read into its queue (those appended by this process; a recovered backlog counts as it is read). */
  get backlog(): number {
    return this.live ? 0 : this.behind;
  }

  /** Whether this feed reads from disk (it fell behind, or is recovering). */
  get isBehind(): boolean {
    return !this.live;
  }

  /** New entries: queued now when live; otherwise they wait on disk for their turn. */
  appended(entries: readonly SpoolEntry[]): void {
    if (!this.live) {
      this.behind += entries.length;
      return;
    }
    const accepted = this.sink.offer(entries);
    this.cursor.take(entries, accepted);
    if (accepted === entries.length) return;
    this.live = false;
    this.resumeAt(entries[accepted] as SpoolEntry);
    this.behind = entries.length - accepted;
  }

  /** Entries the backend settled (delivered or counted as lost). */
  settle(entries: readonly SpoolEntry[]): void {
    if (this.cursor.settle(entries)) this.source.cursorMoved();
  }

  /** The queue has room: read what waits on disk, if anything does. */
  pull(): void {
    if (this.live || this.reading || this.closed) return;
    this.reading = true;
    void this.readBacklog()
      .catch((error: unknown) => this.source.readFailed(this.source.activeSegment, error))
      .finally(() => (this.reading = false));
  }

  /**
   * Entries that never reached the disk (a failed write): a feed that would
   * have read them from there counts them lost.
   */
  unwritten(entries: readonly SpoolEntry[], reason: string): void {
    if (this.live) return; // it has them in memory
    const missed = entries.filter((e) => e.position >= this.readPosition);
    if (missed.length === 0) return;
    this.behind = Math.max(0, this.behind - missed.length);
    this.sink.lose(missed.length, 'dropped', reason, missed.map((e) => e.event));
  }

  /**
   * A segment is being deleted to keep the spool within its size: what this
   * feed had not read of it is counted lost, and reading resumes after it.
   */
  discardSegment(segment: Segment, unread: readonly AuditEvent[], reason: string): void {
    if (this.live || segmentOf(this.readPosition) > segment.number) return;
    if (unread.length > 0) this.sink.lose(unread.length, 'dropped', reason, unread);
    this.behind = Math.max(0, this.behind - unread.length);
    this.readSegment = segment.number + 1;
    this.readPosition = positionOf(segment.number + 1, 0);
    this.readOffset = 0;
    this.source.cursorMoved();
  }

  /** The position reading resumes at, for counting what a discarded segment held for this feed. */
  get unreadFrom(): number {
    return this.live ? Number.POSITIVE_INFINITY : this.readPosition;
  }

  close(): void {
    this.closed = true;
  }

  private async readBacklog(): Promise<void> {
    while (!this.live && !this.closed) {
      const room = this.sink.room();
      if (room <= 0) return;
      const segment = this.source.segmentFrom(this.readSegment);
      if (segment === undefined) return; // cannot happen: the active segment always exists
      if (segment.number !== this.readSegment) this.moveTo(segment.number);
      if (this.readOffset >= segment.committedBytes) {
        // The end of what is on disk in this segment. What follows is either
        // in memory (the newest appends, not written yet: they start right
        // here) or in the next segment.
        const unsynced = this.source.unsyncedFrom(this.readPosition);
        const next = unsynced[0];
        if ((next !== undefined && next.segment === segment.number) || (next === undefined && segment === this.source.activeSegment)) {
          this.catchUp(unsynced, room);
          continue;
        }
        this.moveTo(segment.number + 1);
        continue;
      }
      let bytes: Buffer;
      try {
        // A window at a time: a backlog is read once, not the rest of the segment again for every window of the queue.
        bytes = await this.source.read(segment, this.readOffset, Math.min(segment.committedBytes, this.readOffset + Math.max(READ_WINDOW_BYTES, this.nextRecordBytes)));
      } catch (error) {
        if (this.readSegment !== segment.number || this.source.segmentFrom(segment.number) !== segment) continue; // discarded meanwhile (spool full)
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          this.vanished(segment);
          continue;
        }
        this.source.readFailed(segment, error);
        setTimeout(() => this.pull(), READ_RETRY_MILLIS).unref(); // or sooner, at the next pull
        return;
      }
      if (this.closed) return;
      if (this.readSegment !== segment.number) continue; // the segment was discarded meanwhile
      this.lastRead = { segment: segment.number, base: this.readOffset, bytes };
      this.takeRecords(segment, bytes, Math.min(room, RECORDS_PER_PASS), this.readOffset + bytes.length >= segment.committedBytes);
      await new Promise((resolve) => setImmediate(resolve)); // parsing a backlog must not hold the event loop
    }
  }

  /** Caught up with the disk: what is left is in memory; taking all of it makes the feed live again. */
  private catchUp(unsynced: readonly SpoolEntry[], room: number): void {
    const taking = Math.min(room, unsynced.length);
    const accepted = this.sink.offer(unsynced.slice(0, taking));
    this.cursor.take(unsynced, accepted);
    this.behind = Math.max(0, this.behind - accepted);
    if (accepted === unsynced.length) {
      this.live = true;
      this.behind = 0;
      return;
    }
    this.resumeAt(unsynced[accepted] as SpoolEntry);
  }

  /**
   * Reading resumes at `entry`. Not written yet, its record will land after
   * what its segment holds now (all of which comes before it, and is skipped
   * by position), so reading starts there.
   */
  private resumeAt(entry: SpoolEntry): void {
    this.readPosition = entry.position;
    this.readSegment = entry.segment;
    this.readOffset = entry.offset >= 0 ? entry.offset : (this.source.segmentFrom(entry.segment)?.committedBytes ?? 0);
  }

  /** `atEnd`: the bytes reach the end of what the segment has on disk (a record cut there is torn; elsewhere the window just ended). */
  private takeRecords(segment: Segment, bytes: Buffer, room: number, atEnd: boolean): void {
    const base = this.readOffset;
    this.nextRecordBytes = 0;
    const entries: SpoolEntry[] = [];
    const expired: AuditEvent[] = [];
    let offset = 0;
    let corrupt = 0;
    let torn = false;
    const oldest = this.source.now() - this.source.maxEventAgeMillis;
    while (entries.length < room) {
      const start = offset;
      const step = decodeRecord(bytes, offset);
      if (step.kind === 'end') break;
      if (step.kind === 'torn') {
        if (atEnd) {
          torn = true;
          offset = bytes.length;
        } else if (start === 0) {
          // One record larger than the window: read it whole next time.
          this.nextRecordBytes = bytes.length >= RECORD_HEADER_BYTES ? RECORD_HEADER_BYTES + bytes.readUInt32LE(4) : 2 * READ_WINDOW_BYTES;
        }
        break;
      }
      offset = step.end;
      if (step.kind === 'corrupt') {
        corrupt++;
        continue;
      }
      const { position, appendedAt, payload } = step.record;
      if (position < this.readPosition) continue; // before the saved cursor: done before the crash
      const event = eventFromJson(payload);
      this.readPosition = position + 1;
      if (event === undefined) {
        corrupt++;
        continue;
      }
      if (appendedAt < oldest) expired.push(event);
      else entries.push({ event, appendedAt, position, segment: segment.number, offset: base + start });
    }
    this.readOffset = base + offset;
    if (corrupt > 0) this.sink.lose(corrupt, 'dropped', `${eventCount(corrupt)} damaged on disk (spool segment ${segment.path})`, []);
    if (torn) this.sink.lose(1, 'dropped', `a record cut off by a crash at the end of spool segment ${segment.path}`, []);
    if (expired.length > 0) {
      this.sink.lose(expired.length, 'failed', `older than maxEventAgeMillis (${this.source.maxEventAgeMillis} ms) when read back from the spool`, expired);
    }
    const accepted = this.sink.offer(entries);
    this.cursor.take(entries, accepted);
    this.behind = Math.max(0, this.behind - accepted - expired.length);
    if (accepted < entries.length) {
      // Should not happen (entries ≤ room); read these again next time rather than lose them.
      this.resumeAt(entries[accepted] as SpoolEntry);
    }
    if (corrupt > 0 || torn || expired.length > 0) this.source.cursorMoved();
  }

  /**
   * The segment's file is gone (deleted from outside: a temp cleaner, an
   * operator freeing space). What this feed had not read of it is counted
   * lost, as exactly as what it last read of the file tells, and reading
   * goes on with the next segment.
   */
  segmentVanished(segment: Segment): void {
    if (this.live || segmentOf(this.readPosition) > segment.number) return;
    this.vanished(segment);
  }

  private vanished(segment: Segment): void {
    let unread = 0;
    const last = this.lastRead;
    if (last?.segment === segment.number) {
      for (let step = decodeRecord(last.bytes, Math.max(0, this.readOffset - last.base)); step.kind === 'record' || step.kind === 'corrupt'; step = decodeRecord(last.bytes, step.end)) {
        if (step.kind === 'corrupt' || step.record.position >= this.readPosition) unread++;
      }
    } else if (segment.records !== undefined) {
      unread = Math.max(0, segment.records - Math.max(0, this.readPosition - positionOf(segment.number, 0)));
    }
    const known = unread > 0;
    this.sink.lose(known ? unread : 1, 'dropped', `spool segment ${segment.path} vanished before it was read${known ? '' : ' (how many events it held is not known; counted as one)'}`, []);
    this.behind = Math.max(0, this.behind - unread);
    this.lastRead = undefined;
    this.moveTo(segment.number + 1);
    this.source.cursorMoved();
  }

  private moveTo(segmentNumber: number): void {
    this.readSegment = segmentNumber;
    this.readOffset = 0;
    this.readPosition = Math.max(this.readPosition, positionOf(segmentNumber, 0));
  }
}
