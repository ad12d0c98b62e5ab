// `verify` for real, in-process: trails written to a temp folder by linking
// generated events with a StreamChain, then tampered with.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run-cli.js';
import { verify, VERIFY_USAGE, type VerifyIo } from '../../../src/cli/verify-command.js';
import type { TrailReport } from '../../../src/chain/verify-trail.js';
import { chainedEvents, editLine, indexOfSequence, LINE_FORMS, linesOf, newKey } from '../chain/trail-fixtures.js';
import { captureIo } from './cli-streams.js';

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'audit-verify-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

const { events, key } = chainedEvents();

function trailFile(lines: readonly string[], name = 'audit.jsonl'): string {
  const file = join(folder, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function run(args: string[], stdin?: Readable) {
  const io: VerifyIo = { ...captureIo(), ...(stdin && { stdin }) };
  const code = await runCli(['verify', ...args], io);
  const { stdout, stderr } = io as ReturnType<typeof captureIo>;
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('verify', () => {
  it.each(LINE_FORMS)('exits 0 for an untouched %s trail, saying what it verified', async (form) => {
    const result = await run([trailFile(linesOf(events, form))]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.endsWith(`verified: ${events.length} events in 1 stream\n`)).toBe(true);
  });

  it('exits 1 for a trail with a deleted event, naming the gap', async () => {
    const lines = linesOf(events, 'wire');
    const result = await run([trailFile(lines.filter((_, i) => i !== indexOfSequence(lines, 5)))]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('gaps: 5 (missing sequence numbers)');
    expect(result.stdout).toMatch(/NOT verified: .*\n$/);
  });

  it('exits 1 for an edited event and a truncated tail', async () => {
    const lines = linesOf(events, 'jsonl');
    const edited = editLine(lines, 2, (l) => void (l.payload['response'] = 'nothing to see'));
    expect((await run([trailFile(edited)])).stdout).toContain('modified: 2 (');
    const truncated = await run([trailFile(lines.slice(0, -1))]);
    expect(truncated.code).toBe(1);
    expect(truncated.stdout).toContain('open tail: no valid close');
  });

  it('prints the report as JSON with --json', async () => {
    const result = await run([trailFile(linesOf(events, 'stored')), '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as TrailReport;
    expect(report).toMatchObject({ ok: true, events: events.length, keysPinned: false, streams: [{ tail: 'closed', gaps: [] }] });
  });

  it('with --public-key, refuses checkpoints signed by any other key', async () => {
    const file = trailFile(linesOf(events, 'wire'));
    const pem = key.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const pemFile = join(folder, 'audit.pub.pem');
    writeFileSync(pemFile, pem);
    for (const pinned of [key.publicKeyText, pemFile]) expect((await run([file, '--public-key', pinned])).code).toBe(0);
    const other = newKey();
    const result = await run([file, '--public-key', other.publicKeyText, '--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as TrailReport;
    expect(report.keysPinned).toBe(true);
    expect(report.streams[0]!.badSignatures.map((b) => b.sequence)).toEqual([11, 22, 28]);
    // Repeatable: either key will do.
    expect((await run([file, '--public-key', other.publicKeyText, '--public-key', key.publicKeyText])).code).toBe(0);
  });

  it("reads the trail from stdin for '-'", async () => {
    expect((await run(['-'], Readable.from([`${linesOf(events, 'stored').join('\n')}\n`]))).code).toBe(0);
  });

  it('exits 1 with a clear message when the trail cannot be read', async () => {
    const missing = join(folder, 'missing.jsonl');
    const result = await run([missing]);
    expect(result).toEqual({ code: 1, stdout: '', stderr: `otel-agent-audit verify: cannot read trail ${missing}: ENOENT\n` });
  });

  it('exits 2 with the usage for a missing or extra trail, an unknown flag or an unusable key', async () => {
    for (const args of [[], ['a.jsonl', 'b.jsonl'], ['a.jsonl', '--pubkey', 'x'], ['a.jsonl', '--public-key', join(folder, 'none.pem')]]) {
      const result = await run(args);
      expect([args, result.code]).toEqual([args, 2]);
      expect(result.stderr).toMatch(/^otel-agent-audit verify: /);
      expect(result.stderr.endsWith(VERIFY_USAGE)).toBe(true);
    }
  });

  it('prints its usage with --help, documenting every flag', async () => {
    const io = captureIo();
    expect(await verify(['--help'], io)).toBe(0);
    expect(io.stdout.text).toBe(VERIFY_USAGE);
    for (const flag of ['--public-key', '--json', '--help']) expect(VERIFY_USAGE).toContain(flag);
  });

  it('is listed in the top-level usage', async () => {
    const io = captureIo();
    await runCli(['--help'], io);
    expect(io.stdout.text).toMatch(/\n {2}verify {3}/);
  });
});
