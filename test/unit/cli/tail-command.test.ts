// `tail` for real, in-process: a trail in a temp folder, appended to by the
// real jsonl-file backend (and by hand, for torn and malformed lines) while
// tail runs; an AbortSignal stands in for Ctrl+C.
import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run-cli.js';
import type { AuditEvent } from '../../../src/model/audit-event.js';
import { captureIo, captureStream } from './cli-streams.js';
import { sampleEvents, SESSION_B, tempFolder, writeJsonlTrail } from './trail-samples.js';

let folder: ReturnType<typeof tempFolder>;
let trail: string;
const running = new Set<() => Promise<number>>();

beforeEach(() => {
  folder = tempFolder();
  trail = join(folder.dir, 'audit.jsonl');
});
afterEach(async () => {
  await Promise.all([...running].map((stop) => stop()));
  running.clear();
  folder.remove();
});

const events = sampleEvents();
/** An event not in the trail yet: a later turn of session B. */
function laterEvent(n: number, type: 'prompt' | 'tool_call' = 'prompt'): AuditEvent {
  const base = events[type === 'prompt' ? 9 : 10]!;
  return { ...base, id: `${base.id}-later-${n}`, timestamp: new Date(Date.parse(base.timestamp) + 60_000 * n).toISOString() };
}

/** Runs `otel-agent-audit tail <args>` until `stop()`. */
function startTail(args: string[], extra: { stdin?: PassThrough; stdout?: ReturnType<typeof captureStream> } = {}) {
  const controller = new AbortController();
  const io = { ...captureIo(controller.signal), ...extra };
  const exit = runCli(['tail', ...args, '--poll-interval', '20'], io);
  const stop = (): Promise<number> => {
    running.delete(stop);
    controller.abort();
    return exit;
  };
  running.add(stop);
  const following = io.stderr.waitFor(/following .*; Ctrl\+C to stop\n/);
  return { io, stdout: io.stdout, stderr: io.stderr, exit, stop, following };
}

/** Lines of the tool names / types printed, in order. */
const printed = (text: string): string[] => text.split('\n').filter(Boolean);

