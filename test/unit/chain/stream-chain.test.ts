import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chainViewOfEvent } from '../../../src/chain/chain-view.js';
import { checkpointStatement } from '../../../src/chain/checkpoint.js';
import { chainTextOf } from '../../../src/chain/chain-text.js';
import { canonicalJson, chainHash, textHash } from '../../../src/chain/event-hash.js';
import { toWireEvent } from '../../../src/backends/secureagentics/secureagentics-wire.js';
import { statementSignedBy } from '../../../src/chain/signing-key.js';
import { chainHeadOf, StreamChain } from '../../../src/chain/stream-chain.js';
import { isAuditError } from '../../../src/errors.js';
import { newKey, sampleEvent } from './trail-fixtures.js';

const key = newKey();
const NOW = new Date('2026-05-04T11:00:00.000Z');
const events = (n: number, from = 0) => Array.from({ length: n }, (_, i) => sampleEvent(from + i));
const sequences = (linked: readonly { payload: Readonly<Record<string, unknown>> }[]) => linked.map((e) => e.payload['audit.sequence.number']);
const kinds = (linked: readonly { payload: Readonly<Record<string, unknown>> }[]) => linked.map((e) => (e.payload['audit.checkpoint.kind'] as string | undefined) ?? '-');

describe('StreamChain.link', () => {
  it('gives each event its stream id, the next sequence number and the hash of the event before', () => {
    const chain = new StreamChain({ key });
    const input = events(3);
    const linked = chain.link(input);
    expect(chain.streamId).toMatch(/^[0-9a-f]{32}$/);
    expect(sequences(linked)).toEqual([1, 2, 3]);
    expect(linked[0]!.payload).not.toHaveProperty('audit.sequence.prev_hash');
    expect(linked[1]!.payload['audit.sequence.prev_hash']).toBe(chainHash(chainViewOfEvent(linked[0]!)));
    expect(linked[2]!.payload['audit.sequence.prev_hash']).toBe(chainHash(chainViewOfEvent(linked[1]!)));
    expect(linked.every((e) => e.payload['audit.stream.id'] === chain.streamId)).toBe(true);
    expect(chain.head).toEqual({ streamId: chain.streamId, sequence: 3, hash: chainHash(chainViewOfEvent(linked[2]!)) });
    // New objects; the input and its shared resource are untouched.
    expect(input[0]!.payload).not.toHaveProperty('audit.stream.id');
    expect(linked[0]!.resource).toBe(input[0]!.resource);
  });

  it('keeps on each linked event, when asked, the canonical text it hashed, the wire event with sorted keys; copies and JSON leave it behind', () => {
    expect(chainTextOf(new StreamChain({ key }).link(events(1))[0]!)).toBeUndefined(); // by default, no text is kept
    const chain = new StreamChain({ key, keepTexts: true });
    const input = events(2);
    expect(chainTextOf(input[0]!)).toBeUndefined(); // not linked
    const linked = chain.link(input);
    const text = chainTextOf(linked[0]!)!;
    expect(text).toBe(canonicalJson(chainViewOfEvent(linked[0]!)));
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(toWireEvent(linked[0]!))));
    expect(linked[1]!.payload['audit.sequence.prev_hash']).toBe(textHash(text));
    expect(JSON.stringify(linked[0])).not.toContain(text);
    expect(chainTextOf({ ...linked[0]! })).toBeUndefined();
    expect(chainTextOf(JSON.parse(JSON.stringify(linked[0])))).toBeUndefined();
  });

  it('keeps a text that is the wire event, whatever the payload and identity (property)', () => {
    const payloads = fc.dictionary(fc.string(), fc.oneof(fc.jsonValue(), fc.constant(undefined), fc.constant(Number.NaN), fc.date({ noInvalidDate: true })), { maxKeys: 12 });
    const optional = fc.option(fc.string(), { nil: undefined });
    const identity = fc.record({ id: fc.string(), spanId: fc.string(), parentSpanId: optional, sessionId: optional, agentName: optional, agentId: optional }, { requiredKeys: ['id', 'spanId'] });
    fc.assert(
      fc.property(payloads, identity, fc.string(), fc.string(), (payload, who, timestamp, traceId) => {
        const [linked] = new StreamChain({ key, keepTexts: true }).link([{ ...who, type: 'custom', traceId, timestamp, payload }]);
        expect(JSON.parse(chainTextOf(linked!)!)).toEqual(JSON.parse(JSON.stringify(toWireEvent(linked!))));
      }),
      { numRuns: 1000 },
    );
  });

  it('replaces chain fields an event already carries and drops undefined members', () => {
    const chain = new StreamChain({ key });
    const [linked] = chain.link([{ ...sampleEvent(0), payload: { 'audit.sequence.number': 99, 'audit.sequence.prev_hash': 'x', note: undefined } }]);
    expect(linked!.payload).toEqual({ 'audit.stream.id': chain.streamId, 'audit.sequence.number': 1 });
  });

  it('passes an event that cannot be hashed through unchained, without taking a sequence number', () => {
    const chain = new StreamChain({ key });
    const loop: Record<string, unknown> = {};
    loop['self'] = loop;
    const bad = { ...sampleEvent(1), payload: { loop } };
    const linked = chain.link([sampleEvent(0), bad, sampleEvent(2)]);
    expect(linked[1]).toBe(bad);
    expect(sequences(linked)).toEqual([1, undefined, 2]);
    const unreadable = { ...sampleEvent(3), payload: Object.defineProperty({}, 'secret', { enumerable: true, get: () => { throw new Error('no access'); } }) };
    expect(chain.link([unreadable])).toEqual([unreadable]);
    expect(chain.head?.sequence).toBe(2);
  });

  it('appends a signed periodic checkpoint after every checkpointEvery events', () => {
    const chain = new StreamChain({ key, checkpointEvery: 3, now: () => NOW });
    const linked = [...chain.link(events(4)), ...chain.link(events(3, 4))];
    expect(kinds(linked)).toEqual(['-', '-', '-', 'periodic', '-', '-', '-', 'periodic', '-']);
    const checkpoint = linked[3]!;
    expect(checkpoint).toMatchObject({ type: 'custom', traceId: chain.streamId, spanId: '0000000000000004', timestamp: NOW.toISOString() });
    expect(checkpoint.id).toBe(`${chain.streamId}-0000000000000004-audit.checkpoint`);
    expect(checkpoint.payload).toMatchObject({
      name: 'audit.checkpoint',
      'audit.checkpoint.stream_id': chain.streamId,
      'audit.checkpoint.sequence': 3,
      'audit.checkpoint.head_hash': chainHash(chainViewOfEvent(linked[2]!)),
      'audit.sequence.prev_hash': chainHash(chainViewOfEvent(linked[2]!)),
      'audit.sequence.number': 4,
      'audit.integrity.algorithm': 'Ed25519',
      'audit.integrity.key_id': key.keyId,
      'audit.integrity.public_key': key.publicKeyText,
    });
    const statement = checkpointStatement('periodic', chain.streamId, 3, checkpoint.payload['audit.checkpoint.head_hash'] as string);
    expect(statementSignedBy(key.publicKey, statement, checkpoint.payload['audit.integrity.value'] as string)).toBe(true);
  });

  it('after close, follows newly linked events with a fresh close', () => {
    const chain = new StreamChain({ key, checkpointEvery: 2 });
    chain.link(events(1));
    expect(kinds(chain.close())).toEqual(['close']);
    const late = chain.link(events(2, 1));
    // The periodic checkpoint due after the second event gives way to the close.
    expect(kinds(late)).toEqual(['-', '-', 'close']);
    expect(late[2]!.payload['audit.checkpoint.sequence']).toBe(4);
  });
});

