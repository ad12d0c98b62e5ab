/**
 * Verifying a trail where it lies (a file, a folder of files, stdin), and
 * the report as text for a terminal.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { StreamReport, TrailReport } from './trail-report.js';
import { LineSplitter, type NumberedLine } from './line-splitter.js';
import { TrailVerifier, type VerifyTrailOptions } from './verify-trail.js';

export { MAX_TRAIL_LINE_CHARS } from './line-splitter.js';

/** Options of {@link verifyTrailSource}. */
export interface VerifyTrailSourceOptions extends VerifyTrailOptions {
  /** What `'-'` reads. Default: `process.stdin`. */
  stdin?: Readable;
}

/** Findings listed in full up to this many; beyond, counted. */
const LISTED = 20;

/**
 * Verifies the trail at `source`: a JSONL file; a folder, whose `*.jsonl`
 * files are read in name order as one trail (streams may span files); or
 * `'-'` for stdin. Lines are streamed, not loaded whole.
 *
 * @throws Error naming the source when it cannot be read (missing, a folder without `*.jsonl`, a read error).
 * @throws TypeError when `publicKeys` holds something that is not an Ed25519 public key.
 * @example
 * const report = await verifyTrailSource('/var/log/agent/audit.jsonl');
 * process.stdout.write(formatTrailReport(report));
 */
export async function verifyTrailSource(source: string, options: VerifyTrailSourceOptions = {}): Promise<TrailReport> {
  const verifier = new TrailVerifier(options);
  if (source === '-') {
    await readLines(options.stdin ?? process.stdin, 'stdin', verifier);
    return verifier.report();
  }
  for (const file of await trailFiles(source)) await readLines(createReadStream(file, { highWaterMark: 1024 * 1024 }), file, verifier);
  return verifier.report();
}

/** The files `source` names: itself, or a folder's `*.jsonl` in name order. */
async function trailFiles(source: string): Promise<string[]> {
  let info;
  try {
    info = await stat(source);
  } catch (error) {
    throw new Error(`cannot read trail ${source}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (!info.isDirectory()) return [source];
  const names = (await readdir(source)).filter((name) => name.endsWith('.jsonl')).sort();
  if (names.length === 0) throw new Error(`no *.jsonl files in ${source}`);
  return names.map((name) => join(source, name));
}

/** Feeds `input` to the verifier line by line; a line past the reader's bound is counted unreadable, never held. */
async function readLines(input: Readable, name: string, verifier: TrailVerifier): Promise<void> {
  const lines = new LineSplitter();
  const add = (line: NumberedLine): void => (line.overlong ? verifier.addUnreadable() : verifier.add(line.text));
  try {
    for await (const chunk of input) for (const line of lines.push(chunk as Buffer | string)) add(line);
  } catch (error) {
    throw new Error(`cannot read trail ${name}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const last = lines.end();
  if (last !== undefined) add(last);
}

/**
 * The report as text: a block per stream with each finding and the sequence
 * numbers it concerns, then `verified: N events in M streams` or
 * `NOT verified: …` as the last line.
 *
 * @example
 * formatTrailReport(report).split('\n').at(-2); // 'verified: 1001 events in 1 stream'
 */
export function formatTrailReport(report: TrailReport): string {
  const out: string[] = [];
  for (const stream of report.streams) out.push(...streamBlock(stream), '');
  const skipped: string[] = [];
  if (report.unreadableLines > 0) skipped.push(`${count(report.unreadableLines, 'line')} not JSON`);
  if (report.unchainedLines > 0) skipped.push(`${count(report.unchainedLines, 'line')} not chained events`);
  if (skipped.length > 0) out.push(`skipped (informational; a lost event shows as a gap): ${skipped.join(', ')}`);
  const keys = report.signedBy.length > 0 ? `key ${report.signedBy.join(', ')}` : 'no valid checkpoint';
  out.push(
    report.keysPinned
      ? `signatures: checked against the pinned keys (${keys})`
      : `signatures: checked against the key each checkpoint names (${keys}); not pinned, use --public-key to require yours`,
  );
  const failing = report.streams.filter((s) => !s.ok).length;
  const streams = count(report.streams.length, 'stream');
  if (report.ok) out.push(`verified: ${count(report.events, 'event')} in ${streams}`);
  else if (report.streams.length === 0) out.push(`NOT verified: no chained events in ${count(report.lines, 'line')}`);
  else out.push(`NOT verified: ${failing} of ${streams} with findings (${count(report.events, 'event')} read)`);
  return `${out.join('\n')}\n`;
}

function streamBlock(s: StreamReport): string[] {
  const span = s.events === 0 ? 'no events in the trail' : `${count(s.events, 'event')}, sequence ${s.firstSequence}–${s.lastSequence}`;
  const lines = [`stream ${s.streamId}: ${span}, tail ${s.tail}${s.ok ? ' — ok' : ' — NOT ok'}`];
  const finding = (label: string, items: readonly string[], why: string): void => {
    if (items.length === 0) return;
    const shown = items.slice(0, LISTED).join(', ');
    const more = items.length > LISTED ? ` and ${items.length - LISTED} more` : '';
    lines.push(`  ${label}: ${shown}${more} (${why})`);
  };
  finding('gaps', s.gaps.map((g) => (g.from === g.to ? `${g.from}` : `${g.from}–${g.to}`)), 'missing sequence numbers');
  finding('modified', s.modified.map(String), 'hash is not what the next event or a checkpoint links to');
  finding('reordered', s.reordered.map((r) => `${r.sequence} belongs at ${r.belongsAt}`), 'sequence numbers exchanged');
  finding('forks', s.forks.map((f) => `${f.sequence} (${f.versions} different events)`), 'one sequence number, different events');
  finding('bad signatures', s.badSignatures.map((b) => `checkpoint ${b.sequence}: ${b.reason}`), 'such a checkpoint vouches for nothing');
  if (s.tail === 'open') {
    lines.push(`  open tail: no valid close; ${count(s.unsignedTail, 'event')} after the last valid checkpoint, covered by no signature (the tail may have been truncated)`);
  }
  if (s.recoveredBy) {
    const unsigned = s.unsignedTail > 0 ? `; ${count(s.unsignedTail, 'later event')} linked but unsigned` : '';
    lines.push(`  recovered: stream ${s.recoveredBy.streamId} vouches for it up to ${s.recoveredBy.covers} (its checkpoint ${s.recoveredBy.sequence})${unsigned}`);
  }
  const info: string[] = [];
  if (s.checkpoints > 0) info.push(count(s.checkpoints, 'checkpoint'));
  if (s.duplicates > 0) info.push(count(s.duplicates, 'redelivered duplicate'));
  if (s.outOfOrderLines > 0) info.push(`${count(s.outOfOrderLines, 'line')} out of sequence order`);
  if (info.length > 0) lines.push(`  informational: ${info.join(', ')}`);
  return lines;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
