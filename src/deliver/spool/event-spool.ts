/**
 * The write-ahead spool between conversion and sending: every converted
 * event is appended here before any backend sends it, and each backend
 * reads it through its own feed and cursor. What a crash or an outage
 * would lose from memory is on disk (within the group-commit window) and
 * is delivered by the next process that owns the spool.
 *
 * Disk use is bounded by `maxBytes`: past it, the oldest segment is
 * deleted and what it held that a backend had not read yet is counted as
 * dropped for that backend, never silently. A caller that must not lose
 * what it acknowledged (the OTLP gateway) asks `shortage(events)` first and
 * appends only what fits without pushing anything undelivered out (spool-room.ts).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditEvent } from '../../model/audit-event.js';
import { eventCount } from '../../model/event-count.js';
import { eventFromJson } from './event-json.js';
import { MeasuredRecords } from './measured-records.js';
import { newestRecordValue } from './newest-record.js';
import { OpenSessions } from './open-sessions.js';
import { ensurePrivateFolder } from './private-folder.js';
import { ReplacedJsonFile } from './replaced-json-file.js';
import { NOT_WRITTEN, SegmentLog, type Segment } from './segment-log.js';
import { claimSpoolSlot, type SpoolSlot } from './spool-slot.js';
import { SpoolFeed, type FeedSink, type FeedSource } from './spool-feed.js';
import { decodeRecord } from './spool-record.js';
import { positionOf, segmentEnd, segmentOf } from './spool-position.js';
import type { SpoolEntry } from './spool-entry.js';
import { settledBytes, spoolShortage, type SpoolShortage } from './spool-room.js';
import { scrubbedLogger } from '../../redact/scrubbed-logger.js';

const log = scrubbedLogger('otel-agent-audit:spool');

/** Code of the process warnings the spool emits (a spool that cannot be used, a failed write). */
export const SPOOL_WARNING_CODE = 'OTEL_AGENT_AUDIT_SPOOL';

/** Segments are at most this big, and at least this many fit in `maxBytes`. */
const MAX_SEGMENT_BYTES = 8 * 1024 * 1024;
const MIN_SEGMENT_BYTES = 64 * 1024;
const SEGMENTS_PER_SPOOL = 8;
/** Cursors are saved at most this often even when group commit is immediate. */
const MIN_CURSOR_SAVE_MILLIS = 10;

export interface SpoolConfig {
  /** The service's spool folder: slots are made inside it. */
  readonly serviceDir: string;
  /** A folder above it in the shared temp dir that must be this user's alone (see private-folder.ts). */
  readonly privateFolder?: string;
  readonly maxBytes: number;
  readonly flushMillis: number;
  readonly maxEventAgeMillis: number;
  readonly now?: () => number;
  /**
   * What the next owner must know of the last event committed, should this
   * process die (the exporter's hash-chain head, to close the dead stream in
   * the trail). Called for the last event of each commit; saved with the
   * cursors. Default: nothing is kept.
   */
  readonly headOf?: (event: AuditEvent) => unknown;
}

/** What `stats().spool` shows. */
export interface SpoolStats {
  /** The slot folder this process writes. */
  readonly dir: string;
  /** Bytes in segment files (and buffered for the next write). */
  readonly bytes: number;
  readonly segments: number;
  /** Events appended by this process. */
  readonly appended: number;
  /** Writes that failed (a full disk): their events were kept in memory only. */
  readonly writeFailures: number;
  /** The pid of the dead process whose spool this one took over, if any. */
  readonly adoptedFrom?: number;
}

interface SavedCursors {
  readonly cursors: Record<string, number>;
  /** `headOf` the last event committed. */
  readonly head?: unknown;
  /** The spool position of the event `head` was taken from: which of it and the segments' newest record is newer. */
  readonly headPosition?: number;
  /** Saved by `close()`: the owner stopped, it did not die. */
  readonly clean?: true;
}