describe('StreamChain.draft', () => {
  it('links as link() would, and keep() makes the events the stream\u2019s', () => {
    const chain = new StreamChain({ key, streamId: 'a'.repeat(32), now: () => NOW });
    const twin = new StreamChain({ key, streamId: 'a'.repeat(32), now: () => NOW });
    chain.link(events(2));
    twin.link(events(2));

    const draft = chain.draft(events(2, 2));
    draft.keep();

    expect(draft.events).toEqual(twin.link(events(2, 2)));
    expect(chain.head).toEqual(twin.head);
    expect(sequences(chain.link(events(1, 4)))).toEqual([5]);
  });

  it('leaves the stream as it was when not kept: the next events take the numbers, with no gap', () => {
    const chain = new StreamChain({ key, checkpointEvery: 3, now: () => NOW });
    chain.link(events(2));
    const head = chain.head;

    // Refused after linking (a full spool): dropped. Its first event, the stream's third, brought a checkpoint.
    const dropped = chain.draft(events(2, 2));
    expect(kinds(dropped.events)).toEqual(['-', 'periodic', '-']);
    expect(chain.head).toBe(head);

    const next = chain.link(events(2, 2));
    expect(sequences(next)).toEqual([3, 4, 5]);
    expect(kinds(next)).toEqual(['-', 'periodic', '-']);
    expect(next).toEqual(dropped.events);
    expect(next[0]!.payload['audit.sequence.prev_hash']).toBe(head!.hash);
  });

  it('refuses to keep a draft once the stream moved since it was made (its numbers would be given twice)', () => {
    const chain = new StreamChain({ key });
    const draft = chain.draft(events(1));
    chain.link(events(1, 1));

    expect(() => draft.keep()).toThrow(/moved since this draft was made/);
    expect(chain.head?.sequence).toBe(1);
  });
});

