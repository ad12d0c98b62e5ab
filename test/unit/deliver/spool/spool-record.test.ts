import { describe, expect, it } from 'vitest';
import { decodeRecord, encodeRecord, RECORD_HEADER_BYTES, type DecodeStep, type SpoolRecord } from '../../../../src/deliver/spool/spool-record.js';
import { int, mulberry32 } from '../../../support/seeded-random.js';

const payload = (text: string): Buffer => Buffer.from(text, 'utf8');

/** Three records back to back: their bytes and where each one starts. */
function threeRecords(): { bytes: Buffer; starts: number[] } {
  const parts = [encodeRecord(0, 1_000, payload('{"id":"a"}')), encodeRecord(1, 2_000, payload('{"id":"bb"}')), encodeRecord(2, 3_000, payload('{"id":"ccc"}'))];
  const starts: number[] = [];
  let offset = 0;
  for (const part of parts) {
    starts.push(offset);
    offset += part.length;
  }
  return { bytes: Buffer.concat(parts), starts };
}

/** Every step of reading `bytes` from the start, until `end` or `torn` (at most `limit` steps: a reader that stops advancing fails the test). */
function readAll(bytes: Buffer, limit = 100_000): DecodeStep[] {
  const steps: DecodeStep[] = [];
  let offset = 0;
  for (let i = 0; i < limit; i++) {
    const step = decodeRecord(bytes, offset);
    steps.push(step);
    if (step.kind === 'end' || step.kind === 'torn') return steps;
    if (step.end <= offset) throw new Error(`no progress at offset ${offset}: ${step.kind} ends at ${step.end}`);
    offset = step.end;
  }
  throw new Error(`still reading after ${limit} steps`);
}

const records = (steps: DecodeStep[]): SpoolRecord[] => steps.flatMap((s) => (s.kind === 'record' ? [s.record] : []));
const payloads = (steps: DecodeStep[]): string[] => records(steps).map((r) => r.payload.toString('utf8'));
const kinds = (steps: DecodeStep[]): string[] => steps.map((s) => s.kind);

