// `export` for real, in-process: a trail written by the real jsonl-file
// backend, exported as JSONL and as CSV to stdout and to files.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvField } from '../../../src/cli/csv.js';
import { runCli } from '../../../src/cli/run-cli.js';
import type { CliIo } from '../../../src/cli/cli-io.js';
import { captureIo } from './cli-streams.js';
import { sampleEvents, SESSION_A, SESSION_B, tempFolder, TRACE_B, writeJsonlTrail, writeReceiverTrail } from './trail-samples.js';

const folder = tempFolder();
let trail: string;
let trailText: string;

beforeAll(async () => {
  trail = join(folder.dir, 'app-audit.jsonl');
  trailText = await writeJsonlTrail(trail, sampleEvents());
});
afterAll(() => folder.remove());

async function exportTrail(args: string[], extra: Partial<CliIo> = {}) {
  const io = captureIo();
  const code = await runCli(['export', ...args], { ...io, ...extra });
  return { code, stdout: io.stdout.text, stderr: io.stderr.text };
}

/** An RFC 4180 reader, to check what the writer quoted: records of fields. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') fields.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      fields.push(field);
      records.push(fields);
      (fields = []), (field = ''), i++;
    } else field += c;
  }
  return records;
}

const HEADER = ['id', 'timestamp', 'type', 'session', 'trace', 'span', 'agent', 'name', 'status', 'policy', 'summary'];

describe('export', () => {
  it('writes every event as JSONL to stdout by default, each line as read', async () => {
    const result = await exportTrail([trail]);
    expect(result).toEqual({ code: 0, stdout: trailText, stderr: '' });
  });

  it('with --format csv, writes the fixed columns, one record per event, quoted per RFC 4180', async () => {
    const result = await exportTrail([trail, '--format', 'csv']);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith(`${HEADER.join(',')}\r\n`)).toBe(true);
    const [header, ...records] = parseCsv(result.stdout);
    expect(header).toEqual(HEADER);
    expect(records).toHaveLength(13);
    const row = (type: string, name: string) => Object.fromEntries(HEADER.map((column, i) => [column, records.find((r) => r[2] === type && r[7] === name)![i]]));
    expect(row('tool_call', 'delete_customer')).toEqual({
      id: expect.stringMatching(new RegExp(`^${TRACE_B}-[0-9a-f]{16}-tool_call$`)),
      timestamp: '2026-05-04T10:05:00.700Z',
      type: 'tool_call',
      session: SESSION_B,
      trace: TRACE_B,
      span: expect.stringMatching(/^[0-9a-f]{16}$/),
      agent: 'ops-bot',
      name: 'delete_customer',
      status: 'error',
      policy: 'gate: block',
      summary: '{"customerId":7} · 1 ms',
    });
    // Commas, double quotes and a newline in the payload survive the quoting.
    expect(row('completion', 'gpt-4o-mini-2026-01-01').summary).toBe('27 in / 12 out tokens');
    const answer = records.find((r) => r[10]!.includes('tracking'))!;
    expect(answer[10]).toBe('61 in / 18 out tokens · Order 42 has shipped with PostNord, "tracking" soon. I could not send the SMS.');
    expect(result.stdout).toContain(',"61 in / 18 out tokens · Order 42 has shipped with PostNord, ""tracking"" soon. I could not send the SMS."\r\n');
    expect(row('prompt', 'gpt-4o-mini')).toMatchObject({ status: '', policy: '', summary: '27 in tokens · user: Where is order 42?' });
  });

  it("puts the receiver's verdict in the policy column", async () => {
    const file = join(folder.dir, 'receiver-trail.jsonl');
    await writeReceiverTrail(file, sampleEvents());
    const records = parseCsv((await exportTrail([file, '--format', 'csv', '--policy', 'flag,block'])).stdout).slice(1);
    expect(records.map((r) => [r[2], r[9]])).toEqual([
      ['prompt', 'flag (pii.email)'],
      ['tool_call', 'block (tool.denylist)'],
    ]);
  });

  it('with --output, writes the file instead (replacing it) and says how many events it wrote', async () => {
    const out = join(folder.dir, 'session-a.csv');
    for (let run = 0; run < 2; run++) {
      const result = await exportTrail([trail, '--session', SESSION_A, '--format', 'csv', '--output', out]);
      expect(result).toEqual({ code: 0, stdout: '', stderr: `otel-agent-audit export: wrote 8 events to ${out}\n` });
    }
    const records = parseCsv(readFileSync(out, 'utf8'));
    expect(records).toHaveLength(9);
    expect(new Set(records.slice(1).map((r) => r[3]))).toEqual(new Set([SESSION_A]));
    const jsonl = join(folder.dir, 'errors.jsonl');
    expect((await exportTrail([trail, '-o', jsonl, '--type', 'error'])).code).toBe(0);
    expect(readFileSync(jsonl, 'utf8')).toBe(`${trailText.split('\n').find((line) => line.includes('"type":"error"'))}\n`);
  });

  it('applies every filter as show does', async () => {
    const result = await exportTrail([trail, '--type', 'tool_call', '--policy', 'allow', '--since', '2026-05-04T10:00:00.950Z', '--until', '2026-05-04T10:06:00Z']);
    const lines = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((line) => line.payload.tool_name)).toEqual(['send_sms']);
  });

  it("reads stdin for '-'", async () => {
    const result = await exportTrail(['-', '--type', 'prompt'], { stdin: Readable.from([trailText]) });
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(2);
  });

  it('exits 0 when nothing matches, with the CSV header only and a note on stderr', async () => {
    const result = await exportTrail([trail, '--format', 'csv', '--session', 'nobody']);
    expect(result).toEqual({ code: 0, stdout: `${HEADER.join(',')}\r\n`, stderr: `otel-agent-audit export: no events match the filters (13 events read from ${trail})\n` });
  });

  it('reports malformed lines on stderr and exports the rest', async () => {
    const result = await exportTrail(['-', '--format', 'csv'], { stdin: Readable.from([`oops\n${trailText}{"half":`]) });
    expect(result.code).toBe(0);
    expect(parseCsv(result.stdout)).toHaveLength(14);
    expect(result.stderr).toBe('otel-agent-audit export: skipped 2 malformed lines in stdin (lines 1, 15): not JSON, or not an audit event\n');
  });

  it('exits 1, leaving --output alone, when the trail cannot be read', async () => {
    const out = join(folder.dir, 'never.jsonl');
    const missing = join(folder.dir, 'missing.jsonl');
    expect(await exportTrail([missing, '--output', out])).toEqual({ code: 1, stdout: '', stderr: `otel-agent-audit export: cannot read trail ${missing}: ENOENT\n` });
    expect(existsSync(out)).toBe(false);
  });

  it('exits 1 when --output cannot be written', async () => {
    const out = join(folder.dir, 'no-such-folder', 'out.csv');
    expect(await exportTrail([trail, '--output', out])).toEqual({ code: 1, stdout: '', stderr: `otel-agent-audit export: cannot write ${out}: ENOENT\n` });
  });

  it('exits 2 rather than overwrite the trail it reads', async () => {
    const result = await exportTrail([trail, '--output', trail]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^otel-agent-audit export: --output .* is the trail being read/);
    expect(readFileSync(trail, 'utf8')).toBe(trailText);
  });

  it('exits 2 with the usage for an unknown --format', async () => {
    const result = await exportTrail([trail, '--format', 'xml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^otel-agent-audit export: option '--format <format>' argument 'xml' is invalid\. Allowed choices are jsonl, csv\.\n\nUsage: otel-agent-audit export /);
  });

  it('documents every flag, with examples, in its help', async () => {
    const result = await exportTrail(['--help']);
    for (const flag of ['--session', '--type', '--since', '--until', '--policy', '-o, --output <path>', '--format <format>', '(choices: "jsonl", "csv", default: "jsonl")', '-h, --help']) {
      expect(result.stdout).toContain(flag);
    }
    expect(result.stdout).toContain('Examples:\n  $ otel-agent-audit export audit-trail.jsonl --format csv --output audit.csv\n');
  });
});

describe('csvField', () => {
  it('keeps a spreadsheet from evaluating a field: one that starts like a formula gets a leading quote, and is still quoted per RFC 4180', () => {
    expect(csvField('=HYPERLINK("http://127.0.0.1/x","click")')).toBe(`"'=HYPERLINK(""http://127.0.0.1/x"",""click"")"`);
    expect(['+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx'].map(csvField)).toEqual(["'+1+1", "'-2+3", "'@SUM(A1)", "'\tx", `"'\rx"`]);
    expect(['lookup_order', '27 in / 12 out tokens', 'a=b', ''].map(csvField)).toEqual(['lookup_order', '27 in / 12 out tokens', 'a=b', '']);
  });
});
