import { describe, expect, it } from 'vitest';
import { toWireEvent } from '../../../src/backends/secureagentics/secureagentics-wire.js';
import { chainPositionOf, chainViewOfEvent, chainViewOfLine } from '../../../src/chain/chain-view.js';
import { chainHash } from '../../../src/chain/event-hash.js';
import { chainedEvents, LINE_FORMS, lineOf, newKey, sampleEvent } from './trail-fixtures.js';
import { StreamChain } from '../../../src/chain/stream-chain.js';

describe('chainViewOfEvent', () => {
  it('is the Secureagentics wire event: identity merged into the payload, the payload winning', () => {
    const event = { ...sampleEvent(0), payload: { prompt: 'hi', session_id: 'from-payload' } };
    const view = chainViewOfEvent(event);
    expect(view).toEqual(toWireEvent(event));
    expect(view.payload['session_id']).toBe('from-payload');
  });

  it('leaves absent and empty identity fields out, as the wire does', () => {
    const { parentSpanId: _p, sessionId: _s, ...bare } = sampleEvent(0);
    const view = chainViewOfEvent({ ...bare, agentName: '', payload: {} });
    expect(Object.keys(view.payload).sort()).toEqual(['event_id', 'span_id']);
  });
});

describe('chainViewOfLine', () => {
  const [event] = chainedEvents({ events: 1 }).events;

  it.each(LINE_FORMS)('reads a %s line back to the view of the event it came from', (form) => {
    const line = chainViewOfLine(JSON.parse(lineOf(event!, form)));
    expect(line).toBeDefined();
    expect(line!.view).toEqual(JSON.parse(JSON.stringify(chainViewOfEvent(event!))));
    expect(chainHash(line!.view)).toBe(chainHash(chainViewOfEvent(event!)));
    expect(line).toMatchObject({ streamId: event!.payload['audit.stream.id'], sequence: 1, prevHash: undefined });
  });

  it('tells a jsonl-file line by its top-level span_id, and merges its identity with the payload winning', () => {
    const line = { id: 'e1', type: 'custom', timestamp: 't', trace_id: 'tr', span_id: 's1', agent_id: 'agt', payload: { agent_id: 'mine', 'audit.stream.id': 'ab', 'audit.sequence.number': 2, 'audit.sequence.prev_hash': 'h' } };
    expect(chainViewOfLine(line)).toEqual({
      view: { type: 'custom', timestamp: 't', trace_id: 'tr', payload: { event_id: 'e1', span_id: 's1', ...line.payload } },
      streamId: 'ab',
      sequence: 2,
      prevHash: 'h',
    });
  });

  it.each([
    ['not an object', 'text'],
    ['an array', [1]],
    ['no payload object', { type: 'prompt', payload: 'x' }],
    ['no stream id', { payload: { 'audit.sequence.number': 1 } }],
    ['a sequence that is not a positive integer', { payload: { 'audit.stream.id': 'ab', 'audit.sequence.number': 0 } }],
    ['a sequence given as text', { payload: { 'audit.stream.id': 'ab', 'audit.sequence.number': '3' } }],
  ])('is undefined for a line with %s', (_, line) => {
    expect(chainViewOfLine(line)).toBeUndefined();
  });
});

describe('chainPositionOf', () => {
  it('reads the stream position of a linked event', () => {
    const chain = new StreamChain({ key: newKey() });
    const [, second] = chain.link([sampleEvent(0), sampleEvent(1)]);
    expect(chainPositionOf(second!.payload)).toEqual({ streamId: chain.streamId, sequence: 2, prevHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });
});
