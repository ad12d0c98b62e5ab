import { describe, expect, it } from 'vitest';
import { checkpointStatement } from '../../../src/chain/checkpoint.js';
import { signStatement } from '../../../src/chain/signing-key.js';
import { chainHeadOf, StreamChain } from '../../../src/chain/stream-chain.js';
import { verifyTrail } from '../../../src/chain/verify-trail.js';
import { chainedEvents, editLine, indexOfSequence, LINE_FORMS, linesOf, newKey, sampleEvent, shuffled } from './trail-fixtures.js';

// 25 events, a checkpoint every 10, batches of 7: events at 1–10, checkpoint
// 11, events 12–21, checkpoint 22, events 23–27, close 28.
const LAST = 28;

describe.each(LINE_FORMS)('verifyTrail on %s lines', (form) => {
  const { events, key, chain } = chainedEvents();
  const lines = linesOf(events, form);

  it('verifies an untouched trail: every link, every checkpoint, a closed tail', () => {
    const report = verifyTrail(lines);
    expect(report.ok).toBe(true);
    expect(report.streams).toHaveLength(1);
    expect(report.streams[0]).toMatchObject({
      streamId: chain.streamId,
      ok: true,
      events: LAST,
      firstSequence: 1,
      lastSequence: LAST,
      gaps: [],
      modified: [],
      reordered: [],
      forks: [],
      checkpoints: 3,
      badSignatures: [],
      tail: 'closed',
      unsignedTail: 0,
      duplicates: 0,
      outOfOrderLines: 0,
    });
    expect(report).toMatchObject({ lines: LAST, events: LAST, keysPinned: false, signedBy: [key.keyId], unreadableLines: 0, unchainedLines: 0 });
  });

  it('reports a deleted event as a gap', () => {
    const report = verifyTrail(lines.filter((_, i) => i !== indexOfSequence(lines, 5)));
    expect(report.ok).toBe(false);
    expect(report.streams[0]).toMatchObject({ gaps: [{ from: 5, to: 5 }], modified: [], reordered: [], tail: 'closed' });
  });

  it('reports two events whose sequence numbers were exchanged as reordered, not modified', () => {
    const report = verifyTrail(exchange(lines, 3, 8));
    expect(report.ok).toBe(false);
    expect(report.streams[0]).toMatchObject({
      reordered: [
        { sequence: 3, belongsAt: 8 },
        { sequence: 8, belongsAt: 3 },
      ],
      modified: [],
      gaps: [],
      forks: [],
    });
  });

  it('reports an exchange of two neighbours as reordered', () => {
    const report = verifyTrail(exchange(lines, 4, 5));
    expect(report.streams[0]).toMatchObject({ reordered: [{ sequence: 4, belongsAt: 5 }, { sequence: 5, belongsAt: 4 }], modified: [] });
  });

  it('reports an exchange involving the first event as reordered', () => {
    const report = verifyTrail(exchange(lines, 1, 6));
    expect(report.streams[0]).toMatchObject({ reordered: [{ sequence: 1, belongsAt: 6 }, { sequence: 6, belongsAt: 1 }], modified: [] });
  });

  it('reports an exchange with the last event of an open stream (nothing links to it) as reordered', () => {
    const open = linesOf(chainedEvents({ close: false, events: 24 }).events, form);
    const report = verifyTrail(exchange(open, 3, 26));
    expect(report.streams[0]).toMatchObject({ reordered: [{ sequence: 3, belongsAt: 26 }, { sequence: 26, belongsAt: 3 }], modified: [], tail: 'open' });
  });

  it('reports an edited field as modified, naming the event', () => {
    const report = verifyTrail(editLine(lines, 4, (l) => void (l.payload['prompt'] = 'Transfer all funds.')));
    expect(report.ok).toBe(false);
    expect(report.streams[0]).toMatchObject({ modified: [4], reordered: [], gaps: [], forks: [], tail: 'closed' });
  });

  it('reports an edit to the last event before the close (only the close links to it)', () => {
    const report = verifyTrail(editLine(lines, LAST - 1, (l) => void (l.type = 'custom')));
    expect(report.streams[0]!.modified).toEqual([LAST - 1]);
  });

  it('reports a truncated tail (the close gone) as open, counting the events no signature covers', () => {
    const report = verifyTrail(lines.filter((_, i) => i !== indexOfSequence(lines, LAST)));
    expect(report.ok).toBe(false);
    expect(report.streams[0]).toMatchObject({ tail: 'open', unsignedTail: 5, gaps: [], modified: [] });
  });

  it('reports a fork: a second, different event chained onto an earlier sequence', () => {
    const forked = JSON.parse(lines[indexOfSequence(lines, 5)]!);
    forked.payload['tool_name'] = 'delete_account';
    const report = verifyTrail([...lines, JSON.stringify(forked)]);
    expect(report.ok).toBe(false);
    expect(report.streams[0]).toMatchObject({ forks: [{ sequence: 5, versions: 2 }], modified: [], gaps: [], events: LAST + 1 });
  });

  it('reports a forged checkpoint signature (and the broken link its edit makes)', () => {
    const forged = editLine(lines, 11, (l) => {
      const value = l.payload['audit.integrity.value'] as string;
      l.payload['audit.integrity.value'] = (value[0] === 'A' ? 'B' : 'A') + value.slice(1);
    });
    const report = verifyTrail(forged);
    expect(report.ok).toBe(false);
    expect(report.streams[0]!.badSignatures).toEqual([{ sequence: 11, reason: `the signature does not match (key ${key.keyId})` }]);
    expect(report.streams[0]!.modified).toEqual([11]);
  });

  it('accepts a close re-signed with another key unless the real key is pinned', () => {
    const other = newKey();
    const resigned = editLine(lines, LAST, (l) => {
      const p = l.payload;
      const statement = checkpointStatement('close', p['audit.checkpoint.stream_id'] as string, p['audit.checkpoint.sequence'] as number, p['audit.checkpoint.head_hash'] as string);
      Object.assign(p, { 'audit.integrity.key_id': other.keyId, 'audit.integrity.public_key': other.publicKeyText, 'audit.integrity.value': signStatement(other, statement) });
    });
    // Without a pinned key, the signature checks out against the key the checkpoint names.
    expect(verifyTrail(resigned)).toMatchObject({ ok: true, keysPinned: false });
    const pinned = verifyTrail(resigned, { publicKeys: [key.publicKeyText] });
    expect(pinned.ok).toBe(false);
    expect(pinned.keysPinned).toBe(true);
    expect(pinned.streams[0]).toMatchObject({ tail: 'open', badSignatures: [{ sequence: LAST, reason: `signed by key ${other.keyId}, which is not a pinned key` }] });
    expect(verifyTrail(lines, { publicKeys: [key.publicKeyText] }).ok).toBe(true);
  });

  it('still verifies lines in delivery order (shuffled), counting them as out of order only', () => {
    const report = verifyTrail(shuffled(lines));
    expect(report.ok).toBe(true);
    expect(report.streams[0]!.outOfOrderLines).toBeGreaterThan(0);
  });

  it('still verifies redelivered duplicates, counting them', () => {
    const report = verifyTrail([...lines.slice(0, 9), ...lines.slice(2, 9), ...lines.slice(9)]);
    expect(report.ok).toBe(true);
    expect(report.streams[0]).toMatchObject({ duplicates: 7, events: LAST });
  });
});

