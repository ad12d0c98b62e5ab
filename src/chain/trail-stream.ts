/**
 * One stream of a trail being verified: its events by sequence number,
 * linked as they arrive, and at the end its findings.
 */
import { AUDIT_SEQUENCE_NUMBER } from './chain-fields.js';
import type { ChainView } from './chain-view.js';
import { readCheckpointClaim, type CheckpointClaim, type CheckpointVerifier } from './checkpoint.js';
import { chainHash } from './event-hash.js';
import type { Reordering, SequenceRange, StreamReport, TailState } from './trail-report.js';

/** One distinct event of a stream. */
interface Version {
  readonly sequence: number;
  readonly hash: string;
  /** Dropped once the link into this event is confirmed: only broken links need it later. */
  prevHash: string | undefined;
  /** Kept until both links are confirmed: the reorder search re-hashes it. */
  view: ChainView | undefined;
  linkedIn: boolean;
  linkedOut: boolean;
  readonly claim: CheckpointClaim | undefined;
  readonly badSignature: string | undefined;
  /** Another event with the same sequence number (a fork). */
  readonly other: Version | undefined;
}

/** Re-hashing work allowed per stream for the reorder search; a trail mangled beyond it is reported as modified. */
const MAX_REORDER_PROBES = 50_000;

/** A valid `recovered` checkpoint: which stream wrote it, at which sequence. */
export interface Voucher {
  readonly writtenBy: string;
  readonly sequence: number;
  readonly claim: CheckpointClaim;
}

/** The events of one stream, linked as they arrive. Internal to `TrailVerifier`. */
export class TrailStream {
  private readonly versions = new Map<number, Version>();
  private duplicates = 0;
  private outOfOrder = 0;
  private lastLineSequence = 0;
  private distinct = 0;

  constructor(readonly streamId: string) {}

  /** Takes one event of the stream; a redelivery (same sequence, same hash) is only counted. */
  add(sequence: number, hash: string, prevHash: string | undefined, view: ChainView, verifier: CheckpointVerifier): void {
    if (sequence < this.lastLineSequence) this.outOfOrder++;
    this.lastLineSequence = sequence;
    const same = this.versions.get(sequence);
    for (let v = same; v !== undefined; v = v.other) {
      if (v.hash === hash) {
        this.duplicates++;
        return;
      }
    }
    const { claim, badSignature } = checkCheckpoint(view, this.streamId, sequence, prevHash, verifier);
    const first = sequence === 1 && prevHash === undefined;
    const version: Version = { sequence, hash, prevHash, view, linkedIn: first, linkedOut: false, claim, badSignature, other: same };
    this.versions.set(sequence, version);
    this.distinct++;
    for (let before = this.versions.get(sequence - 1); before !== undefined; before = before.other) {
      if (before.hash === prevHash) link(before, version);
    }
    for (let after = this.versions.get(sequence + 1); after !== undefined; after = after.other) {
      if (after.prevHash === hash) link(version, after);
    }
  }

  /** The valid `recovered` checkpoints this stream wrote. */
  vouchers(): Voucher[] {
    const out: Voucher[] = [];
    for (const head of this.versions.values()) {
      for (let v: Version | undefined = head; v !== undefined; v = v.other) {
        if (v.claim?.kind === 'recovered' && v.badSignature === undefined) out.push({ writtenBy: this.streamId, sequence: v.sequence, claim: v.claim });
      }
    }
    return out;
  }

  /** The key ids of this stream's valid checkpoints. */
  keyIds(): Set<string> {
    const ids = new Set<string>();
    for (const v of this.all()) if (v.claim && v.badSignature === undefined) ids.add(v.claim.keyId);
    return ids;
  }