export class EventSpool implements FeedSource {
  private readonly log: SegmentLog;
  private readonly feeds: SpoolFeed[] = [];
  private readonly cursorFile: ReplacedJsonFile<SavedCursors>;
  private readonly savedCursors: Record<string, number> | undefined;
  /** The previous owner's `head`, when it did not close the spool (it died). */
  private headLeftBehind: unknown;
  private head: unknown;
  private headPosition: number | undefined;
  /** The head of the last cursors save. */
  private headSaved: unknown;
  private readonly sessions: OpenSessions;
  /** Entries appended whose write has not completed, oldest first. */
  private unsynced: SpoolEntry[] = [];
  private unsyncedHead = 0;
  private appendedCount = 0;
  private writeFailures = 0;
  private readonly warned = new Set<string>();
  /** Records `shortage` measured, written by the commit as measured. */
  private readonly records = new MeasuredRecords();
  private started = false;
  private trimming = false;
  private cursorSave: NodeJS.Timeout | undefined;
  private closed = false;
  readonly maxEventAgeMillis: number;
  readonly now: () => number;

  private constructor(
    private readonly slot: SpoolSlot,
    private readonly config: SpoolConfig,
  ) {
    this.maxEventAgeMillis = config.maxEventAgeMillis;
    this.now = config.now ?? Date.now;
    this.cursorFile = new ReplacedJsonFile(join(slot.dir, 'cursors.json'));
    const saved = this.cursorFile.load() as Partial<SavedCursors> | undefined;
    this.savedCursors = saved && typeof saved.cursors === 'object' && saved.cursors !== null ? saved.cursors : undefined;
    this.headLeftBehind = saved?.clean === true ? undefined : saved?.head;
    this.head = saved?.head;
    // New positions must come after every saved cursor, also when the segments they point into are gone.
    let firstFree = 0;
    for (const cursor of Object.values(this.savedCursors ?? {})) if (typeof cursor === 'number' && Number.isFinite(cursor)) firstFree = Math.max(firstFree, segmentOf(cursor) + 1);
    const segmentBytes = Math.max(MIN_SEGMENT_BYTES, Math.min(MAX_SEGMENT_BYTES, Math.floor(config.maxBytes / SEGMENTS_PER_SPOOL)));
    this.log = new SegmentLog(
      slot.dir,
      {
        segmentBytes,
        flushMillis: config.flushMillis,
        settled: (entry) => this.settledEverywhere(entry),
        serialize: (entry) => this.records.payload(entry.event),
        onCommitted: (entries, failed, error) => {
          this.dropUnsynced(entries.length);
          // The session ledger follows what a commit is done with, never what is only buffered.
          this.sessions.observe(entries.map((e) => e.event));
          const last = entries[entries.length - 1];
          if (last !== undefined && config.headOf) {
            this.head = headOrUndefined(config.headOf, last.event);
            this.headPosition = last.position;
          }
          if (error) this.writeFailed(failed, error);
        },
        onCommitDone: () => {
          this.sessions.saveIfChanged();
          this.trim();
          this.cursorMoved(); // segments whose commit held them back may go now
        },
      },
      firstFree,
    );
    this.sessions = new OpenSessions(slot.dir);
    if (saved?.clean !== true && config.headOf) {
      // The saved head can lag behind the last commit (it is saved with the cursors); the segments cannot.
      const headOf = config.headOf;
      const committed = newestRecordValue(this.log.segments, (payload) => {
        const event = eventFromJson(payload);
        return event === undefined ? undefined : headOrUndefined(headOf, event);
      });
      // Records delivered before their commit are not written: a saved head past the segments' newest record is the newer one.
      const savedPosition = typeof saved?.headPosition === 'number' ? saved.headPosition : -1;
      if (committed !== undefined && committed.position > savedPosition) {
        this.headLeftBehind = this.head = committed.value;
        this.headPosition = committed.position;
      }
    }
  }