describe('spool record', () => {
  it('reads back what it encoded: position, append time and payload', () => {
    const text = '{"id":"e1","payload":{"text":"héllo ✓"}}';
    const bytes = encodeRecord(2 ** 24 * 3 + 17, 1_733_000_000_123, payload(text));
    const step = decodeRecord(bytes, 0);
    expect(step).toMatchObject({ kind: 'record', end: bytes.length, record: { position: 2 ** 24 * 3 + 17, appendedAt: 1_733_000_000_123 } });
    expect((step as { record: SpoolRecord }).record.payload.toString('utf8')).toBe(text);
    expect(decodeRecord(bytes, bytes.length)).toEqual({ kind: 'end' });
  });

  it('reads a run of records in order, an empty payload included', () => {
    const bytes = Buffer.concat([encodeRecord(0, 1, payload('first')), encodeRecord(1, 2, Buffer.alloc(0)), encodeRecord(2, 3, payload('third'))]);
    const steps = readAll(bytes);
    expect(kinds(steps)).toEqual(['record', 'record', 'record', 'end']);
    expect(payloads(steps)).toEqual(['first', '', 'third']);
    expect(records(steps).map((r) => r.position)).toEqual([0, 1, 2]);
  });

  it('reports a record whose payload changed on disk as corrupt, and still reads the next one', () => {
    const { bytes, starts } = threeRecords();
    bytes[(starts[1] as number) + RECORD_HEADER_BYTES + 3]! ^= 0x01;
    const steps = readAll(bytes);
    expect(kinds(steps)).toEqual(['record', 'corrupt', 'record', 'end']);
    expect(payloads(steps)).toEqual(['{"id":"a"}', '{"id":"ccc"}']);
  });

  it('reports a record whose position or time changed as corrupt (the CRC covers them)', () => {
    const { bytes, starts } = threeRecords();
    bytes[(starts[0] as number) + 12]! ^= 0x80;
    bytes[(starts[2] as number) + 20]! ^= 0x01;
    expect(kinds(readAll(bytes))).toEqual(['corrupt', 'record', 'corrupt', 'end']);
  });

  it('finds the next record after a damaged magic', () => {
    const { bytes, starts } = threeRecords();
    bytes[starts[1] as number] = 0x00;
    const steps = readAll(bytes);
    expect(payloads(steps)).toEqual(['{"id":"a"}', '{"id":"ccc"}']);
    expect(steps.filter((s) => s.kind === 'corrupt')).toHaveLength(1);
    expect(steps.at(-1)).toEqual({ kind: 'end' });
  });

  it('finds the next record after a length field damaged to an absurd size', () => {
    const { bytes, starts } = threeRecords();
    bytes.writeUInt32LE(0xfffffff0, (starts[0] as number) + 4);
    const steps = readAll(bytes);
    expect(payloads(steps)).toEqual(['{"id":"bb"}', '{"id":"ccc"}']);
  });

  it('finds the next record after a length field damaged to run past the end of the bytes', () => {
    const { bytes, starts } = threeRecords();
    bytes.writeUInt32LE(bytes.length, (starts[1] as number) + 4);
    const steps = readAll(bytes);
    expect(payloads(steps)).toEqual(['{"id":"a"}', '{"id":"ccc"}']);
    expect(steps.at(-1)).toEqual({ kind: 'end' });
  });

  // On a CRC mismatch the length may be what is damaged: reading must not trust it
  // and skip the intact record the bytes it claims hold.
  it('loses only the record whose length field was damaged, when the damaged length still fits in the segment', () => {
    const { bytes, starts } = threeRecords();
    const second = (starts[1] as number) + RECORD_HEADER_BYTES;
    // The first record now claims to run to just after the second one's header.
    bytes.writeUInt32LE(second - RECORD_HEADER_BYTES + 2, (starts[0] as number) + 4);
    const steps = readAll(bytes);
    expect(payloads(steps)).toEqual(['{"id":"bb"}', '{"id":"ccc"}']);
  });

  it('reports a last record cut off inside its payload as torn', () => {
    const { bytes } = threeRecords();
    const steps = readAll(bytes.subarray(0, bytes.length - 3));
    expect(kinds(steps)).toEqual(['record', 'record', 'torn']);
  });

  it('reports a last record cut off inside its header as torn', () => {
    const { bytes, starts } = threeRecords();
    for (const cut of [1, 4, 11, RECORD_HEADER_BYTES - 1]) {
      expect(kinds(readAll(bytes.subarray(0, (starts[2] as number) + cut)))).toEqual(['record', 'record', 'torn']);
    }
  });

  it('takes a short tail that does not start like a record for damage, not for a torn write', () => {
    const { bytes } = threeRecords();
    const steps = readAll(Buffer.concat([bytes, Buffer.from([0xde, 0xad, 0xbe])]));
    expect(kinds(steps)).toEqual(['record', 'record', 'record', 'corrupt', 'end']);
  });

  it('never throws and always advances on random bytes, or on records with random damage', () => {
    const seed = 0x5eed;
    const r = mulberry32(seed);
    for (let i = 0; i < 2_000; i++) {
      let bytes: Buffer;
      if (i % 2 === 0) {
        bytes = Buffer.from(Array.from({ length: int(r, 400) }, () => int(r, 256)));
      } else {
        const count = 1 + int(r, 6);
        bytes = Buffer.concat(Array.from({ length: count }, (_, n) => encodeRecord(n, n, Buffer.from('x'.repeat(int(r, 80))))));
        for (let flips = int(r, 4); flips > 0; flips--) bytes[int(r, bytes.length)] = int(r, 256);
        bytes = bytes.subarray(0, bytes.length - int(r, 30));
      }
      let steps: DecodeStep[] = [];
      expect(() => (steps = readAll(bytes)), `seed ${seed}, iteration ${i}`).not.toThrow();
      // Whatever it reads back is a record that was written whole.
      for (const record of records(steps)) expect(record.payload.toString('latin1')).toMatch(/^x*$/);
    }
  });

  it('never throws for an offset inside or past the bytes', () => {
    const { bytes } = threeRecords();
    for (let offset = 0; offset <= bytes.length + 5; offset++) expect(() => decodeRecord(bytes, offset)).not.toThrow();
  });
});
