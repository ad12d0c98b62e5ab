import { describe, expect, it } from 'vitest';
import { runCli, USAGE } from '../../../src/cli/run-cli.js';
import { SERVE_USAGE } from '../../../src/cli/serve-command.js';
import { VERSION } from '../../../src/model/version.js';
import { startAuditReceiver } from '../../../src/receiver/receiver.js';
import { captureIo } from './cli-streams.js';

describe('runCli', () => {
  it.each([['--help'], ['-h'], ['help']])('prints the usage on stdout and exits 0 for %s', async (flag) => {
    const io = captureIo();
    expect(await runCli([flag], io)).toBe(0);
    expect(io.stdout.text).toBe(USAGE);
    expect(io.stderr.text).toBe('');
  });

  it('prints the usage on stderr and exits 2 without a command', async () => {
    const io = captureIo();
    expect(await runCli([], io)).toBe(2);
    expect(io.stderr.text).toBe(USAGE);
    expect(io.stdout.text).toBe('');
  });

  it('names an unknown command, suggests the near one, prints the usage and exits 2', async () => {
    const io = captureIo();
    expect(await runCli(['sreve'], io)).toBe(2);
    expect(io.stderr.text).toMatch(/^otel-agent-audit: unknown command 'sreve'\n\(Did you mean serve\?\)\n\n/);
    expect(io.stderr.text.endsWith(USAGE)).toBe(true);
    expect(io.stdout.text).toBe('');
  });

  it.each([['--version'], ['-V']])('prints the package version for %s and exits 0', async (flag) => {
    const io = captureIo();
    expect(await runCli([flag], io)).toBe(0);
    expect(io.stdout.text).toBe(`${VERSION}\n`);
    expect(io.stderr.text).toBe('');
  });

  it('lists every command and the exit codes in the top-level help', () => {
    for (const command of ['serve', 'gateway', 'show', 'tail', 'export', 'verify']) expect(USAGE).toMatch(new RegExp(`\n {2}${command} `));
    expect(USAGE).toContain('-V, --version');
    expect(USAGE).toMatch(/Exit status:\n {2}0 {2}success[^]*\n {2}1 {2}failure[^]*\n {2}2 {2}usage mistake/);
    for (const command of ['serve', 'gateway', 'show', 'tail', 'export', 'verify']) expect(USAGE).toContain(`\n  $ otel-agent-audit ${command} `);
    expect(USAGE).toContain('NO_COLOR');
  });

  it('names an unknown top-level flag and exits 2', async () => {
    const io = captureIo();
    expect(await runCli(['--verbose'], io)).toBe(2);
    expect(io.stderr.text).toMatch(/^otel-agent-audit: unknown option '--verbose'\n/);
    expect(io.stderr.text.endsWith(USAGE)).toBe(true);
  });

  it.each(['show', 'tail', 'export', 'verify'])('prints the help of %s for `help %s`, with examples, and exits 0', async (command) => {
    const io = captureIo();
    expect(await runCli(['help', command], io)).toBe(0);
    expect(io.stdout.text).toMatch(new RegExp(`^Usage: otel-agent-audit ${command} \\[options\\] <`));
    expect(io.stdout.text).toContain(`Examples:\n  $ otel-agent-audit ${command} `);
    const asFlag = captureIo();
    expect(await runCli([command, '--help'], asFlag)).toBe(0);
    expect(asFlag.stdout.text).toBe(io.stdout.text);
  });

  it('exits 2 with the usage of the command when its argument is missing', async () => {
    for (const command of ['show', 'tail', 'export']) {
      const io = captureIo();
      expect([command, await runCli([command], io)]).toEqual([command, 2]);
      expect(io.stderr.text).toMatch(new RegExp(`^otel-agent-audit ${command}: missing required argument 'file'\n\nUsage: otel-agent-audit ${command} `));
    }
  });

  it('exits 1, naming the problem, when a file cannot be read', async () => {
    const io = captureIo();
    expect(await runCli(['show', '/nonexistent/otel-agent-audit/trail.jsonl'], io)).toBe(1);
    expect(io.stderr.text).toBe('otel-agent-audit show: cannot read trail /nonexistent/otel-agent-audit/trail.jsonl: ENOENT\n');
  });
});

describe('runCli serve', () => {
  it.each([['--help'], ['-h']])('prints the serve usage on stdout and exits 0 for %s', async (flag) => {
    const io = captureIo();
    expect(await runCli(['serve', flag], io)).toBe(0);
    expect(io.stdout.text).toBe(SERVE_USAGE);
    expect(SERVE_USAGE).toContain('--port');
  });

  it('documents every flag serve accepts, with examples', () => {
    for (const flag of ['--port', '--host', '--file', '--api-key', '--deny-tool', '--quiet', '--help']) expect(SERVE_USAGE).toContain(flag);
    expect(SERVE_USAGE).toContain('Examples:\n  $ otel-agent-audit serve');
  });

  it('names an unknown flag, prints the serve usage and exits 2', async () => {
    const io = captureIo();
    expect(await runCli(['serve', '--prot', '0'], io)).toBe(2);
    expect(io.stderr.text).toMatch(/^otel-agent-audit serve: unknown option '--prot'\n\(Did you mean --port\?\)/);
    expect(io.stderr.text.endsWith(SERVE_USAGE)).toBe(true);
  });

  it('exits 2 when a flag is missing its value, naming the flag', async () => {
    const io = captureIo();
    expect(await runCli(['serve', '--port'], io)).toBe(2);
    expect(io.stderr.text).toContain('--port');
  });

  it('exits 2 for a positional argument', async () => {
    const io = captureIo();
    expect(await runCli(['serve', 'extra'], io)).toBe(2);
    expect(io.stderr.text).toMatch(/^otel-agent-audit serve: too many arguments for 'serve'\. Expected 0 arguments but got 1: 'extra'\n/);
  });

  it.each(['abc', '65536', '-1', '', '0x50', '1e3', ' 80'])('rejects --port %j with exit 2, quoting the value', async (port) => {
    const io = captureIo();
    expect(await runCli(['serve', `--port=${port}`], io)).toBe(2);
    expect(io.stderr.text).toContain(`otel-agent-audit serve: --port must be an integer from 0 to 65535, got '${port}'`);
    expect(io.stdout.text).toBe('');
  });

  it('exits 1 with the reason when the receiver cannot start (port taken)', async () => {
    const taken = await startAuditReceiver({ port: 0, host: '127.0.0.1' });
    try {
      const io = captureIo();
      expect(await runCli(['serve', '--port', String(taken.port), '--host', '127.0.0.1'], io)).toBe(1);
      expect(io.stderr.text).toMatch(new RegExp(`^otel-agent-audit serve: audit receiver could not listen on 127\\.0\\.0\\.1:${taken.port}`));
    } finally {
      await taken.close();
    }
  });
});
