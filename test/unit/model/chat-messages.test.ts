import { describe, expect, it } from 'vitest';
import { contentToParts, toGenAiMessages, type MessageReadOptions } from '../../../src/model/chat-messages.js';

const text = (content: string) => ({ type: 'text', content });

/** Message shapes as agents hold them and instrumentations record them. */
const shapes: Array<[string, unknown[]]> = [
  ['OpenAI chat with tool calls and results', [
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
    { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
  ]],
  ['OpenAI legacy function_call', [{ role: 'assistant', function_call: { name: 'weather', arguments: '{}' } }]],
  ['Anthropic tool_use / tool_result / thinking', [
    { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm' }, { type: 'tool_use', id: 't1', name: 'search', input: { q: 'x' } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'found' }] }] },
  ]],
  ['Vercel AI SDK tool-call / tool-result / file', [
    { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'v1', toolName: 'search', input: { q: 'y' } }] },
    { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'v1', output: { type: 'json', value: { hits: 2 } } }] },
    { role: 'user', content: [{ type: 'file', mediaType: 'image/png', data: 'AAAA' }, { type: 'image_url', image_url: { url: 'http://127.0.0.1:9/a.png' } }] },
  ]],
  ['GenAI {role, parts} with tool parts', [
    { role: 'assistant', parts: [{ type: 'tool_call', id: 'g1', name: 'lookup', arguments: { id: 7 } }] },
    { role: 'tool', parts: [{ type: 'tool_call_response', id: 'g1', response: { status: 'ok' } }] },
  ]],
  ['plain text, strings and numbers as parts', ['Hi', { role: 'user', content: ['a', '', 3, null, true] }]],
];

const recording: MessageReadOptions = { maxTextLength: 16_384 };

describe('toGenAiMessages, the one normaliser', () => {
  it.each(shapes)('normalises %s the same for the recording helpers and the converters', (_shape, messages) => {
    expect(toGenAiMessages(messages, 'user', recording)).toEqual(toGenAiMessages(messages));
  });

  it('keeps GenAI tool_call_response parts as they are (recording once turned them into JSON text)', () => {
    const parts = [{ type: 'tool_call_response', id: 'g1', response: { status: 'ok' } }];
    expect(toGenAiMessages([{ role: 'tool', parts }], 'user', recording)).toEqual([{ role: 'tool', parts }]);
  });

  it('cuts texts to the limit when given one', () => {
    const [message] = toGenAiMessages([{ role: 'user', content: 'x'.repeat(100) }], 'user', { maxTextLength: 40 })!;
    expect(message!.parts).toEqual([text(`${'x'.repeat(40)}…[truncated 60 chars]`)]);
  });

  it('bounds structured values to the limit when given one, keeping their type', () => {
    const call = { id: 'c', function: { name: 'f', arguments: JSON.stringify({ q: 'x'.repeat(100), n: 1 }) } };
    const [message] = toGenAiMessages([{ role: 'assistant', tool_calls: [call] }], 'user', { maxTextLength: 80 })!;
    const args = message!.parts[0]!.arguments as { q: string; n: number };
    expect(args.n).toBe(1);
    expect(args.q).toMatch(/^x+…\[truncated \d+ chars\]$/);
    expect(JSON.stringify(args).length).toBeLessThanOrEqual(80);
  });

  it('keeps converter input uncut and as given, without copying', () => {
    const args = { q: 'x'.repeat(100_000) };
    const [message] = toGenAiMessages([{ role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: args }] }])!;
    expect(message!.parts[0]!.arguments).toBe(args);
  });

  it('leaves out entries that are not messages or that throw when read, and says which and why', () => {
    const skipped: Array<[number, string]> = [];
    const unreadable = { get role(): string { throw new TypeError('getter'); } };
    const messages = toGenAiMessages(['hi', 42, unreadable, null], 'user', { onSkipped: (index, reason) => skipped.push([index, reason]) });
    expect(messages).toEqual([{ role: 'user', parts: [text('hi')] }]);
    expect(skipped).toEqual([[1, 'it is a number, not a message'], [2, 'reading it threw TypeError'], [3, 'it is null, not a message']]);
  });

  it('is undefined for what is not a list, a revoked proxy included', () => {
    const { proxy, revoke } = Proxy.revocable([], {});
    revoke();
    for (const value of [undefined, 42, 'text', { role: 'user' }, proxy]) expect(toGenAiMessages(value)).toBeUndefined();
  });
});

describe('contentToParts', () => {
  it('reads text, a list of parts, or one part, and drops empty text and null', () => {
    expect(contentToParts('Hi')).toEqual([text('Hi')]);
    expect(contentToParts(['', null, { type: 'output_text', text: 'ok' }])).toEqual([text('ok')]);
    expect(contentToParts({ type: 'reasoning', text: 'why' })).toEqual([{ type: 'reasoning', content: 'why' }]);
  });
});
