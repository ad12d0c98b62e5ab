// `show` for real, in-process: trails written by the real jsonl-file backend
// and by the real receiver (fed by the Secureagentics and AgenticAudit
// backends) into a temp folder, then read back.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run-cli.js';
import type { CliIo } from '../../../src/cli/cli-io.js';
import { captureIo, captureStream } from './cli-streams.js';
import { sampleEvents, SESSION_A, SESSION_B, START, tempFolder, TRACE_A, TRACE_B, writeJsonlTrail, writeReceiverTrail } from './trail-samples.js';

const folder = tempFolder();
let jsonlTrail: string;
let receiverTrail: string;

beforeAll(async () => {
  // File order is not time order (batches arrive concurrently): shuffled, show must still sort.
  const events = sampleEvents();
  jsonlTrail = join(folder.dir, 'app-audit.jsonl');
  await writeJsonlTrail(jsonlTrail, [...events.slice(8), ...events.slice(3, 8).reverse(), ...events.slice(0, 3)]);
  receiverTrail = join(folder.dir, 'receiver-trail.jsonl');
  await writeReceiverTrail(receiverTrail, events);
});
afterAll(() => folder.remove());

async function show(args: string[], extra: Partial<CliIo> = {}) {
  const io = { ...captureIo(), ...extra };
  const code = await runCli(['show', ...args], io);
  return { code, stdout: (io.stdout as ReturnType<typeof captureStream>).text, stderr: (io.stderr as ReturnType<typeof captureStream>).text };
}

/** The event lines (indented under a trace), without the headings. */
function eventLines(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line.startsWith('    '));
}