  /** The findings, given the valid `recovered` checkpoints other streams hold for this one. */
  report(vouchers: readonly Voucher[]): StreamReport {
    const sequences = [...this.versions.keys()].sort((a, b) => a - b);
    const first = sequences[0] ?? 0;
    const last = sequences[sequences.length - 1] ?? 0;
    const vouchedUpTo = vouchers.reduce((max, v) => Math.max(max, v.claim.sequence), 0);
    const forks = sequences.filter((s) => this.versions.get(s)!.other !== undefined).map((s) => ({ sequence: s, versions: this.at(s).length }));
    const broken = sequences.filter((s) => (s === 1 || this.versions.has(s - 1)) && !this.at(s).some((v) => v.linkedIn));
    const reordered = this.findReorderings(broken, vouchers);
    const displaced = new Set(reordered.map((r) => r.sequence));
    const modified = new Set<number>();
    for (const k of broken) {
      // A misplaced event at k breaks the link into k; the event before it is not to blame.
      if (displaced.has(k) || displaced.has(k - 1)) continue;
      // Sequence 1 links to nothing: a broken link into it is its own prev_hash.
      modified.add(k === 1 ? 1 : k - 1);
    }
    for (const { claim } of vouchers) {
      const vouched = this.versions.has(claim.sequence) ? this.at(claim.sequence) : [];
      if (vouched.length > 0 && !vouched.some((v) => v.hash === claim.headHash) && !displaced.has(claim.sequence)) modified.add(claim.sequence);
    }
    const badSignatures = this.all()
      .filter((v) => v.badSignature !== undefined)
      .map((v) => ({ sequence: v.sequence, reason: v.badSignature! }))
      .sort((a, b) => a.sequence - b.sequence);
    const gaps = gapsIn(sequences, Math.max(last, vouchedUpTo));
    const closed = last > 0 && this.at(last).some((v) => v.claim?.kind === 'close' && v.badSignature === undefined);
    const recoveredBy = vouchers.find((v) => v.claim.sequence === vouchedUpTo);
    const tail: TailState = closed ? 'closed' : recoveredBy ? 'recovered' : 'open';
    const coveredUpTo = Math.max(this.lastOwnCheckpoint(), vouchedUpTo);
    const report: StreamReport = {
      streamId: this.streamId,
      ok: gaps.length === 0 && modified.size === 0 && reordered.length === 0 && forks.length === 0 && badSignatures.length === 0 && tail !== 'open',
      events: this.distinct,
      firstSequence: first,
      lastSequence: last,
      gaps,
      duplicates: this.duplicates,
      outOfOrderLines: this.outOfOrder,
      modified: [...modified].sort((a, b) => a - b),
      reordered,
      forks,
      checkpoints: this.all().filter((v) => v.claim !== undefined || v.badSignature !== undefined).length,
      badSignatures,
      tail,
      unsignedTail: sequences.filter((s) => s > coveredUpTo).length,
    };
    if (tail === 'recovered' && recoveredBy) {
      return { ...report, recoveredBy: { streamId: recoveredBy.writtenBy, sequence: recoveredBy.sequence, covers: vouchedUpTo } };
    }
    return report;
  }

  /**
   * At a broken link into k, the event whose hash, with its sequence number
   * set to k−1, is what k links to, belongs at k−1. The event found at k−1
   * then belongs where that one was, j, if its own prev_hash is the hash of
   * the event at j−1, or its hash with sequence number j is linked to by any
   * event or checkpoint (for an exchange of two neighbours, the event that
   * links to it is itself one of the two).
   */
  private findReorderings(broken: readonly number[], vouchers: readonly Voucher[]): Reordering[] {
    if (broken.length === 0) return [];
    const candidates = this.all().filter((v) => v.view !== undefined);
    const linkedTo = new Set<string>(vouchers.map((v) => v.claim.headHash));
    for (const v of this.all()) if (v.prevHash !== undefined) linkedTo.add(v.prevHash);
    const found = new Map<string, Reordering>();
    const note = (sequence: number, belongsAt: number): void => void found.set(`${sequence}>${belongsAt}`, { sequence, belongsAt });
    let probes = 0;
    for (const k of broken) {
      if (k === 1) continue;
      for (const target of this.at(k)) {
        if (target.prevHash === undefined) continue;
        for (const moved of candidates) {
          if (moved.sequence === k - 1) continue;
          if (++probes > MAX_REORDER_PROBES) return sortedReorderings(found);
          if (hashAt(moved, k - 1) !== target.prevHash) continue;
          note(moved.sequence, k - 1);
          for (const other of this.at(k - 1)) {
            if (other.view === undefined) continue;
            if (this.follows(other, moved.sequence - 1) || linkedTo.has(hashAt(other, moved.sequence))) note(k - 1, moved.sequence);
          }
        }
      }
    }
    return sortedReorderings(found);
  }