  /**
   * Claims a slot of the service's spool folder and opens it (synchronously:
   * a few small files). Returns why not when the folder cannot be used.
   */
  static open(config: SpoolConfig): EventSpool | { readonly problem: string } {
    let slot: SpoolSlot | undefined;
    const unsafe = config.privateFolder === undefined ? undefined : ensurePrivateFolder(config.privateFolder);
    if (unsafe !== undefined) return { problem: `will not use the spool folder ${config.serviceDir}: ${unsafe}` };
    try {
      slot = claimSpoolSlot(config.serviceDir, holdsWhatWasLeft);
      return new EventSpool(slot, config);
    } catch (error) {
      slot?.release();
      return { problem: `cannot use the spool folder ${config.serviceDir}: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  get dir(): string {
    return this.slot.dir;
  }

  get activeSegment(): Segment {
    return this.log.activeSegment;
  }

  get nextPosition(): number {
    return this.log.nextPosition;
  }

  /** What `headOf` said of the last event the previous owner committed, when that owner died instead of closing the spool. */
  get headLeft(): unknown {
    return this.headLeftBehind;
  }

  /** The `session.start` events of sessions the previous owner of this slot left open (for `session.end` … `abandoned`). */
  get sessionsLeftOpen(): readonly AuditEvent[] {
    return this.sessions.leftOpen;
  }

  /**
   * The feed of backend `key`: it resumes at the cursor saved for that key.
   * A key the spool has no cursor for is a backend new to this spool: it
   * gets what is appended from now on (unless the spool never saved any
   * cursor, then every backend reads all of it).
   */
  feed(key: string, sink: FeedSink): SpoolFeed {
    const oldest = this.log.segments[0];
    const saved = this.savedCursors?.[key];
    const start = typeof saved === 'number' && Number.isFinite(saved) ? saved : this.savedCursors === undefined && oldest !== this.activeSegment && oldest ? positionOf(oldest.number, 0) : 'end';
    const feed = new SpoolFeed(key, this, sink, start);
    this.feeds.push(feed);
    return feed;
  }

  /** Every feed made: from now on, delivered segments may be deleted. Starts reading what is left from before. */
  start(): void {
    this.started = true;
    this.sessions.closingLeftOpen();
    this.saveCursors();
    for (const feed of this.feeds) feed.pull();
  }

  /**
   * Appends events (synchronously: encoding and buffering only) and hands
   * them to every live feed.
   */
  append(events: readonly AuditEvent[]): SpoolEntry[] {
    const now = this.now();
    const entries: SpoolEntry[] = [];
    for (const event of events) {
      const entry = this.log.append(event, now, this.records.sizeOf(event));
      entries.push(entry);
      this.unsynced.push(entry);
    }
    this.appendedCount += entries.length;
    for (const feed of this.feeds) feed.appended(entries);
    // Only now, with every feed holding the entries, may a commit judge which still need the disk.
    if (this.log.totalBytes > this.config.maxBytes) void this.log.commit();
    else this.log.commitIfLarge();
    return entries;
  }

  /**
   * Undefined when `events` can be appended now without the spool ever
   * pushing out, to stay within its size, an event some backend has not
   * settled (delivered, or counted lost); otherwise why not (spool-room.ts).
   * Append right after asking, in the same synchronous step: the very same
   * event objects are then written as measured here.
   *
   * @example
   * const shortage = spool.shortage(events);
   * if (shortage === undefined) spool.append(events); // else refuse them: 503, or 413 when too-large
   */
  shortage(events: readonly AuditEvent[]): SpoolShortage | undefined {
    return spoolShortage({
      bytes: this.records.bytesOf(events),
      spoolBytes: this.log.totalBytes,
      maxBytes: this.config.maxBytes,
      settledBytes: () => {
        // No feed, no backend: nothing is ever settled (and nothing deleted).
        if (this.feeds.length === 0) return 0;
        const settledBefore = Math.min(...this.feeds.map((feed) => feed.cursor.position));
        return settledBytes(this.log.segments, this.log.activeSegment, this.log.nextPosition, settledBefore);
      },
    });
  }

  segmentFrom(number: number): Segment | undefined {
    return this.log.segments.find((s) => s.number >= number);
  }

  read(segment: Segment, from: number, to: number): Promise<Buffer> {
    return this.log.read(segment, from, to);
  }

  unsyncedFrom(position: number): readonly SpoolEntry[] {
    let low = this.unsyncedHead;
    let high = this.unsynced.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.unsynced[mid] as SpoolEntry).position < position) low = mid + 1;
      else high = mid;
    }
    return this.unsynced.slice(low);
  }

  cursorMoved(): void {
    if (!this.started || this.closed) return;
    // At most once per group-commit window: a cursor saved a little late only
    // means those events are sent again after a crash (same ids), never lost.
    if (this.cursorSave !== undefined) return;
    this.cursorSave = setTimeout(() => {
      this.cursorSave = undefined;
      this.saveCursors();
      void this.deleteDelivered();
    }, Math.max(MIN_CURSOR_SAVE_MILLIS, this.config.flushMillis));
    this.cursorSave.unref();
  }

  readFailed(segment: Segment, error: unknown): void {
    const code = (error as NodeJS.ErrnoException).code ?? 'read';
    if (this.warned.has(`read:${code}`)) return;
    this.warned.add(`read:${code}`);
    log.warn(`could not read back spool segment ${segment.path} (${error instanceof Error ? error.message : String(error)}); trying again later.`);
  }

  /** Writes what is buffered now (flush, tests, benchmarks). */
  commit(): Promise<void> {
    return this.log.commit();
  }

  /**
   * Commits now (not at the group-commit timer) and resolves once a commit
   * is done with `entries` (appended earlier): true when every one of them
   * is on disk or needed no disk (every backend settled it from memory
   * first, so it is delivered), false when a write failed and some are in
   * memory only. For a caller that must not acknowledge events before they
   * are safe (the OTLP gateway answers 200 only then).
   */
  async durable(entries: readonly SpoolEntry[]): Promise<boolean> {
    // append() buffers into the next commit; commit() waits out one under way, then writes what is pending.
    await this.log.commit();
    // Whoever waits on this (the gateway) answers for the events next, and may be killed the moment after. Records
    // delivered before the commit are not written, so the segments alone do not tell a next owner how far the chain got.
    if (this.started && !this.closed && this.head !== this.headSaved) {
      this.saveCursors();
      await this.cursorFile.settled();
    }
    return entries.every((entry) => entry.offset !== NOT_WRITTEN);
  }

  stats(): SpoolStats {
    return {
      dir: this.slot.dir,
      bytes: this.log.totalBytes,
      segments: this.log.segments.length,
      appended: this.appendedCount,
      writeFailures: this.writeFailures,
      ...(this.slot.adoptedFrom !== undefined && { adoptedFrom: this.slot.adoptedFrom }),
    };
  }

  /** Commits what is buffered, saves cursors and open sessions, releases the slot. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.cursorSave);
    for (const feed of this.feeds) feed.close();
    await this.log.close();
    this.saveCursors(true);
    await Promise.all([this.cursorFile.settled(), this.sessions.settled()]);
    await this.deleteDelivered();
    this.slot.release();
  }

  private saveCursors(clean = false): void {
    const cursors: Record<string, number> = { ...this.savedCursors };
    for (const feed of this.feeds) cursors[feed.key] = feed.cursor.position;
    this.cursorFile.save({ cursors, ...(this.head !== undefined && { head: this.head, headPosition: this.headPosition }), ...(clean && { clean: true }) });
    this.headSaved = this.head;
  }

  /** Deletes the segments every backend is done with. */
  private async deleteDelivered(): Promise<void> {
    if (this.feeds.length === 0) return;
    let done = Number.POSITIVE_INFINITY;
    for (const feed of this.feeds) done = Math.min(done, feed.cursor.position);
    for (const segment of [...this.log.segments]) {
      if (segment === this.log.activeSegment || segmentEnd(segment.number) > done) break;
      // Delivered from memory before its commit: the commit (maybe under way) still holds it; deleted after.
      const waiting = this.unsynced[this.unsyncedHead];
      if (waiting !== undefined && waiting.segment <= segment.number) break;
      await this.log.remove(segment);
    }
  }

  private dropUnsynced(count: number): void {
    this.unsyncedHead += count;
    if (this.unsyncedHead > 1024 && this.unsyncedHead * 2 > this.unsynced.length) {
      this.unsynced = this.unsynced.slice(this.unsyncedHead);
      this.unsyncedHead = 0;
    }
  }

  /**
   * Whether the spool holds `entry` for a next process: its write did not
   * fail and its segment was not deleted to keep the spool within its size.
   * (One still waiting for its commit is written at close.)
   */
  holds(entry: SpoolEntry): boolean {
    return entry.offset !== NOT_WRITTEN && this.log.segments.some((s) => s.number === entry.segment);
  }

  /** Whether no backend needs this entry from the disk any more (all settled it, from memory). */
  private settledEverywhere(entry: SpoolEntry): boolean {
    if (this.feeds.length === 0) return false;
    for (const feed of this.feeds) if (!feed.cursor.isSettled(entry.position)) return false;
    return true;
  }

  private writeFailed(failed: readonly SpoolEntry[], error: Error): void {
    if (failed.length === 0) return;
    this.writeFailures++;
    const code = (error as NodeJS.ErrnoException).code ?? error.message;
    const reason = `could not be written to the spool (${code})`;
    for (const feed of this.feeds) feed.unwritten(failed, reason);
    if (this.warned.has(code)) return;
    this.warned.add(code);
    const message =
      `otel-agent-audit: could not write the spool in ${this.slot.dir}: ${error.message}. ` +
      `${eventCount(failed.length)} and later ones are kept in memory only until writing works again; ` +
      `a backend that is behind loses them (counted). Check free space, or set spoolDir / OTEL_AGENT_AUDIT_SPOOL_DIR.`;
    log.warn(message);
    process.emitWarning(message, { code: SPOOL_WARNING_CODE });
  }

  /** Keeps the spool within `maxBytes`: deletes the oldest segments, counting what backends had not read of them. */
  private trim(): void {
    if (this.trimming || this.closed) return;
    this.trimming = true;
    void this.trimOldest()
      .catch((error: unknown) => this.readFailed(this.log.segments[0] as Segment, error))
      .finally(() => (this.trimming = false));
  }

  private async trimOldest(): Promise<void> {
    while (this.log.totalBytes > this.config.maxBytes && !this.closed) {
      if (this.log.segments.length === 1) this.log.rotate();
      const oldest = this.log.segments[0] as Segment;
      if (this.unsyncedFrom(positionOf(oldest.number, 0)).some((e) => e.segment === oldest.number)) return; // its last write is under way
      // Only a feed still to read this segment needs to know what it held.
      const from = Math.min(...this.feeds.map((f) => f.unreadFrom));
      if (from >= segmentEnd(oldest.number)) {
        await this.log.remove(oldest);
        continue;
      }
      let events: Array<{ position: number; event: AuditEvent }>;
      try {
        events = await this.eventsOf(oldest, from);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        for (const feed of this.feeds) feed.segmentVanished(oldest); // deleted from outside: each feed counts what it had not read
        await this.log.remove(oldest);
        continue;
      }
      const reason = `the spool was full (spoolMaxBytes ${this.config.maxBytes})`;
      for (const feed of this.feeds) {
        const from = feed.unreadFrom;
        feed.discardSegment(oldest, events.filter((e) => e.position >= from).map((e) => e.event), reason);
      }
      await this.log.remove(oldest);
    }
  }

  /** The events of a segment from position `from` on (those before it are not parsed). */
  private async eventsOf(segment: Segment, from: number): Promise<Array<{ position: number; event: AuditEvent }>> {
    const bytes = await this.log.read(segment, 0, segment.committedBytes);
    const out: Array<{ position: number; event: AuditEvent }> = [];
    for (let step = decodeRecord(bytes, 0); step.kind === 'record' || step.kind === 'corrupt'; step = decodeRecord(bytes, step.end)) {
      if (step.kind !== 'record' || step.record.position < from) continue;
      try {
        out.push({ position: step.record.position, event: JSON.parse(step.record.payload.toString('utf8')) as AuditEvent });
      } catch {
        // damaged: counted when a feed reads it, not here
      }
    }
    return out;
  }
}

/** A `headOf` that throws (a bug) costs the record of the head, not the commit. */
function headOrUndefined(headOf: (event: AuditEvent) => unknown, event: AuditEvent): unknown {
  try {
    return headOf(event);
  } catch {
    return undefined;
  }
}

/** A slot a dead process left something in: undelivered segments, or a head it did not close. */
function holdsWhatWasLeft(slotDir: string): boolean {
  try {
    if (!existsSync(slotDir)) return false;
    if (readdirSync(slotDir).some((name) => name.endsWith('.log'))) return true;
    const saved = new ReplacedJsonFile<SavedCursors>(join(slotDir, 'cursors.json')).load() as Partial<SavedCursors> | undefined;
    return saved?.head !== undefined && saved.clean !== true;
  } catch {
    return false;
  }
}
