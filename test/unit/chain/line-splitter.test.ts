// LineSplitter: whole numbered lines out of chunks, with memory bounded by
// the longest line it keeps.
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../src/chain/line-splitter.js';
import { TrailParser } from '../../../src/cli/trail-parser.js';

describe('LineSplitter', () => {
  it('joins a line split across chunks, and a UTF-8 character split across two', () => {
    const lines = new LineSplitter();
    const euro = Buffer.from('€');
    expect(lines.push(Buffer.concat([Buffer.from('{"a":"'), euro.subarray(0, 1)]))).toEqual([]);
    expect(lines.push(Buffer.concat([euro.subarray(1), Buffer.from('"}\r\n{"b"')]))).toEqual([{ text: '{"a":"€"}', number: 1 }]);
    expect(lines.end()).toEqual({ text: '{"b"', number: 2 });
  });

  it('drops a line longer than maxLineChars as it comes (never holding more), numbers it, and goes on with the next', () => {
    const lines = new LineSplitter(10);
    expect(lines.push('short\n0123456')).toEqual([{ text: 'short', number: 1 }]);
    expect(lines.push('789abcdef')).toEqual([]);
    expect(lines.holdsPartialLine).toBe(true);
    expect(lines.push('more of it\nnext\n')).toEqual([{ text: '', number: 2, overlong: true }, { text: 'next', number: 3 }]);
    expect(lines.push('0123456789abc')).toEqual([]);
    expect(lines.end()).toEqual({ text: '', number: 4, overlong: true });
  });

  it('an overlong line is a malformed line for the trail parser, counted and reported', () => {
    const parser = new TrailParser();
    const lines = new LineSplitter(10);
    for (const line of lines.push('0123456789abcdef\n\n')) parser.parse(line);
    expect(parser.malformed.report('audit.jsonl')).toMatch(/^skipped 1 malformed line in audit\.jsonl \(line 1\)/);
  });
});
