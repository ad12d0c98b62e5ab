/**
 * What the newest record a dead owner committed says, read from its segment
 * files when a new owner opens the slot. The owner saves its chain head with
 * its cursors, but that file is written after deliveries, not after each
 * commit (it is not fsynced and not worth a write per commit): a kill between
 * a commit's fsync and the next save leaves a saved head that lags behind
 * what the segments hold, or none at all. The segments are the truth.
 */
import { readFileSync } from 'node:fs';
import type { Segment } from './segment-log.js';
import { decodeRecord, type SpoolRecord } from './spool-record.js';

/**
 * The value `take` gives for the newest intact record of `segments` (oldest
 * first) it gives one for, with that record's spool position; undefined when
 * it gives none. Reads one
 * segment at a time (at most 8 MiB), synchronously: it runs once, when a
 * spool left by a dead process is opened. Each record is checked (CRC); only
 * those from the newest back to the first taken are parsed.
 *
 * @example
 * newestRecordValue(log.segments, (payload) => headOf(JSON.parse(payload.toString()))); // { value, position }
 */
export function newestRecordValue<T>(segments: readonly Segment[], take: (payload: Buffer) => T | undefined): { readonly value: T; readonly position: number } | undefined {
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i]!;
    if (segment.committedBytes === 0) continue;
    let bytes: Buffer;
    try {
      bytes = readFileSync(segment.path);
    } catch {
      continue; // unreadable: its records are counted as damaged when a feed reads them
    }
    const records: SpoolRecord[] = [];
    for (let step = decodeRecord(bytes, 0); step.kind === 'record' || step.kind === 'corrupt'; step = decodeRecord(bytes, step.end)) {
      if (step.kind === 'record') records.push(step.record);
    }
    for (let j = records.length - 1; j >= 0; j--) {
      const value = take(records[j]!.payload);
      if (value !== undefined) return { value, position: records[j]!.position };
    }
  }
  return undefined;
}
