/**
 * An answer that never completes: the server sends its headers, then the
 * body a byte every 500 ms. undici's own timeouts bound only the gaps
 * between chunks, so only the client's whole-answer deadline
 * (requestTimeoutMillis) ends the attempt; the backend is then paused and
 * probed, and delivers once the server answers normally again.
 */
import type { ServerResponse } from 'node:http';
import { describe, expect } from 'vitest';
import { secureagentics, withToolCall } from '../../src/index.js';
import { listenOnLoopback, readBody, sendJson } from '../servers/loopback-server.js';
import { it } from '../support/audit-test.js';
import { freshSpoolDir } from '../support/tracing.js';

interface TricklingServer {
  url: string;
  /** When each request arrived (Date.now()). */
  arrivals: number[];
  /** Event ids of the batches answered normally. */
  received: string[];
  /** From now on, answer normally. */
  heal(): void;
  close(): Promise<void>;
}

async function startTricklingServer(): Promise<TricklingServer> {
  const arrivals: number[] = [];
  const received: string[] = [];
  let healed = false;
  const trickle = (res: ServerResponse): void => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(' ');
    const timer = setInterval(() => res.write(' '), 500);
    res.once('close', () => clearInterval(timer));
  };
  const loopback = await listenOnLoopback((req, res) => {
    arrivals.push(Date.now());
    void readBody(req).then((body) => {
      if (!healed) return trickle(res);
      const events = (JSON.parse(body.toString('utf8')) as { events: Array<{ payload: { event_id: string } }> }).events;
      received.push(...events.map((e) => e.payload.event_id));
      sendJson(res, 200, { results: [], total: events.length });
    });
  });
  return { url: loopback.url, arrivals, received, heal: () => (healed = true), close: () => loopback.close() };
}

describe('whole-answer deadline', () => {
  it('ends an attempt whose answer trickles in past requestTimeoutMillis, pauses the backend, and delivers once the server answers', async ({ install, diagnostics, deliveryWarnings, onTestFinished }) => {
    const server = await startTricklingServer();
    onTestFinished(() => server.close());
    const { processor } = install.backends(
      [secureagentics({ apiKey: 'sa_test_key_0123456789', baseUrl: server.url, agentId: 'agt_1', requestTimeoutMillis: 1_000 })],
      { spoolDir: freshSpoolDir(), serviceName: 'trickle' },
    );
    for (let i = 0; i < 5; i++) withToolCall(`t${i}`, { i }, () => i);

    const unreachable = async (): Promise<string | undefined> => (await deliveryWarnings.said()).find((w) => w.includes('cannot reach the service'));
    await expect.poll(() => server.arrivals.length, { timeout: 5_000 }).toBeGreaterThan(0);
    await expect.poll(unreachable, { timeout: 5_000 }).toBeDefined();
    const failedAt = Date.now();
    expect(await unreachable()).toMatch(/timeout/i);
    expect(failedAt - server.arrivals[0]!).toBeLessThan(3_000);
    // Paused, not given up: it probes again.
    await expect.poll(() => server.arrivals.length, { timeout: 10_000 }).toBeGreaterThan(1);
    expect(processor.stats().backends['secureagentics']).toMatchObject({ delivered: 0, failed: 0, dropped: 0 });

    server.heal();
    await expect.poll(() => processor.stats().backends['secureagentics']!.delivered, { timeout: 15_000 }).toBe(5);
    expect(new Set(server.received).size).toBe(5);
    expect(processor.stats().backends['secureagentics']).toMatchObject({ failed: 0, dropped: 0 });
    expect(diagnostics.warnings.filter((w) => w.includes('reachable again'))).toHaveLength(1);
  });
});
