/**
 * One record of a spool segment, as bytes. Little endian:
 *
 *   magic u32 | payload length u32 | crc32 u32 | position f64 | appendedAt f64 | payload
 *
 * The CRC covers position, appendedAt and the payload, so a record whose
 * bytes changed on disk is recognised and skipped, not delivered altered.
 * The magic lets a reader find the next record after a damaged header, so
 * one bad record costs that record only (Vector's disk buffer checks a CRC
 * per record for the same reason; a reader that stops at the first bad
 * record would crash-loop or lose the rest of the segment).
 */
import { crc32 } from 'node:zlib';

/** 'OAS1' read as a little-endian u32: marks the start of every record. */
export const RECORD_MAGIC = 0x3153414f;
/** Bytes before the payload. */
export const RECORD_HEADER_BYTES = 28;
/**
 * A payload longer than this is taken for a damaged length field. Far above
 * any audit event (a text is cut to maxContentLength), far below what would
 * make a reader allocate something absurd.
 */
export const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

const MAGIC_BYTES = Buffer.from([0x4f, 0x41, 0x53, 0x31]);

/** A record read back: where it sits in the spool, when it was appended, and its payload. */
export interface SpoolRecord {
  readonly position: number;
  readonly appendedAt: number;
  readonly payload: Buffer;
}

/** What one step of reading a segment found at an offset. */
export type DecodeStep =
  /** A whole, intact record; the next one starts at `end`. */
  | { readonly kind: 'record'; readonly record: SpoolRecord; readonly end: number }
  /** Damaged bytes (a bad CRC, or no record where one should start); reading goes on at `end`. */
  | { readonly kind: 'corrupt'; readonly end: number }
  /** The bytes end inside a record: a write cut off by a crash (or still under way). */
  | { readonly kind: 'torn' }
  /** Nothing left to read. */
  | { readonly kind: 'end' };

/**
 * The bytes of one record.
 *
 * @example
 * const bytes = encodeRecord(0, Date.now(), Buffer.from(JSON.stringify(event)));
 */
export function encodeRecord(position: number, appendedAt: number, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload.length);
  out.writeUInt32LE(RECORD_MAGIC, 0);
  out.writeUInt32LE(payload.length, 4);
  out.writeDoubleLE(position, 12);
  out.writeDoubleLE(appendedAt, 20);
  payload.copy(out, RECORD_HEADER_BYTES);
  out.writeUInt32LE(crc32(out.subarray(12)), 8);
  return out;
}

/**
 * Writes the record of `json` into `target` at `offset` without an
 * intermediate buffer (the spool's hot path); returns its length. `target`
 * must have room for the header plus 3 bytes per UTF-16 unit of `json`.
 *
 * @example
 * const used = writeRecord(arena, 0, position, Date.now(), JSON.stringify(event));
 */
export function writeRecord(target: Buffer, offset: number, position: number, appendedAt: number, json: string): number {
  const length = target.write(json, offset + RECORD_HEADER_BYTES, 'utf8');
  target.writeUInt32LE(RECORD_MAGIC, offset);
  target.writeUInt32LE(length, offset + 4);
  target.writeDoubleLE(position, offset + 12);
  target.writeDoubleLE(appendedAt, offset + 20);
  const end = offset + RECORD_HEADER_BYTES + length;
  target.writeUInt32LE(crc32(target.subarray(offset + 12, end)), offset + 8);
  return end - offset;
}

/** Bytes {@link writeRecord} may need for `json`, at most. */
export function maxRecordBytes(json: string): number {
  return RECORD_HEADER_BYTES + json.length * 3;
}

/**
 * Reads the record starting at `offset` of `bytes`. Never throws: damage is
 * a `corrupt` step that says where reading resumes.
 *
 * @example
 * for (let step = decodeRecord(buf, 0); step.kind === 'record' || step.kind === 'corrupt'; step = decodeRecord(buf, step.end)) …
 */
export function decodeRecord(bytes: Buffer, offset: number): DecodeStep {
  if (offset >= bytes.length) return { kind: 'end' };
  if (bytes.length - offset < RECORD_HEADER_BYTES) {
    // A short tail that does not even start like a record is damage, not a torn write.
    return startsLikeRecord(bytes, offset) ? { kind: 'torn' } : resync(bytes, offset);
  }
  if (bytes.readUInt32LE(offset) !== RECORD_MAGIC) return resync(bytes, offset);
  const length = bytes.readUInt32LE(offset + 4);
  if (length > MAX_PAYLOAD_BYTES) return resync(bytes, offset);
  const end = offset + RECORD_HEADER_BYTES + length;
  // Past the end: a torn last record, unless another record follows (then its length field is what is damaged).
  if (end > bytes.length) return bytes.indexOf(MAGIC_BYTES, offset + 1) === -1 ? { kind: 'torn' } : resync(bytes, offset);
  const stored = bytes.readUInt32LE(offset + 8);
  // A bad CRC may as well be a damaged length: look for the next record right after this header, not after the length it claims.
  if (crc32(bytes.subarray(offset + 12, end)) !== stored) return resync(bytes, offset);
  return {
    kind: 'record',
    record: {
      position: bytes.readDoubleLE(offset + 12),
      appendedAt: bytes.readDoubleLE(offset + 20),
      payload: bytes.subarray(offset + RECORD_HEADER_BYTES, end),
    },
    end,
  };
}

/** Skips to the next place a record may start; with none, to the end. */
function resync(bytes: Buffer, offset: number): DecodeStep {
  const next = bytes.indexOf(MAGIC_BYTES, offset + 1);
  return { kind: 'corrupt', end: next === -1 ? bytes.length : next };
}

function startsLikeRecord(bytes: Buffer, offset: number): boolean {
  const available = Math.min(MAGIC_BYTES.length, bytes.length - offset);
  return bytes.subarray(offset, offset + available).equals(MAGIC_BYTES.subarray(0, available));
}
