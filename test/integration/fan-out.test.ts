import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect } from 'vitest';
import { jsonlFile, secureagentics, setupAudit, withLLMCall, withSession, withToolCall } from '../../src/index.js';
import { startSecureagenticsServer, type SecureagenticsTestServer } from '../servers/secureagentics-server.js';
import { it as base, serverFixture } from '../support/audit-test.js';
import { FAST_RETRY } from '../support/tracing.js';

/** `failing`: a second Secureagentics server (`secureagenticsServer` is the healthy one). `dir`: a temporary directory, removed after the test. */
const it = base.extend<{ failing: SecureagenticsTestServer; dir: string }>({
  failing: serverFixture(startSecureagenticsServer),
  dir: async ({ onTestFinished }, use) => {
    const dir = await mkdtemp(join(tmpdir(), 'audit-fan-out-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await use(dir);
  },
});

afterEach(() => {
  delete process.env.OTEL_BSP_SCHEDULE_DELAY; // set by a test for the OTLP batch processor setupAudit builds
});

/** One session of 20 LLM calls and 20 tool calls: 62 events with session start and end. */
async function agentRun(): Promise<void> {
  await withSession({ agentName: 'fan-bot' }, async () => {
    for (let i = 0; i < 20; i++) {
      await withLLMCall({ model: 'gpt-4o-mini', prompt: `step ${i}` }, (call) => {
        call.setCompletion(`ok ${i}`);
        return 'ok';
      });
      await withToolCall('lookup', { i }, () => i);
    }
  });
}

describe('several backends at once', () => {
  it('a backend answering 503 forever delays neither the healthy one, nor a file, nor OTLP; what it could not take stays in the spool, counted and said', async ({ secureagenticsServer: healthy, failing, otlpSink: sink, dir, diagnostics }) => {
    // The OTLP batch processor's own schedule (default 5 s) is not what this test is about.
    process.env.OTEL_BSP_SCHEDULE_DELAY = '50';
    failing.script(() => ({ status: 503, body: { error: 'down for maintenance' } }));
    const file = join(dir, 'audit.jsonl');
    const audit = setupAudit({
      backends: [
        secureagentics({ apiKey: failing.apiKey, baseUrl: failing.url, agentName: 'fan-bot' }),
        secureagentics({ apiKey: healthy.apiKey, baseUrl: healthy.url, agentName: 'fan-bot' }),
        jsonlFile({ path: file }),
      ],
      otlp: { url: `${sink.url}/v1/traces` },
      ...FAST_RETRY,
      // Long enough that the failing backend is still retrying when the others are done.
      maxAttempts: 1000,
      maxBackoffMillis: 50,
      maxRetryElapsedMillis: 60_000,
      shutdownTimeoutMillis: 300,
    });

    await agentRun();
    // Each healthy destination has everything while the failing one is still retrying.
    await healthy.waitForEvents(62, 5_000);
    await sink.waitForSpans(41, 5_000);
    await expect.poll(async () => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean).length, { timeout: 5_000 }).toBe(62);
    const during = audit.stats().backends;
    expect(during['secureagentics']!.delivered).toBe(0);
    expect(during['secureagentics']!.retries).toBeGreaterThan(0);
    expect(during['secureagentics#2']).toMatchObject({ delivered: 62, failed: 0, dropped: 0 });
    expect(during['jsonl-file']).toMatchObject({ delivered: 62, failed: 0, dropped: 0 });

    const lines = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(new Set(lines.map((l) => l['id'])).size).toBe(62);
    expect(lines.map((l) => l['id'])).toEqual(healthy.allEvents().map((e) => e.payload['event_id']));
    expect(lines[1]).toMatchObject({ type: 'prompt', session_id: expect.any(String), agent_name: 'fan-bot', payload: { model: 'gpt-4o-mini', prompt: expect.stringContaining('step 0') } });

    // Shutdown stops waiting for the dead backend at its deadline; its events stay in the spool for the next start, and it says so.
    await audit.shutdown();
    const after = audit.stats().backends['secureagentics']!;
    expect(after).toMatchObject({ delivered: 0, failed: 0, dropped: 0, deferred: 62 });
    expect(diagnostics.warnings.filter((m) => m.includes('secureagentics: 62 audit events not delivered by the shutdown deadline stay in the spool'))).toHaveLength(1);
  });

  it('a file in a directory that cannot be created is reported with the path, and the other backend still gets everything', async ({ secureagenticsServer: healthy, dir, diagnostics, deliveryWarnings }) => {
    const blocker = join(dir, 'not-a-dir');
    await import('node:fs/promises').then((fs) => fs.writeFile(blocker, 'x'));
    const audit = setupAudit({
      backends: [jsonlFile({ path: join(blocker, 'audit.jsonl') }), secureagentics({ apiKey: healthy.apiKey, baseUrl: healthy.url })],
      otlp: false,
      ...FAST_RETRY,
    });
    await agentRun();
    await audit.shutdown();
    const received = healthy.allEvents();
    expect(received.filter((e) => e.payload['name'] !== 'audit.loss')).toHaveLength(62);
    // The healthy backend's trail shows the other one's gap.
    const lossRecords = received.filter((e) => e.payload['name'] === 'audit.loss');
    expect(lossRecords.length).toBeGreaterThanOrEqual(1);
    expect(lossRecords.map((e) => e.payload['backend'])).toContain('jsonl-file');
    expect(lossRecords.reduce((n, e) => n + Number(e.payload['lost']), 0)).toBeGreaterThanOrEqual(62);
    expect(audit.stats().backends['jsonl-file']).toMatchObject({ delivered: 0 });
    expect(audit.stats().backends['jsonl-file']!.failed).toBeGreaterThanOrEqual(62);
    expect((await deliveryWarnings.said()).concat(diagnostics.warnings).some((m) => m.includes(join(blocker, 'audit.jsonl')) && m.includes('writable'))).toBe(true);
  });
});
