import { describe, expect, it } from 'vitest';
import { runCli, USAGE } from '../../../src/cli/run-cli.js';
import { SERVE_USAGE } from '../../../src/cli/serve-command.js';
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

  it('names an unknown command and exits 2', async () => {
    const io = captureIo();
    expect(await runCli(['sreve'], io)).toBe(2);
    expect(io.stderr.text).toBe(`otel-agent-audit: unknown command 'sreve'\n\n${USAGE}`);
  });
});

describe('runCli serve', () => {
  it.each([['--help'], ['-h']])('prints the serve usage on stdout and exits 0 for %s', async (flag) => {
    const io = captureIo();
    expect(await runCli(['serve', flag], io)).toBe(0);
    expect(io.stdout.text).toBe(SERVE_USAGE);
    expect(SERVE_USAGE).toContain('--port');
  });

  it('documents every flag serve accepts', () => {
    for (const flag of ['--port', '--host', '--file', '--api-key', '--deny-tool', '--quiet', '--help']) expect(SERVE_USAGE).toContain(flag);
  });

  it('names an unknown flag, prints the serve usage and exits 2', async () => {
    const io = captureIo();
    expect(await runCli(['serve', '--prot', '0'], io)).toBe(2);
    expect(io.stderr.text).toMatch(/^otel-agent-audit serve: Unknown option '--prot'/);
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
    expect(io.stderr.text).toContain("'extra'");
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