describe('show', () => {
  it('prints a jsonl-file trail grouped by session then trace, each event in time order with its essentials', async () => {
    const result = await show([jsonlTrail]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const out = result.stdout;
    expect(out.startsWith(`Session ${SESSION_A} `)).toBe(true);
    const sessionA = out.indexOf(`Session ${SESSION_A} · agent support-bot · 2026-05-04 10:00:00.000 – 10:00:05.100 · 8 events\n  trace ${TRACE_A}\n`);
    const sessionB = out.indexOf(`Session ${SESSION_B} · agent ops-bot · 2026-05-04 10:05:00.000 – 10:05:01.600 · 5 events\n  trace ${TRACE_B}\n`);
    expect(sessionA).toBeGreaterThan(-1);
    expect(sessionB).toBeGreaterThan(sessionA);
    const lines = eventLines(out.slice(sessionA, sessionB));
    expect(lines).toEqual([
      '    10:00:00.000  custom      session.start',
      '    10:00:00.010  prompt      gpt-4o-mini  27 in tokens · user: Where is order 42?',
      '    10:00:00.900  completion  gpt-4o-mini-2026-01-01 tool_calls  27 in / 12 out tokens',
      '    10:00:00.910  tool_call   lookup_order ok  {"orderId":42} · → {"orderId":42,"status":"shipped","carrier":"PostNord"} · 3 ms  gate: allow',
      '    10:00:01.000  tool_call   send_sms error  {"to":"+47 555 01234","text":"Order 42 has shipped."} · 3001 ms  gate: allow',
      '    10:00:04.001  error       Error  SMS gateway timed out after 3000 ms',
      '    10:00:05.000  completion  gpt-4o-mini-2026-01-01 stop  61 in / 18 out tokens · Order 42 has shipped with PostNord, "tracking" soon. I could not send the SMS.',
      '    10:00:05.100  custom      session.end success  5100 ms',
    ]);
    expect(out).toContain('tool_call   delete_customer error  {"customerId":7} · 1 ms  gate: block\n');
    expect(out.endsWith('\n13 events in 2 sessions\n')).toBe(true);
  });

  it("prints the receiver's trail, naming its policy results, without counting agent lines as malformed", async () => {
    const result = await show([receiverTrail]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(readFileSync(receiverTrail, 'utf8')).toMatch(/^\{"record":"agent",/);
    expect(result.stdout).toContain(`Session ${SESSION_B} · agent ops-bot ·`);
    expect(result.stdout).toMatch(/ prompt {6}gpt-4o {2}19 in tokens · user: Delete test customer 7, then mail jane\.doe@example\.com\. {2}flag \(pii\.email\)\n/);
    expect(result.stdout).toMatch(/ tool_call {3}delete_customer error {2}\{"customerId":7\} · 1 ms {2}block \(tool\.denylist\)\n/);
    // A tool call's verdict is always shown; a plain allow on other events is not.
    expect(result.stdout).toMatch(/ tool_call {3}lookup_order ok .* allow\n/);
    expect(result.stdout).toMatch(/ session\.start\n/);
    expect(result.stdout.endsWith('\n13 events in 2 sessions\n')).toBe(true);
  });

  it('reads AgenticAudit events from the receiver trail too (identity from their context)', async () => {
    const file = join(folder.dir, 'agentic-trail.jsonl');
    await writeReceiverTrail(file, sampleEvents(), true);
    const result = await show([file, '--session', SESSION_A, '--type', 'error']);
    expect(result.code).toBe(0);
    // Once from each backend: the Secureagentics event and the AgenticAudit one.
    expect(eventLines(result.stdout)).toEqual(Array(2).fill('    10:00:04.001  error       Error  SMS gateway timed out after 3000 ms'));
  });

  it('with --session, shows only that session', async () => {
    const result = await show([jsonlTrail, '--session', SESSION_B]);
    expect(result.stdout).not.toContain(SESSION_A);
    expect(eventLines(result.stdout)).toHaveLength(5);
    expect(result.stdout.endsWith('\n5 events in 1 session (of 13 read)\n')).toBe(true);
    // Repeatable: either session.
    expect(eventLines((await show([jsonlTrail, '--session', SESSION_A, '--session', SESSION_B])).stdout)).toHaveLength(13);
  });

  it('with --type, shows those types and custom event names, comma-separated or repeated', async () => {
    const tools = eventLines((await show([jsonlTrail, '--type', 'tool_call'])).stdout);
    expect(tools.map((line) => line.split(/\s+/)[3])).toEqual(['lookup_order', 'send_sms', 'delete_customer']);
    const mixed = eventLines((await show([jsonlTrail, '--type', 'error,session.end', '--type', 'prompt'])).stdout);
    expect(mixed.map((line) => line.split(/\s+/)[2])).toEqual(['prompt', 'error', 'custom', 'prompt', 'custom']);
    expect(mixed.filter((line) => line.includes('session.start'))).toEqual([]);
  });

  it('with --since and --until, shows the events in that time (inclusive), ISO or relative to now', async () => {
    const iso = (millis: number) => new Date(START + millis).toISOString();
    const window = eventLines((await show([jsonlTrail, '--since', iso(900), '--until', iso(4001)])).stdout);
    expect(window.map((line) => line.trim().split(/\s+/)[0])).toEqual(['10:00:00.900', '10:00:00.910', '10:00:01.000', '10:00:04.001']);
    // Relative: counted back from the clock the io gives (session B began 5 minutes after A).
    const now = () => START + 300_000 + 60_000;
    expect(eventLines((await show([jsonlTrail, '--since', '2m'], { now })).stdout)).toHaveLength(5);
    expect(eventLines((await show([jsonlTrail, '--until', '3m'], { now })).stdout)).toHaveLength(8);
    expect(eventLines((await show([jsonlTrail, '--since', '1h'], { now })).stdout)).toHaveLength(13);
  });

  it("with --policy, shows events by the receiver's verdict or the tool gate's (deny = block)", async () => {
    for (const policy of ['block', 'deny']) {
      const blocked = eventLines((await show([jsonlTrail, '--policy', policy])).stdout);
      expect(blocked).toEqual([expect.stringContaining('delete_customer error')]);
    }
    const flagged = eventLines((await show([receiverTrail, '--policy', 'flag,block'])).stdout);
    expect(flagged.map((line) => line.split(/\s+/)[2])).toEqual(['prompt', 'tool_call']);
    // The jsonl-file trail has no receiver verdicts, only the gate's allow on the two tool calls of session A.
    expect(eventLines((await show([jsonlTrail, '--policy', 'allow'])).stdout)).toHaveLength(2);
  });

  it('with --json, prints the matching lines as read, in file order', async () => {
    const result = await show([jsonlTrail, '--json', '--type', 'completion']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const fileLines = readFileSync(jsonlTrail, 'utf8').split('\n');
    const printed = result.stdout.split('\n').slice(0, -1);
    expect(printed).toEqual(fileLines.filter((line) => line.includes('"type":"completion"')));
    expect(printed.map((line) => JSON.parse(line).payload.model)).toEqual(['gpt-4o', 'gpt-4o-mini-2026-01-01', 'gpt-4o-mini-2026-01-01']);
  });

  it("reads the trail from stdin for '-'", async () => {
    const result = await show(['-', '--session', SESSION_B], { stdin: Readable.from([readFileSync(receiverTrail)]) });
    expect(result.code).toBe(0);
    expect(eventLines(result.stdout)).toHaveLength(5);
  });

  it('skips malformed lines, shows the others, and reports them once on stderr with their line numbers', async () => {
    const file = join(folder.dir, 'damaged.jsonl');
    const lines = readFileSync(jsonlTrail, 'utf8').trimEnd().split('\n');
    lines.splice(2, 0, '{"id":"torn","type":"prompt","times');
    lines.splice(5, 0, 'not json at all', '', '{"hello":"world"}');
    writeFileSync(file, `${lines.join('\n')}\n`);
    appendFileSync(file, '{"cut":'); // a last line without its newline
    const result = await show([file]);
    expect(result.code).toBe(0);
    expect(eventLines(result.stdout)).toHaveLength(13);
    expect(result.stderr).toBe(
      `otel-agent-audit show: skipped 4 malformed lines in ${file} (lines 3, 6, 8, 18): not JSON, or not an audit event\n`,
    );
  });

  it('lists the first five malformed line numbers and counts the rest', async () => {
    const file = join(folder.dir, 'garbage.jsonl');
    writeFileSync(file, `${Array(8).fill('garbage').join('\n')}\n${readFileSync(jsonlTrail, 'utf8')}`);
    const result = await show([file]);
    expect(result.stderr).toContain('skipped 8 malformed lines in');
    expect(result.stderr).toContain('(lines 1, 2, 3, 4, 5, and 3 more)');
  });

  it('exits 0 and says so on stderr when the filters match nothing, or the trail holds no events', async () => {
    const none = await show([jsonlTrail, '--session', 'no-such-session']);
    expect(none).toEqual({ code: 0, stdout: '', stderr: `otel-agent-audit show: no events match the filters (13 events read from ${jsonlTrail})\n` });
    const empty = join(folder.dir, 'empty.jsonl');
    writeFileSync(empty, '');
    expect(await show([empty])).toEqual({ code: 0, stdout: '', stderr: `otel-agent-audit show: no audit events in ${empty}\n` });
  });

  it('exits 1 when the trail cannot be read', async () => {
    const missing = join(folder.dir, 'missing.jsonl');
    expect(await show([missing])).toEqual({ code: 1, stdout: '', stderr: `otel-agent-audit show: cannot read trail ${missing}: ENOENT\n` });
    expect((await show([folder.dir])).stderr).toBe(`otel-agent-audit show: cannot read trail ${folder.dir}: EISDIR\n`);
  });

  it.each([
    [['--type', 'tool'], "option '--type <types>' argument 'tool' is invalid. not an event type: tool."],
    [['--policy', 'maybe'], "option '--policy <verdicts>' argument 'maybe' is invalid. not a verdict: maybe."],
    [['--since', 'yesterday'], "option '--since <time>' argument 'yesterday' is invalid. --since takes an ISO 8601 time"],
    [['--until', '2026-13-45'], "option '--until <time>' argument '2026-13-45' is invalid."],
    [['--sesion', 'x'], "unknown option '--sesion'"],
    [['extra'], "too many arguments for 'show'. Expected 1 argument but got 2: 'extra'"],
  ])('exits 2 with the usage for %j', async (args, message) => {
    const result = await show([jsonlTrail, ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr.startsWith(`otel-agent-audit show: ${message}`)).toBe(true);
    expect(result.stderr).toContain('\n\nUsage: otel-agent-audit show [options] <file>\n');
    expect(result.stdout).toBe('');
  });

  it('colours its output only for a terminal, unless NO_COLOR; FORCE_COLOR forces it', async () => {
    const run = async (isTTY: boolean, env: Record<string, string>) => {
      const stdout = Object.assign(captureStream(), { isTTY });
      await runCli(['show', jsonlTrail], { stdout, stderr: captureStream(), env });
      return stdout.text;
    };
    const coloured = await run(true, {});
    expect(coloured).toContain('\x1b[1m\x1b[31mgate: block\x1b[39m\x1b[22m');
    expect(coloured).toContain('\x1b[35mtool_call \x1b[39m');
    expect(await run(false, {})).not.toContain('\x1b[');
    expect(await run(true, { NO_COLOR: '1' })).not.toContain('\x1b[');
    expect(await run(false, { FORCE_COLOR: '1' })).toBe(coloured);
    expect(await run(true, { FORCE_COLOR: '0' })).not.toContain('\x1b[');
    // Without colour the text is the same, less the escapes.
    expect(coloured.replace(/\x1b\[\d+m/g, '')).toBe(await run(false, {}));
  });

  it('documents every flag, with examples, in its help', async () => {
    const result = await show(['--help']);
    expect(result.code).toBe(0);
    for (const flag of ['--session <id>', '--type <types>', '--since <time>', '--until <time>', '--policy <verdicts>', '--json', '-h, --help']) {
      expect(result.stdout).toContain(flag);
    }
    expect(result.stdout).toContain('Examples:\n  $ otel-agent-audit show audit-trail.jsonl\n');
  });
});