describe('StreamChain checkpoints', () => {
  it('checkpoint() vouches for the head only when something was linked since the last one', () => {
    const chain = new StreamChain({ key });
    expect(chain.checkpoint()).toEqual([]);
    chain.link(events(2));
    const [checkpoint] = chain.checkpoint();
    expect(checkpoint!.payload).toMatchObject({ 'audit.checkpoint.kind': 'periodic', 'audit.checkpoint.sequence': 2 });
    expect(chain.checkpoint()).toEqual([]);
  });

  it('close() closes once, and a stream that linked nothing needs no close', () => {
    const empty = new StreamChain({ key });
    expect(empty.close()).toEqual([]);
    const chain = new StreamChain({ key });
    chain.link(events(2));
    const [close] = chain.close();
    expect(close!.payload).toMatchObject({ 'audit.checkpoint.kind': 'close', 'audit.checkpoint.sequence': 2, 'audit.sequence.number': 3 });
    expect(chain.close()).toEqual([]);
    expect(chain.head?.sequence).toBe(3);
  });

  it('recover() links a checkpoint vouching for another stream\u2019s head', () => {
    const dead = new StreamChain({ key });
    const deadEvents = dead.link(events(5));
    const head = chainHeadOf(deadEvents[4]!)!;
    expect(head).toEqual(dead.head);
    const chain = new StreamChain({ key });
    const [recovered] = chain.recover(head);
    expect(recovered!.payload).toMatchObject({
      'audit.checkpoint.kind': 'recovered',
      'audit.checkpoint.stream_id': dead.streamId,
      'audit.checkpoint.sequence': 5,
      'audit.checkpoint.head_hash': head.hash,
      'audit.stream.id': chain.streamId,
      'audit.sequence.number': 1,
    });
    expect(chain.recover(chain.head!)).toEqual([]);
    // Not a checkpoint of this stream's own head: a periodic one is still due.
    expect(kinds(chain.checkpoint())).toEqual(['periodic']);
  });

  it('chainHeadOf recomputes the hash of an event read back from JSON, and is undefined for an unchained one', () => {
    const chain = new StreamChain({ key });
    const [linked] = chain.link([{ ...sampleEvent(0), payload: { score: NaN } }]);
    expect(chainHeadOf(JSON.parse(JSON.stringify(linked)))).toEqual(chain.head);
    expect(chainHeadOf(sampleEvent(0))).toBeUndefined();
  });
});

describe('StreamChain options', () => {
  it.each([
    [{ streamId: 'ABC' }, 'streamId'],
    [{ checkpointEvery: 0 }, 'checkpointEvery'],
    [{ checkpointEvery: 1.5 }, 'checkpointEvery'],
  ])('throws INVALID_OPTION for %j', (options, name) => {
    let thrown: unknown;
    try {
      new StreamChain({ key, ...options });
    } catch (error) {
      thrown = error;
    }
    expect(isAuditError(thrown) && thrown.code === 'INVALID_OPTION' && thrown.message.includes(`'${name}'`)).toBe(true);
  });

  it('takes a given stream id', () => {
    expect(new StreamChain({ key, streamId: 'a'.repeat(32) }).streamId).toBe('a'.repeat(32));
  });
});
