import { describe, expect } from 'vitest';
import { GEN_AI_INPUT_MESSAGES, GEN_AI_OUTPUT_MESSAGES } from '../../../src/model/attributes.js';
import type { GenAiMessage } from '../../../src/model/chat-messages.js';
import { plainMessagesJson, readPlainMessages } from '../../../src/model/plain-messages-json.js';
import { toAuditEvents } from '../../../src/convert/to-audit-events.js';
import { withLLMCall } from '../../../src/record/llm-call.js';
import { it } from '../../support/audit-test.js';
import { int, mulberry32, pick, type Random } from '../../support/seeded-random.js';

// Characters JSON escapes, lone and paired surrogates, and the line separators it does not escape.
const TRICKY = ['"', '\\', '\n', '\r', '\t', '\u0000', '\u001f', '\u007f', '\ud800', '\udc00', '😀', '\u2028', '\u2029', 'é', '</script>', ' ', 'a', '{', ']', ','];

function randomText(r: Random, alphabet: readonly string[]): string {
  let text = '';
  for (let i = int(r, 12); i > 0; i--) text += pick(r, alphabet);
  return text;
}

function randomMessages(r: Random, alphabet: readonly string[]): GenAiMessage[] {
  return Array.from({ length: int(r, 4) }, () => {
    const parts = Array.from({ length: int(r, 3) }, () => ({ type: pick(r, ['text', 'reasoning', randomText(r, alphabet)]), content: randomText(r, alphabet) }));
    const role = pick(r, ['user', 'assistant', 'system', randomText(r, alphabet)]);
    return r() < 0.5 ? { role, parts } : { finish_reason: pick(r, ['stop', randomText(r, alphabet)]), role, parts };
  });
}

describe('plainMessagesJson', () => {
  it('writes exactly what JSON.stringify writes, for any strings (seeded)', () => {
    const r = mulberry32(20261122);
    for (let i = 0; i < 2000; i++) {
      const messages = randomMessages(r, TRICKY);
      expect(plainMessagesJson(messages), `iteration ${i}`).toBe(JSON.stringify(messages));
    }
  });

  it('declines what is not plain text, so the caller serialises it the general way', () => {
    class Messages extends Array<unknown> {
      toJSON(): string {
        return '[redacted]';
      }
    }
    const withToJson = Messages.from([{ role: 'user', parts: [] }]);
    const notPlain: unknown[] = [
      [{ role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'lookup', arguments: { id: 1 } }] }],
      [{ role: 'user', parts: [{ type: 'text', content: 'hi', extra: 'kept by JSON.stringify' }] }],
      [{ role: 'user', parts: [{ content: 'hi', type: 'text' }] }], // another key order
      [{ role: 'user', parts: [{ type: 'text', content: 42 }] }],
      [{ role: 'user', parts: [{ type: 'text', content: 'hi' }], name: 'alice' }],
      [{ role: 'assistant', parts: [], finish_reason: 'stop' }], // finish_reason not first
      [{ finish_reason: 7, role: 'assistant', parts: [] }],
      [{ role: 'user', parts: 'hi' }],
      [null],
      [{ role: 'user', parts: [null] }],
      // eslint-disable-next-line no-sparse-arrays
      [{ role: 'user', parts: [{ type: 'text', content: 'a' }, , { type: 'text', content: 'b' }] }],
      withToJson, // an Array subclass: JSON.stringify would honour its toJSON
      [{ role: 'user', parts: Messages.from([]) }],
      [Object.assign(Object.create({ inherited: 'x' }) as object, { role: 'user', parts: [] })],
      // A non-enumerable own toJSON, which JSON.stringify honours all the same.
      [Object.defineProperty({ role: 'user', parts: [{ type: 'text', content: 'secret' }] }, 'toJSON', { value: () => ({ role: 'user', parts: [] }) })],
      [{ role: 'user', parts: [Object.defineProperty({ type: 'text', content: 'secret' }, 'toJSON', { value: () => 'redacted' })] }],
    ];
    for (const messages of notPlain) expect(plainMessagesJson(messages as GenAiMessage[]), JSON.stringify(messages)).toBeUndefined();
  });

  it('declines while a toJSON sits on Object.prototype', () => {
    const messages = [{ role: 'user', parts: [{ type: 'text', content: 'secret' }] }];
    expect(plainMessagesJson(messages)).toBe(JSON.stringify(messages));
    Object.defineProperty(Object.prototype, 'toJSON', { value: () => 'redacted', configurable: true, writable: true });
    try {
      expect(plainMessagesJson(messages)).toBeUndefined();
    } finally {
      delete (Object.prototype as { toJSON?: unknown }).toJSON;
    }
  });
});

