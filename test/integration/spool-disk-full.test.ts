/**
 * A real full disk: the spool on a 512 KiB tmpfs while the backend refuses
 * connections. Writes that fail are warned about once (process warning
 * OTEL_AGENT_AUDIT_SPOOL), what they carried is counted lost for a backend
 * that would have read it from disk, and the agent never sees a throw.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { secureagentics, withToolCall } from '../../src/index.js';
import { it, type InstalledAudit, type TracingInstaller } from '../support/audit-test.js';
import { closedPort } from '../servers/loopback-ports.js';

/** A 512 KiB tmpfs, or undefined when this machine does not let us mount one (not root, no CAP_SYS_ADMIN, a container without it). */
function smallDisk(): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'spool-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}

function unmount(dir: string): void {
  try {
    execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether this machine lets us mount a tmpfs at all. */
const canMount = ((probe) => (probe === undefined ? false : (unmount(probe), true)))(smallDisk());

interface FullDisk {
  processor: InstalledAudit['processor'];
  close(): Promise<void>;
  slotDir: string;
  /** Process warnings with the spool's code, in order. */
  warnings: Error[];
}

/** An audit pipeline spooling to a fresh 512 KiB tmpfs, its backend refusing connections and its queue holding 100 events. */
async function spoolOnSmallDisk(install: TracingInstaller, onTestFinished: (fn: () => void) => void): Promise<FullDisk> {
  const disk = smallDisk()!;
  onTestFinished(() => unmount(disk));
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => {
    if ((warning as NodeJS.ErrnoException).code === 'OTEL_AGENT_AUDIT_SPOOL') warnings.push(warning);
  };
  process.on('warning', onWarning);
  onTestFinished(() => void process.off('warning', onWarning));
  const port = await closedPort();
  const { processor, tracing } = install.backends(
    [secureagentics({ apiKey: 'sa_test_key_0123456789', baseUrl: `http://127.0.0.1:${port}`, agentId: 'agt_1' })],
    { spoolDir: disk, serviceName: 'full', spoolFlushMillis: 10, maxQueueSize: 100, shutdownTimeoutMillis: 500 },
  );
  return { processor, close: () => tracing.close(), slotDir: processor.stats().spool!.dir, warnings };
}

const ARGUMENT = 'x'.repeat(1_000);

/** Records `rounds` bursts of `perRound` tool calls of about 1 KB, a flush interval apart; never throws, or the test fails. */
async function recordBursts(rounds: number, perRound: number, gapMillis = 25): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    expect(() => {
      for (let i = 0; i < perRound; i++) withToolCall(`t${round}_${i}`, { argument: ARGUMENT }, () => i);
    }).not.toThrow();
    await new Promise((resolve) => setTimeout(resolve, gapMillis));
  }
}

// Mounting a tmpfs needs root (or CAP_SYS_ADMIN); without it there is no real full disk to test against.
describe.skipIf(!canMount)('spool on a full disk', () => {
  it('warns with code OTEL_AGENT_AUDIT_SPOOL, counts what could not be written, and never throws into the agent', async ({ install, onTestFinished }) => {
    const full = await spoolOnSmallDisk(install, onTestFinished);
    // About 1.5 MB of events for a 512 KiB disk.
    await recordBursts(15, 100);
    await expect.poll(() => full.processor.stats().spool!.writeFailures, { timeout: 10_000 }).toBeGreaterThan(0);

    expect(full.warnings.length).toBeGreaterThan(0);
    expect(full.warnings[0]!.message).toContain('ENOSPC');
    expect(full.warnings[0]!.message).toContain(full.slotDir);
    // The backend is behind (its queue holds 100): what never reached the disk is lost for it, and counted.
    const stats = full.processor.stats().backends['secureagentics']!;
    expect(stats.dropped).toBeGreaterThan(0);
    expect(stats.delivered).toBe(0);
    await full.close();
  });

  // The writes queued behind the first failed one fail too; they are the same full
  // disk and must not make a second warning (one without a cause in it).
  it('warns once for one full disk', async ({ install, onTestFinished }) => {
    const full = await spoolOnSmallDisk(install, onTestFinished);
    // Bursts a millisecond apart: appends go on while a write is under way, as in a busy agent.
    await recordBursts(100, 20, 1);
    await expect.poll(() => full.processor.stats().spool!.writeFailures, { timeout: 10_000 }).toBeGreaterThan(0);
    await new Promise((resolve) => setImmediate(resolve)); // process warnings are emitted on the next tick
    expect(full.warnings.map((w) => w.message)).toEqual([expect.stringContaining('ENOSPC')]);
    await full.close();
  });

  // A disk that stays full must not collect one more empty segment file per commit.
  it('does not leave a new empty segment file behind for every failed write', async ({ install, onTestFinished }) => {
    const full = await spoolOnSmallDisk(install, onTestFinished);
    // The disk fills up, then stays full while the agent goes on: 40 more flushes, each more than the disk has left.
    await recordBursts(55, 50);
    expect(full.processor.stats().spool!.writeFailures).toBeGreaterThan(10);
    const segments = readdirSync(full.slotDir).filter((name) => name.endsWith('.log'));
    const empty = segments.filter((name) => statSync(join(full.slotDir, name)).size === 0);
    expect(empty.length).toBeLessThanOrEqual(2);
    await full.close();
  });
});
