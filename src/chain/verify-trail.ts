/**
 * Verifies a trail of chained audit events: pure, no I/O. Lines are grouped
 * by stream and put in sequence order (delivery reorders and redelivers
 * batches, so line order proves nothing); then links, checkpoints and the
 * stream's end are checked.
 */
import { chainViewOfLine } from './chain-view.js';
import { CheckpointVerifier } from './checkpoint.js';
import { chainHash } from './event-hash.js';
import type { TrailReport } from './trail-report.js';
import { TrailStream, type Voucher } from './trail-stream.js';

export type { Reordering, SequenceRange, StreamReport, TailState, TrailReport } from './trail-report.js';

/** Options of {@link verifyTrail}. */
export interface VerifyTrailOptions {
  /** The only keys checkpoints may be signed by (base64url raw or PEM text). Default: the key each names. */
  publicKeys?: readonly string[];
}

/**
 * Verifies `lines` (JSON text, or values already parsed) and reports per stream.
 *
 * @throws TypeError when `publicKeys` holds something that is not an Ed25519 public key.
 * @example
 * const report = verifyTrail(readFileSync('audit.jsonl', 'utf8').split('\n'), { publicKeys: [pinnedKey] });
 * if (!report.ok) console.error(formatTrailReport(report));
 */
export function verifyTrail(lines: Iterable<string | unknown>, options: VerifyTrailOptions = {}): TrailReport {
  const verifier = new TrailVerifier(options);
  for (const line of lines) verifier.add(line);
  return verifier.report();
}

/**
 * {@link verifyTrail} a line at a time, for lines that arrive as a stream.
 * Holds per event its hash and links (about 200 bytes), and the event itself
 * only until both its links are confirmed.
 *
 * @example
 * const verifier = new TrailVerifier();
 * lines.on('line', (line) => verifier.add(line));
 * lines.on('close', () => print(verifier.report()));
 */
export class TrailVerifier {
  private readonly checkpoints: CheckpointVerifier;
  private readonly keysPinned: boolean;
  private readonly streams = new Map<string, TrailStream>();
  private lines = 0;
  private unreadable = 0;
  private unchained = 0;

  /** @throws TypeError when `options.publicKeys` holds something that is not an Ed25519 public key. */
  constructor(options: VerifyTrailOptions = {}) {
    this.checkpoints = new CheckpointVerifier(options.publicKeys);
    this.keysPinned = options.publicKeys !== undefined;
  }

  /** Takes one line: JSON text (blank lines are skipped) or a value already parsed. Never throws. */
  add(line: string | unknown): void {
    let value = line;
    if (typeof line === 'string') {
      if (isBlank(line)) return;
      try {
        value = JSON.parse(line);
      } catch {
        this.lines++;
        this.unreadable++;
        return;
      }
    }
    this.lines++;
    const chained = chainViewOfLine(value);
    if (chained === undefined) {
      this.unchained++;
      return;
    }
    let hash: string;
    try {
      hash = chainHash(chained.view);
    } catch {
      this.unreadable++; // only a value handed in unparsed can have no JSON form
      return;
    }
    let stream = this.streams.get(chained.streamId);
    if (stream === undefined) this.streams.set(chained.streamId, (stream = new TrailStream(chained.streamId)));
    stream.add(chained.sequence, hash, chained.prevHash, chained.view, this.checkpoints);
  }

  /** Counts a line that could not be read at all (longer than a reader takes): unreadable, as a line that is not JSON. */
  addUnreadable(): void {
    this.lines++;
    this.unreadable++;
  }

  /** The findings so far. */
  report(): TrailReport {
    const streams = new Map(this.streams);
    // Recovered checkpoints vouch for other streams: gather them before judging any stream.
    const vouchers = new Map<string, Voucher[]>();
    for (const stream of this.streams.values()) {
      for (const voucher of stream.vouchers()) {
        const vouched = voucher.claim.streamId;
        if (!streams.has(vouched)) streams.set(vouched, new TrailStream(vouched));
        vouchers.set(vouched, [...(vouchers.get(vouched) ?? []), voucher]);
      }
    }
    const reports = [...streams.values()].map((stream) => stream.report(vouchers.get(stream.streamId) ?? []));
    const signedBy = new Set<string>();
    for (const stream of this.streams.values()) for (const keyId of stream.keyIds()) signedBy.add(keyId);
    return {
      ok: reports.length > 0 && reports.every((r) => r.ok),
      lines: this.lines,
      events: reports.reduce((sum, r) => sum + r.events, 0),
      unreadableLines: this.unreadable,
      unchainedLines: this.unchained,
      keysPinned: this.keysPinned,
      signedBy: [...signedBy],
      streams: reports,
    };
  }
}

function isBlank(line: string): boolean {
  if (line.length === 0) return true;
  const first = line.charCodeAt(0);
  // Only a line that starts with white space can be all white space.
  return (first === 0x20 || first === 0x09 || first === 0x0d || first === 0x0a) && line.trim() === '';
}