  /** Whether `version` was chained right after the event at `sequence` (0: it was the first). */
  private follows(version: Version, sequence: number): boolean {
    // One linked in where it sits belongs there (and its prev_hash is dropped).
    if (version.linkedIn) return false;
    if (sequence === 0) return version.prevHash === undefined;
    return version.prevHash !== undefined && this.at(sequence).some((before) => before.hash === version.prevHash);
  }

  /** The sequence of the last valid periodic or close checkpoint of this stream, 0 if none. */
  private lastOwnCheckpoint(): number {
    let last = 0;
    for (const v of this.all()) {
      if (v.claim && v.claim.kind !== 'recovered' && v.badSignature === undefined && v.sequence > last) last = v.sequence;
    }
    return last;
  }

  private at(sequence: number): Version[] {
    const out: Version[] = [];
    for (let v = this.versions.get(sequence); v !== undefined; v = v.other) out.push(v);
    return out;
  }

  private all(): Version[] {
    const out: Version[] = [];
    for (const head of this.versions.values()) for (let v: Version | undefined = head; v !== undefined; v = v.other) out.push(v);
    return out;
  }
}

/** Marks the link from `before` to `after` as confirmed; a version confirmed both ways needs its view no more. */
function link(before: Version, after: Version): void {
  before.linkedOut = true;
  after.linkedIn = true;
  after.prevHash = undefined;
  if (before.linkedIn) before.view = undefined;
  if (after.linkedOut) after.view = undefined;
}

/**
 * A checkpoint's claim and whether it is good: signed by an accepted key, and
 * for `periodic` and `close` vouching for exactly the event before it.
 */
function checkCheckpoint(
  view: ChainView,
  streamId: string,
  sequence: number,
  prevHash: string | undefined,
  verifier: CheckpointVerifier,
): { claim: CheckpointClaim | undefined; badSignature: string | undefined } {
  const claim = readCheckpointClaim(view.payload);
  if (claim === undefined) return { claim: undefined, badSignature: undefined };
  if (typeof claim === 'string') return { claim: undefined, badSignature: claim };
  if (claim.kind === 'recovered') {
    if (claim.streamId === streamId) return { claim, badSignature: 'a recovered checkpoint vouching for its own stream' };
  } else if (claim.streamId !== streamId || claim.sequence !== sequence - 1 || claim.headHash !== prevHash) {
    return { claim, badSignature: `a ${claim.kind} checkpoint that does not vouch for the event before it` };
  }
  return { claim, badSignature: verifier.problemWith(claim) };
}

function sortedReorderings(found: ReadonlyMap<string, Reordering>): Reordering[] {
  return [...found.values()].sort((a, b) => a.sequence - b.sequence || a.belongsAt - b.belongsAt);
}

/** The hash `version` would have with sequence number `sequence`. */
function hashAt(version: Version, sequence: number): string {
  const view = version.view!;
  return chainHash({ ...view, payload: { ...view.payload, [AUDIT_SEQUENCE_NUMBER]: sequence } });
}

/** Missing ranges among sorted `sequences`, from 1 to `upTo`. */
function gapsIn(sequences: readonly number[], upTo: number): SequenceRange[] {
  const gaps: SequenceRange[] = [];
  let expected = 1;
  for (const s of sequences) {
    if (s > expected) gaps.push({ from: expected, to: s - 1 });
    expected = s + 1;
  }
  if (upTo >= expected) gaps.push({ from: expected, to: upTo });
  return gaps;
}
