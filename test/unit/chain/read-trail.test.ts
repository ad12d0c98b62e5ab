import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatTrailReport, MAX_TRAIL_LINE_CHARS, verifyTrailSource } from '../../../src/chain/read-trail.js';
import { verifyTrail } from '../../../src/chain/verify-trail.js';
import { chainedEvents, editLine, indexOfSequence, linesOf } from './trail-fixtures.js';

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'audit-trail-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

const { events, key } = chainedEvents();
const lines = linesOf(events, 'stored');

describe('verifyTrailSource', () => {
  it('verifies a JSONL file, with CRLF line ends too', async () => {
    const file = join(folder, 'audit.jsonl');
    writeFileSync(file, `${lines.join('\r\n')}\r\n`);
    const report = await verifyTrailSource(file);
    expect(report).toMatchObject({ ok: true, events: lines.length, unreadableLines: 0 });
  });

  it('reads a folder\u2019s *.jsonl files in name order as one trail, and nothing else', async () => {
    writeFileSync(join(folder, 'b.jsonl'), `${lines.slice(10).join('\n')}\n`);
    writeFileSync(join(folder, 'a.jsonl'), `${lines.slice(0, 10).join('\n')}\n`);
    writeFileSync(join(folder, 'notes.txt'), 'not a trail\n');
    const report = await verifyTrailSource(folder);
    expect(report).toMatchObject({ ok: true, events: lines.length, lines: lines.length });
    expect(report.streams[0]!.outOfOrderLines).toBe(0);
  });

  it('skips a line longer than MAX_TRAIL_LINE_CHARS as unreadable without holding it, and reads the lines around it', async () => {
    // Chunks of 1 MiB, as a file is read: the line never sits in memory whole.
    const chunk = 'x'.repeat(1024 * 1024);
    const overlong = Math.ceil(MAX_TRAIL_LINE_CHARS / chunk.length) + 1;
    const input = Readable.from((function* () {
      yield `${lines.slice(0, 5).join('\n')}\n`;
      for (let i = 0; i < overlong; i++) yield chunk;
      yield `\n${lines.slice(5).join('\n')}\n`;
    })());
    const report = await verifyTrailSource('-', { stdin: input });
    expect(report).toMatchObject({ ok: true, events: lines.length, unreadableLines: 1, lines: lines.length + 1 });
  });

  it("reads stdin for '-'", async () => {
    const report = await verifyTrailSource('-', { stdin: Readable.from([lines.join('\n')]) });
    expect(report.ok).toBe(true);
  });

  it('passes pinned keys on', async () => {
    const file = join(folder, 'audit.jsonl');
    writeFileSync(file, lines.join('\n'));
    expect(await verifyTrailSource(file, { publicKeys: [key.publicKeyText] })).toMatchObject({ ok: true, keysPinned: true });
  });

  it('rejects naming the source when it cannot be read', async () => {
    await expect(verifyTrailSource(join(folder, 'missing.jsonl'))).rejects.toThrow(`cannot read trail ${join(folder, 'missing.jsonl')}: ENOENT`);
    mkdirSync(join(folder, 'empty'));
    await expect(verifyTrailSource(join(folder, 'empty'))).rejects.toThrow(`no *.jsonl files in ${join(folder, 'empty')}`);
  });
});

describe('formatTrailReport', () => {
  it('ends a trail that verifies with the count of events and streams', () => {
    const text = formatTrailReport(verifyTrail(lines));
    expect(text).toMatch(/^stream [0-9a-f]{32}: 28 events, sequence 1–28, tail closed — ok\n/);
    expect(text).toContain('not pinned, use --public-key');
    expect(text.endsWith('verified: 28 events in 1 stream\n')).toBe(true);
  });

  it('names each finding with its sequence numbers, and ends NOT verified', () => {
    let tampered = editLine(lines, 4, (l) => void (l.payload['prompt'] = 'edited'));
    tampered = tampered.filter((_, i) => i !== indexOfSequence(tampered, 9) && i !== indexOfSequence(tampered, 28));
    const text = formatTrailReport(verifyTrail([...tampered, 'not json'], { publicKeys: [key.publicKeyText] }));
    expect(text).toContain('tail open — NOT ok');
    expect(text).toContain('  gaps: 9 (missing sequence numbers)');
    expect(text).toContain('  modified: 4 (');
    expect(text).toContain('  open tail: no valid close; 5 events after the last valid checkpoint');
    expect(text).toContain('1 line not JSON');
    expect(text).toContain(`checked against the pinned keys (key ${key.keyId})`);
    expect(text.endsWith('NOT verified: 1 of 1 stream with findings (26 events read)\n')).toBe(true);
  });

  it('says so when there is nothing to verify', () => {
    expect(formatTrailReport(verifyTrail(['{"a":1}'])).endsWith('NOT verified: no chained events in 1 line\n')).toBe(true);
  });
});
