// What the receiver tells its operator without any diag setup: listening
// beyond loopback without an API key, and (through `serve`) its trail's
// problems, on the CLI's stderr.
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run-cli.js';
import { isLoopbackAddress } from '../../../src/model/loopback.js';
import { startAuditReceiver, type AuditReceiver } from '../../../src/receiver/receiver.js';
import { captureIo } from '../cli/cli-streams.js';

const receivers: AuditReceiver[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const receiver of receivers.splice(0)) await receiver.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function warningsOf(options: Parameters<typeof startAuditReceiver>[0]): Promise<string[]> {
  const warnings: string[] = [];
  receivers.push(await startAuditReceiver({ port: 0, ...options, onWarning: (message) => warnings.push(message) }));
  return warnings;
}

describe('listening beyond loopback', () => {
  // Binding every interface is enough to see the warning; no traffic goes anywhere but loopback.
  it('warns once when bound to every interface without an API key', async () => {
    const warnings = await warningsOf({ host: '0.0.0.0' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/listening on 0\.0\.0\.0:\d+, beyond loopback, without an API key.*apiKey \(--api-key\)/);
  });

  it('says nothing with an API key, or on loopback', async () => {
    expect(await warningsOf({ host: '0.0.0.0', apiKey: 'k' })).toEqual([]);
    expect(await warningsOf({ host: '127.0.0.1' })).toEqual([]);
    expect(await warningsOf({ host: 'localhost' })).toEqual([]);
  });

  it('tells loopback addresses from the rest', () => {
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(address)).toBe(true);
    for (const address of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', '::ffff:10.0.0.1', 'fe80::1']) expect(isLoopbackAddress(address)).toBe(false);
  });
});

describe('otel-agent-audit serve', () => {
  it('prints the receiver’s notices on its stderr, with no diag logger installed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'receiver-notices-'));
    dirs.push(dir);
    const file = join(dir, 'trail.jsonl');
    await appendFile(file, 'garbage\n');
    const controller = new AbortController();
    const io = captureIo(controller.signal);
    const exit = runCli(['serve', '--port', '0', '--host', '0.0.0.0', '--file', file, '--quiet'], io);
    await io.stdout.waitFor(/listening on/);
    controller.abort();
    expect(await exit).toBe(0);
    expect(io.stderr.text).toMatch(/^otel-agent-audit receiver: audit trail .*trail\.jsonl: loaded 0 record\(s\); skipped 1 malformed line\(s\): 1 not valid JSON/m);
    expect(io.stderr.text).toMatch(/^otel-agent-audit receiver: listening on 0\.0\.0\.0:\d+, beyond loopback, without an API key/m);
  });
});
