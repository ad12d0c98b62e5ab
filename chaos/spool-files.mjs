// Damages a stopped agent's spool the two ways a disk does: a corrupt record
// (bytes flipped in the middle of a segment) and a torn tail (the last record
// cut half-way, as a crash mid-append leaves it). The layout is the one the
// spool is specified with:
//   <spoolDir>/<serviceName>/<slot>/segment-<n>.log
//   record = [u32 magic][u32 length][u32 crc32][f64 position][f64 appendedAt][payload], little endian
// Segment files are found by `*.log` anywhere under the spool directory, so a
// renamed slot or file does not break the scenario; if the records cannot be
// parsed, bytes are still flipped and cut, and the damaged ticks are unknown.
import { readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const HEADER_BYTES = 4 + 4 + 4 + 8 + 8;
// Also matches the arguments as escaped JSON text inside JSON (\"run\":…).
const TICK = /\\?"run\\?":\\?"([^"\\]+)\\?",\\?"seq\\?":(\d+)/g;

/** Every `*.log` file under `dir`, oldest segment first (by the number in its name, then by path). */
export function findSegments(dir) {
  const out = [];
  const walk = (d) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && entry.name.endsWith('.log')) out.push(path);
    }
  };
  walk(dir);
  const number = (path) => Number(/(\d+)\.log$/.exec(path)?.[1] ?? 0);
  return out.sort((a, b) => number(a) - number(b) || a.localeCompare(b));
}

/**
 * The records of one segment: [{ start, payloadStart, end }], or undefined
 * when its bytes do not follow the layout (the magic is taken from the first
 * record; `length` is read as the payload's length, else the record's).
 */
export function parseSegment(buffer) {
  if (buffer.length < HEADER_BYTES) return undefined;
  const magic = buffer.readUInt32LE(0);
  for (const lengthIsPayload of [true, false]) {
    const records = [];
    let at = 0;
    while (at + HEADER_BYTES <= buffer.length && buffer.readUInt32LE(at) === magic) {
      const length = buffer.readUInt32LE(at + 4);
      const end = lengthIsPayload ? at + HEADER_BYTES + length : at + length;
      if (end <= at + HEADER_BYTES || end > buffer.length) break;
      records.push({ start: at, payloadStart: at + HEADER_BYTES, end });
      at = end;
    }
    if (records.length > 0 && at === buffer.length) return records;
  }
  return undefined;
}

/** The "run seq" ticks whose { run, seq } appear in `bytes` (JSON text, however the payload wraps it). */
export function ticksIn(bytes) {
  return [...bytes.toString('utf8').matchAll(TICK)].map((m) => `${m[1]} ${m[2]}`);
}

/**
 * Flips bytes in the middle of the middle record of the segment holding the
 * most records, and cuts the last record of the newest segment half-way.
 * Resolves what was done, the ticks in the damaged records, and `problem`
 * when there was nothing (or not enough) to damage.
 */
export function damageSpool(dir) {
  const segments = findSegments(dir).map((path) => ({ path, buffer: readFileSync(path) })).filter((s) => s.buffer.length > 0);
  if (segments.length === 0) return { segments: 0, records: 0, corrupt: [], torn: [], problem: `no spool segment files (*.log) under ${dir}` };
  for (const segment of segments) segment.records = parseSegment(segment.buffer);
  const records = segments.reduce((n, s) => n + (s.records?.length ?? 0), 0);
  const newest = segments.at(-1);
  const torn = tearLastRecord(newest);
  const candidates = segments.filter((s) => s.records?.length > (s === newest ? 2 : 0));
  const target = candidates.sort((a, b) => b.records.length - a.records.length)[0] ?? segments[0];
  const corrupt = flipMiddle(target, target === newest ? torn.cutRecord : undefined);
  const problem = segments.some((s) => !s.records)
    ? 'segment bytes do not follow the specified record layout: damaged ticks unknown'
    : corrupt.found ? undefined : `only ${records} record(s) spooled: too few to corrupt one and tear another`;
  return { segments: segments.length, records, corrupt: corrupt.ticks, torn: torn.ticks, files: { corrupt: target.path, torn: newest.path }, problem };
}

function tearLastRecord(segment) {
  const last = segment.records?.at(-1) ?? { start: 0, payloadStart: 0, end: segment.buffer.length };
  const cut = last.start + Math.floor((last.end - last.start) / 2);
  truncateSync(segment.path, cut);
  return { ticks: ticksIn(segment.buffer.subarray(last.payloadStart, last.end)), cutRecord: last };
}

function flipMiddle(segment, avoid) {
  const records = segment.records?.filter((r) => r !== avoid);
  const record = records?.[Math.floor(records.length / 2)];
  const [from, to] = record ? [record.payloadStart, record.end] : [0, statSync(segment.path).size];
  const buffer = readFileSync(segment.path);
  const middle = from + Math.floor((to - from) / 2);
  const ticks = record ? ticksIn(buffer.subarray(from, to)) : [];
  for (let i = Math.max(from, middle - 4); i < Math.min(to, middle + 4); i++) buffer[i] ^= 0xff;
  writeFileSync(segment.path, buffer);
  return { ticks, found: record !== undefined };
}