describe('tail', () => {
  it('prints the last 10 events already in the trail, then each one appended, until stopped', async () => {
    const text = await writeJsonlTrail(trail, events);
    const tail = startTail([trail]);
    await tail.following;
    const lines = text.trimEnd().split('\n');
    expect(printed(tail.stdout.text).map((line) => line.split(/\s+/)[0])).toEqual(lines.slice(3).map((line) => JSON.parse(line).timestamp));
    expect(printed(tail.stdout.text)).toContain('2026-05-04T10:05:00.700Z  sess-ops-2 ops-bot  tool_call   delete_customer error  {"customerId":7} · 1 ms  gate: block');

    await writeJsonlTrail(trail, [laterEvent(1)]);
    await tail.stdout.waitFor(/2026-05-04T10:06:00\.005Z {2}sess-ops-2 ops-bot {2}prompt {6}gpt-4o {2}19 in tokens/);
    await writeJsonlTrail(trail, [laterEvent(2), laterEvent(3)]);
    await tail.stdout.waitFor(/10:08:00\.005Z.*\n$/);
    expect(await tail.stop()).toBe(0);
    expect(printed(tail.stdout.text)).toHaveLength(13);
    expect(tail.stderr.text).toBe(`otel-agent-audit tail: following ${trail}; Ctrl+C to stop\n`);
  });

  it('with -n 0, prints only what is appended; with --lines N, the last N; with --lines all, everything', async () => {
    await writeJsonlTrail(trail, events);
    const none = startTail([trail, '-n', '0']);
    await none.following;
    expect(none.stdout.text).toBe('');
    await writeJsonlTrail(trail, [laterEvent(1)]);
    await none.stdout.waitFor(/10:06:00\.005Z/);
    expect(printed(none.stdout.text)).toHaveLength(1);

    const three = startTail([trail, '--lines', '3']);
    await three.following;
    expect(printed(three.stdout.text).map((line) => line.slice(11, 23))).toEqual(['10:05:01.500', '10:05:01.600', '10:06:00.005']);
    const all = startTail([trail, '--lines', 'all']);
    await all.following;
    expect(printed(all.stdout.text)).toHaveLength(14);
  });

  it('applies the filters to what is there and to what is appended', async () => {
    await writeJsonlTrail(trail, events);
    const tail = startTail([trail, '--type', 'tool_call', '--session', SESSION_B, '--policy', 'block']);
    await tail.following;
    expect(printed(tail.stdout.text)).toEqual([expect.stringContaining('delete_customer')]);
    await writeJsonlTrail(trail, [laterEvent(1), laterEvent(2, 'tool_call'), laterEvent(3)]);
    await tail.stdout.waitFor(/10:07:00\.700Z.*delete_customer/);
    await writeJsonlTrail(trail, [laterEvent(4, 'tool_call')]);
    await tail.stdout.waitFor(/10:09:00\.700Z/);
    expect(printed(tail.stdout.text)).toHaveLength(3);
    expect(tail.stdout.text).not.toContain(' prompt ');
  });

  it('with --json, prints each event as the line read', async () => {
    const text = await writeJsonlTrail(trail, events);
    const tail = startTail([trail, '--json', '-n', '2']);
    await tail.following;
    expect(tail.stdout.text).toBe(`${text.trimEnd().split('\n').slice(-2).join('\n')}\n`);
    const more = await writeJsonlTrail(trail, [laterEvent(1)]);
    await tail.stdout.waitFor(/later-1/);
    expect(tail.stdout.text.split('\n').at(-2)).toBe(more.trimEnd().split('\n').at(-1));
  });

  it('holds a last line without its newline until the rest of it is written', async () => {
    const text = await writeJsonlTrail(trail, events.slice(0, 3));
    const [last] = (await writeJsonlTrail(join(folder.dir, 'next.jsonl'), [events[3]!])).split('\n');
    writeFileSync(trail, `${text}${last!.slice(0, 40)}`);
    const tail = startTail([trail]);
    await tail.following;
    expect(printed(tail.stdout.text)).toHaveLength(3);
    appendFileSync(trail, `${last!.slice(40)}\n`);
    await tail.stdout.waitFor(/lookup_order/);
    expect(await tail.stop()).toBe(0);
    expect(printed(tail.stdout.text)).toHaveLength(4);
    expect(tail.stderr.text).not.toContain('malformed');
  });

  it('says when it stops with a line still missing its newline', async () => {
    writeFileSync(trail, '{"id":"x","type":"prompt"');
    const tail = startTail([trail]);
    await tail.following;
    expect(await tail.stop()).toBe(0);
    expect(tail.stderr.text).toContain(`otel-agent-audit tail: the last line of ${trail} has no newline yet; not shown\n`);
  });

  it('reports malformed lines once, when it stops, and shows the rest', async () => {
    await writeJsonlTrail(trail, events.slice(0, 2));
    const tail = startTail([trail]);
    await tail.following;
    appendFileSync(trail, 'garbage\n');
    await writeJsonlTrail(trail, [events[2]!]);
    await tail.stdout.waitFor(/completion/);
    expect(tail.stderr.text).not.toContain('malformed');
    expect(await tail.stop()).toBe(0);
    expect(tail.stderr.text).toContain(`otel-agent-audit tail: skipped 1 malformed line in ${trail} (line 3): not JSON, or not an audit event\n`);
  });

  it('waits for a trail that does not exist yet, then prints all of it', async () => {
    const tail = startTail([trail]);
    await tail.stderr.waitFor(new RegExp(`waiting for ${trail} to appear\\n`));
    await tail.following;
    await writeJsonlTrail(trail, events.slice(0, 12));
    await tail.stdout.waitFor(/10:05:01\.500Z/);
    expect(printed(tail.stdout.text)).toHaveLength(12);
    expect(tail.stderr.text).toContain(`${trail} appeared\n`);
  });

  it('reads a truncated trail from its start', async () => {
    await writeJsonlTrail(trail, events);
    const tail = startTail([trail, '-n', '0']);
    await tail.following;
    writeFileSync(trail, '');
    await tail.stderr.waitFor(/was truncated; reading it from the start\n/);
    await writeJsonlTrail(trail, [laterEvent(1)]);
    await tail.stdout.waitFor(/10:06:00\.005Z/);
    expect(printed(tail.stdout.text)).toHaveLength(1);
  });

  it('follows the new file when the trail is replaced (rotated)', async () => {
    await writeJsonlTrail(trail, events.slice(0, 5));
    const tail = startTail([trail, '-n', '0']);
    await tail.following;
    // As logrotate's create mode ends: a new file moved over the name (one atomic step).
    await writeJsonlTrail(`${trail}.new`, [laterEvent(1)]);
    renameSync(`${trail}.new`, trail);
    await tail.stderr.waitFor(/was replaced; reading it from the start\n/);
    await tail.stdout.waitFor(/10:06:00\.005Z/);
    expect(printed(tail.stdout.text)).toHaveLength(1);
  });

  it("follows stdin for '-' until it ends", async () => {
    const stdin = new PassThrough();
    const tail = startTail(['-', '--type', 'prompt'], { stdin });
    const text = readFileSync(await writeTrailFile(), 'utf8');
    stdin.write(text.slice(0, 300));
    stdin.write(text.slice(300));
    await tail.stdout.waitFor(/10:05:00\.005Z.*\n/);
    stdin.end();
    expect(await tail.exit).toBe(0);
    expect(printed(tail.stdout.text)).toHaveLength(2);
  });

  it('stops on SIGINT, as Ctrl+C does, leaving no signal listener behind', async () => {
    const listeners = process.listenerCount('SIGINT');
    await writeJsonlTrail(trail, events);
    const io = captureIo();
    const exit = runCli(['tail', trail], io);
    await io.stderr.waitFor(/following/);
    expect(process.listenerCount('SIGINT')).toBe(listeners + 1);
    process.emit('SIGINT');
    expect(await exit).toBe(0);
    expect(process.listenerCount('SIGINT')).toBe(listeners);
  });

  it('colours its lines only for a terminal', async () => {
    await writeJsonlTrail(trail, events);
    const stdout = Object.assign(captureStream(), { isTTY: true });
    const tail = startTail([trail, '-n', '1'], { stdout });
    await tail.following;
    expect(stdout.text).toBe('\x1b[2m2026-05-04T10:05:01.600Z\x1b[22m  \x1b[2msess-ops-2 ops-bot\x1b[22m  \x1b[34mcustom    \x1b[39m  \x1b[1msession.end\x1b[22m \x1b[2msuccess\x1b[22m  1600 ms\n');
  });

  it.each([
    [['--lines', 'some'], "option '-n, --lines <count>' argument 'some' is invalid. give a number of events (0 for only new ones) or all."],
    [['--poll-interval', '1'], "option '--poll-interval <millis>' argument '1' is invalid. give milliseconds from 10 to 60000."],
    [['--type', 'toolcall'], "option '--type <types>' argument 'toolcall' is invalid."],
    [['--follow'], "unknown option '--follow'"],
  ])('exits 2 with the usage for %j', async (args, message) => {
    const io = captureIo();
    expect(await runCli(['tail', trail, ...args], io)).toBe(2);
    expect(io.stderr.text.startsWith(`otel-agent-audit tail: ${message}`)).toBe(true);
    expect(io.stderr.text).toContain('\n\nUsage: otel-agent-audit tail [options] <file>\n');
  });

  it('exits 1 when the trail cannot be read', async () => {
    const io = captureIo();
    expect(await runCli(['tail', folder.dir], io)).toBe(1);
    expect(io.stderr.text).toBe(`otel-agent-audit tail: cannot read trail ${folder.dir}: EISDIR\n`);
  });

  it('documents every flag, with examples, in its help', async () => {
    const io = captureIo();
    expect(await runCli(['tail', '--help'], io)).toBe(0);
    for (const flag of ['--session', '--type', '--since', '--until', '--policy', '-n, --lines <count>', '--json', '--poll-interval <millis>', '-h, --help']) {
      expect(io.stdout.text).toContain(flag);
    }
    expect(io.stdout.text).toMatch(/the events already in the trail[^]*\(default:\s+10\)/);
    expect(io.stdout.text).toMatch(/no file-system\s+event comes \(default:\s+250\)/);
    expect(io.stdout.text).toContain('Examples:\n  $ otel-agent-audit tail audit-trail.jsonl\n');
  });
});

async function writeTrailFile(): Promise<string> {
  const file = join(folder.dir, 'piped.jsonl');
  await writeJsonlTrail(file, events);
  return file;
}
