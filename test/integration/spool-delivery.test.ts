/**
 * Delivery through the spool against real sockets: a backend that refuses
 * connections (a closed port) and one that answers (the strict
 * Secureagentics server), each with its own cursor; an outage that ends;
 * events that outlive maxEventAgeMillis.
 */
import { describe, expect } from 'vitest';
import { secureagentics, withSession, withToolCall } from '../../src/index.js';
import { startSecureagenticsServer, type SecureagenticsTestServer, type StoredEvent } from '../servers/secureagentics-server.js';
import { it } from '../support/audit-test.js';
import { recordingBackend } from '../support/recording-backend.js';
import { freshSpoolDir } from '../support/tracing.js';
import { closedPort, forwardPort } from '../servers/loopback-ports.js';

const eventIds = (events: readonly StoredEvent[]): string[] => events.map((e) => e.payload['event_id'] as string);
const activity = (events: readonly StoredEvent[]): StoredEvent[] => events.filter((e) => e.payload['name'] !== 'audit.loss');

function recordSession(agentName: string, tools: number): void {
  withSession({ agentName }, () => {
    for (let i = 0; i < tools; i++) withToolCall(`t${i}`, { i }, () => i);
  });
}

describe('spool delivery', () => {
  it('keeps a cursor per backend: after a restart the one that was up gets nothing twice, the one that was down gets everything once', async ({ install, secureagenticsServer: upServer, onTestFinished }) => {
    const spoolDir = freshSpoolDir();
    const port = await closedPort();
    const upAgent = upServer.addAgent('up');
    const options = { spoolDir, serviceName: 'two-cursors', shutdownTimeoutMillis: 300 };
    const backends = () => [
      secureagentics({ apiKey: 'sa_test_key_0123456789', baseUrl: `http://127.0.0.1:${port}`, agentId: 'agt_1' }),
      secureagentics({ apiKey: upServer.apiKey, baseUrl: upServer.url, agentId: upAgent }),
    ];

    const run1 = install.backends(backends(), options);
    recordSession('first', 10);
    await upServer.waitForEvents(12);
    await run1.tracing.close();

    const downServer: SecureagenticsTestServer = await startSecureagenticsServer();
    onTestFinished(() => downServer.close());
    downServer.addAgent('down'); // agt_1, as the first run named it
    const forward = await forwardPort(port, downServer.url);
    onTestFinished(() => forward.close());
    install.backends(backends(), options);
    withToolCall('second_run', {}, () => 0);

    await downServer.waitForEvents(13, 10_000);
    await upServer.waitForEvents(13, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300)); // anything sent twice would have arrived by now
    expect(eventIds(upServer.allEvents())).toHaveLength(13);
    expect(new Set(eventIds(upServer.allEvents())).size).toBe(13);
    expect(eventIds(downServer.allEvents()).sort()).toEqual(eventIds(upServer.allEvents()).sort());
    expect(upServer.allEvents().at(-1)!.payload['tool_name']).toBe('second_run');
  });

  it('loses nothing through an outage: the backend refuses connections for 2 s, then answers; says so once each way', async ({ install, diagnostics, deliveryWarnings, onTestFinished }) => {
    const port = await closedPort();
    const { processor } = install.backends(
      [secureagentics({ apiKey: 'sa_test_key_0123456789', baseUrl: `http://127.0.0.1:${port}`, agentId: 'agt_1' })],
      { spoolDir: freshSpoolDir(), serviceName: 'outage' },
    );
    recordSession('outage', 20);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    recordSession('outage', 20);
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const server = await startSecureagenticsServer();
    onTestFinished(() => server.close());
    server.addAgent('outage');
    const forward = await forwardPort(port, server.url);
    onTestFinished(() => forward.close());

    await server.waitForEvents(44, 15_000);
    await processor.forceFlush();
    expect(new Set(eventIds(server.allEvents())).size).toBe(44);
    expect(activity(server.allEvents())).toHaveLength(44);
    expect(processor.stats().backends['secureagentics']).toMatchObject({ failed: 0, dropped: 0, queued: 0, backlog: 0 });
    expect((await deliveryWarnings.said()).filter((w) => w.includes('cannot reach the service'))).toHaveLength(1);
    expect(diagnostics.warnings.filter((w) => w.includes('reachable again'))).toHaveLength(1);
  });

  it('gives up events older than maxEventAgeMillis at a backend that refuses connections, and records that as audit.loss', async ({ install, diagnostics }) => {
    const port = await closedPort();
    const witness = recordingBackend();
    const { processor } = install.backends(
      [secureagentics({ apiKey: 'sa_test_key_0123456789', baseUrl: `http://127.0.0.1:${port}`, agentId: 'agt_1' }), witness],
      { spoolDir: freshSpoolDir(), serviceName: 'aged', maxEventAgeMillis: 300 },
    );
    recordSession('aged', 8);

    await expect.poll(() => processor.stats().backends['secureagentics']!.failed, { timeout: 10_000 }).toBeGreaterThanOrEqual(10);
    // The first loss is reported at once, later ones at the reporter's interval or a flush.
    await processor.forceFlush();
    const losses = witness.events().filter((e) => e.payload['name'] === 'audit.loss' && e.payload['backend'] === 'secureagentics');
    expect(losses.length).toBeGreaterThan(0);
    const reasons = losses.flatMap((e) => Object.keys(e.payload['by_reason'] as Record<string, number>));
    expect(reasons.every((r) => r.startsWith('failed: ') && r.includes('maxEventAgeMillis (300 ms)'))).toBe(true);
    expect(losses.reduce((sum, e) => sum + (e.payload['lost'] as number), 0)).toBeGreaterThanOrEqual(10);
    expect(processor.stats().backends['secureagentics']).toMatchObject({ delivered: 0, dropped: 0 });
    expect(processor.stats().backends['recording']).toMatchObject({ failed: 0, dropped: 0 });
    expect(diagnostics.warnings.some((w) => w.includes('maxEventAgeMillis'))).toBe(true);
  });
});
