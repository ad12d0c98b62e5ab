import { describe, expect, it } from 'vitest';
import { normalizeFinishReason, normalizeFinishReasons } from '../../../src/model/finish-reason.js';
import { regroupIndexed } from '../../../src/convert/indexed-attributes.js';

describe('regroupIndexed', () => {
  it('groups prefix.{i}.rest keys by index, in index order, closing gaps', () => {
    const groups = regroupIndexed({ 'm.10.role': 'c', 'm.2.role': 'b', 'm.2.content': 'x', 'm.0.role': 'a', other: 1 }, 'm');
    expect(groups.map((g) => ({ ...g }))).toEqual([{ role: 'a' }, { role: 'b', content: 'x' }, { role: 'c' }]);
  });

  it('keeps nested indexed keys whole for a second regrouping', () => {
    const [message] = regroupIndexed({ 'm.0.tool_calls.1.name': 'b', 'm.0.tool_calls.0.name': 'a' }, 'm');
    expect(regroupIndexed(message!, 'tool_calls').map((g) => g.name)).toEqual(['a', 'b']);
  });

  it('ignores keys whose index is not a list position, or that lack a rest', () => {
    const source = { 'm.-1.a': 1, 'm.x.a': 2, 'm..a': 3, 'm.1234567.a': 4, 'm.0': 5, 'm.1e3.a': 6, 'mm.0.a': 7, 'm.01.a': 8 };
    expect(regroupIndexed(source, 'm').map((g) => ({ ...g }))).toEqual([{ a: 8 }]);
  });

  it('treats __proto__ and constructor as plain keys', () => {
    const [group] = regroupIndexed({ 'm.0.__proto__': ['x'], 'm.0.constructor': 'c' }, 'm');
    expect(Object.getPrototypeOf(group)).toBeNull();
    expect(Object.keys(group!)).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>)[0]).toBeUndefined();
  });
});

describe('normalizeFinishReason', () => {
  it.each([
    ['tool_calls', 'tool_call'], ['tool-calls', 'tool_call'], ['function_call', 'tool_call'], ['tool_use', 'tool_call'], ['tool_call', 'tool_call'],
    ['end_turn', 'stop'], ['STOP', 'stop'], ['stop_sequence', 'stop'], ['max_tokens', 'length'], ['MAX_TOKENS', 'length'],
    ['content-filter', 'content_filter'], ['SAFETY', 'content_filter'], ['error', 'error'], ['other', 'other'], ['constructor', 'constructor'],
  ])('%s → %s', (reason, expected) => {
    expect(normalizeFinishReason(reason)).toBe(expected);
  });

  it('drops empty reasons and keeps undefined', () => {
    expect(normalizeFinishReasons(['', 'tool-calls'])).toEqual(['tool_call']);
    expect(normalizeFinishReasons(undefined)).toBeUndefined();
  });
});