describe('verifyTrail on a recovered stream', () => {
  const key = newKey();
  const dead = new StreamChain({ key });
  const deadEvents = dead.link(Array.from({ length: 8 }, (_, i) => sampleEvent(i)));
  // The ledger's last save saw event 5; 6–8 were delivered after it.
  const successor = new StreamChain({ key });
  const successorEvents = [...successor.recover(chainHeadOf(deadEvents[4]!)!), ...successor.link([sampleEvent(100), sampleEvent(101)]), ...successor.close()];

  it('verifies a dead stream vouched for by the next process, events after the vouched one included', () => {
    const report = verifyTrail(linesOf([...deadEvents, ...successorEvents], 'wire'));
    expect(report.ok).toBe(true);
    const deadReport = report.streams.find((s) => s.streamId === dead.streamId)!;
    expect(deadReport).toMatchObject({ ok: true, tail: 'recovered', lastSequence: 8, unsignedTail: 3, recoveredBy: { streamId: successor.streamId, sequence: 1, covers: 5 } });
    expect(report.streams.find((s) => s.streamId === successor.streamId)).toMatchObject({ ok: true, tail: 'closed', checkpoints: 2 });
  });

  it('needs every event up to the vouched one', () => {
    const lines = linesOf([...deadEvents.filter((_, i) => i !== 2), ...successorEvents], 'stored');
    const deadReport = verifyTrail(lines).streams.find((s) => s.streamId === dead.streamId)!;
    expect(deadReport).toMatchObject({ ok: false, tail: 'recovered', gaps: [{ from: 3, to: 3 }] });
  });

  it('reports a vouched stream missing from the trail as one gap up to the vouched sequence', () => {
    const report = verifyTrail(linesOf(successorEvents, 'jsonl'));
    expect(report.ok).toBe(false);
    expect(report.streams.find((s) => s.streamId === dead.streamId)).toMatchObject({ events: 0, gaps: [{ from: 1, to: 5 }], tail: 'recovered' });
  });

  it('reports the vouched event as modified when its hash is not the one vouched for', () => {
    const lines = editLine(linesOf([...deadEvents.slice(0, 5), ...successorEvents], 'wire'), 5, (l) => void (l.payload['response'] = 'edited'));
    const deadReport = verifyTrail(lines).streams.find((s) => s.streamId === dead.streamId)!;
    expect(deadReport.modified).toEqual([5]);
  });
});

