/**
 * `newestRecordValue`: how a next owner learns from a dead owner's segment
 * files what it last committed (its chain head), when the cursors file that
 * also holds it was saved before that commit. Real files, written as the
 * spool writes them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newestRecordValue } from '../../../../src/deliver/spool/newest-record.js';
import type { Segment } from '../../../../src/deliver/spool/segment-log.js';
import { encodeRecord } from '../../../../src/deliver/spool/spool-record.js';

/** A segment file holding one record per payload, and `tail` bytes after them. */
function segment(dir: string, number: number, payloads: readonly object[], tail: Buffer = Buffer.alloc(0)): Segment {
  const path = join(dir, `segment-${number}.log`);
  const bytes = Buffer.concat([...payloads.map((p, i) => encodeRecord(number * 1000 + i, 0, Buffer.from(JSON.stringify(p)))), tail]);
  writeFileSync(path, bytes);
  return { number, path, committedBytes: bytes.length, records: undefined };
}

const sequenceOf = (payload: Buffer): number | undefined => (JSON.parse(payload.toString('utf8')) as { seq?: number }).seq;

describe('newestRecordValue', () => {
  it("takes the newest segment's last record, past a record torn by the crash", () => {
    const dir = mkdtempSync(join(tmpdir(), 'newest-record-'));
    const torn = encodeRecord(2003, 0, Buffer.from('{"seq":99}')).subarray(0, 20);
    const segments = [segment(dir, 1, [{ seq: 1 }, { seq: 2 }]), segment(dir, 2, [{ seq: 3 }, { seq: 4 }], torn)];

    expect(newestRecordValue(segments, sequenceOf)).toEqual({ value: 4, position: 2001 });
  });

  it('goes back past records `take` gives nothing for, and past empty or missing segments', () => {
    const dir = mkdtempSync(join(tmpdir(), 'newest-record-'));
    const unchained = { note: 'no chain fields' };
    const missing: Segment = { number: 4, path: join(dir, 'gone.log'), committedBytes: 10, records: undefined };
    const segments = [segment(dir, 1, [{ seq: 1 }, { seq: 2 }]), segment(dir, 2, [unchained]), missing, segment(dir, 5, [])];

    expect(newestRecordValue(segments, sequenceOf)).toEqual({ value: 2, position: 1001 });
  });

  it('is undefined when no record is taken', () => {
    const dir = mkdtempSync(join(tmpdir(), 'newest-record-'));
    expect(newestRecordValue([segment(dir, 1, [{ note: 'x' }])], sequenceOf)).toBeUndefined();
    expect(newestRecordValue([], sequenceOf)).toBeUndefined();
  });
});