describe('readPlainMessages', () => {
  const ALPHABET = ['a', ' ', 'é', '😀', '\u2028', '{', '}', '[', ']', ',', ':', '\ud800', 'role', 'parts'];

  it('reads what plainMessagesJson writes exactly as JSON.parse does (seeded)', () => {
    const r = mulberry32(42);
    for (let i = 0; i < 2000; i++) {
      const json = plainMessagesJson(randomMessages(r, ALPHABET))!;
      // A lone surrogate is written escaped, and escapes are JSON.parse's to read.
      expect(readPlainMessages(json), `iteration ${i}: ${json}`).toEqual(json.includes('\\') ? undefined : JSON.parse(json));
    }
  });

  it('declines, and never misreads, any other text: edits of valid text (seeded)', () => {
    const r = mulberry32(7);
    const EDITS = [' ', '"', '\\', '\\n', ',', '{', '}', '[', ']', ':', '"x":1,', 'null', '', '\n'];
    let declined = 0;
    for (let i = 0; i < 5000; i++) {
      const json = plainMessagesJson(randomMessages(r, ALPHABET))!;
      const at = int(r, json.length + 1);
      const edited = json.slice(0, at) + pick(r, EDITS) + json.slice(at + int(r, 3));
      const read = readPlainMessages(edited);
      if (read === undefined) {
        declined++;
        continue;
      }
      expect(read, `iteration ${i}: ${edited}`).toEqual(JSON.parse(edited));
    }
    expect(declined).toBeGreaterThan(1000);
  });

  it('declines escapes, spacing and other shapes, which JSON.parse then reads', () => {
    for (const text of [
      '[{"role":"user","parts":[{"type":"text","content":"say \\"hi\\""}]}]',
      '[ {"role":"user","parts":[]} ]',
      '[{"role":"user","parts":[{"type":"text","content":"a","extra":1}]}]',
      '[{"parts":[],"role":"user"}]',
      '[{"role":"user","parts":[]}]  ',
      '{"role":"user","parts":[]}',
      'not json',
    ]) {
      expect(readPlainMessages(text), text).toBeUndefined();
    }
    expect(readPlainMessages('[]')).toEqual([]);
  });

  it('leaves long text to JSON.parse, which reads it faster', () => {
    const long = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'x'.repeat(1500) }] }]);
    expect(readPlainMessages(long)).toBeUndefined();
    const short = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'x'.repeat(1400) }] }]);
    expect(readPlainMessages(short)).toEqual(JSON.parse(short));
  });
});

describe('chat spans recorded by withLLMCall', () => {
  it('carry JSON.stringify text, and convert to the events JSON.parse would give', ({ tracing }) => {
    const messages = [{ role: 'system', content: 'You are a "support" agent.' }, { role: 'user', content: 'Where is order\n42?' }];
    const completion = {
      object: 'chat.completion',
      model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: 'It shipped yesterday.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 21, completion_tokens: 6 },
    };
    withLLMCall({ model: 'gpt-4o-mini', provider: 'openai', messages }, () => completion);
    const span = tracing.memory.getFinishedSpans()[0]!;
    const input = span.attributes[GEN_AI_INPUT_MESSAGES] as string;
    const output = span.attributes[GEN_AI_OUTPUT_MESSAGES] as string;
    expect(input).toBe(JSON.stringify(messages.map((m) => ({ role: m.role, parts: [{ type: 'text', content: m.content }] }))));
    expect(output).toBe('[{"finish_reason":"stop","role":"assistant","parts":[{"type":"text","content":"It shipped yesterday."}]}]');
    const [prompt, reply] = toAuditEvents([span]);
    expect(prompt!.payload['messages']).toEqual(JSON.parse(input));
    expect(reply!.payload['messages']).toEqual(JSON.parse(output));
    // Each conversion gets its own objects: editing one event does not reach the next.
    (prompt!.payload['messages'] as GenAiMessage[])[0]!.role = 'edited';
    expect(toAuditEvents([span])[0]!.payload['messages']).toEqual(JSON.parse(input));
  });
});