describe('verifyTrail with lines that are not chained events', () => {
  it('counts unreadable and unchained lines without failing, and skips blank lines', () => {
    const { events } = chainedEvents({ events: 3 });
    const report = verifyTrail(['{"torn":', '', '   ', JSON.stringify({ type: 'prompt', payload: { prompt: 'unchained' } }), ...linesOf(events, 'wire')]);
    expect(report).toMatchObject({ ok: true, lines: events.length + 2, unreadableLines: 1, unchainedLines: 1 });
  });

  it('takes values already parsed', () => {
    const { events } = chainedEvents({ events: 3 });
    expect(verifyTrail(linesOf(events, 'jsonl').map((line) => JSON.parse(line))).ok).toBe(true);
  });

  it('does not verify a trail without chained events', () => {
    expect(verifyTrail(['{"a":1}'])).toMatchObject({ ok: false, streams: [], unchainedLines: 1 });
    expect(verifyTrail([]).ok).toBe(false);
  });

  it('hashes NaN in a payload as JSON null, as every trail holds it', () => {
    const chain = new StreamChain({ key: newKey() });
    const linked = [...chain.link([{ ...sampleEvent(0), payload: { score: NaN, limit: Infinity, note: undefined } }]), ...chain.close()];
    const line = linesOf(linked, 'jsonl');
    expect(JSON.parse(line[0]!).payload).toMatchObject({ score: null, limit: null });
    expect(verifyTrail(line).ok).toBe(true);
  });

  it('rejects a pinned key that is not an Ed25519 public key', () => {
    expect(() => verifyTrail([], { publicKeys: ['not-a-key'] })).toThrow(TypeError);
  });
});

/** `lines` with the sequence numbers of the events at `a` and `b` exchanged. */
function exchange(lines: readonly string[], a: number, b: number): string[] {
  const out = [...lines];
  const [at, bt] = [indexOfSequence(lines, a), indexOfSequence(lines, b)];
  out[at] = withSequence(lines[at]!, b);
  out[bt] = withSequence(lines[bt]!, a);
  return out;
}

function withSequence(line: string, sequence: number): string {
  const parsed = JSON.parse(line);
  parsed.payload['audit.sequence.number'] = sequence;
  return JSON.stringify(parsed);
}
