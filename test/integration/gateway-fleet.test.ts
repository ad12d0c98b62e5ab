/**
 * Three gateways behind trace-id routing (issue 15): an app with no audit
 * processor exports with the real OTLP exporter (protobuf), its traces split
 * across three `otel-agent-audit gateway` processes by trace id, as the
 * Collector's `loadbalancing` exporter splits them; each gateway delivers to
 * one local receiver. The trail equals that of the same program through one
 * gateway: the same events, each session's in the same order, every stream
 * verifying. Then one gateway is killed with SIGKILL while spans flow, and
 * started again on its port and spool: nothing it acknowledged is lost, the
 * spans it did not acknowledge reach it through the exporter's retries, and
 * only events it may have held unconfirmed are stored twice.
 *
 * A session is one trace (the root span of `withSession`), so routing by
 * trace id keeps each session on one gateway.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { describe, expect, onTestFinished } from 'vitest';
import { AUDIT_SEQUENCE_NUMBER, AUDIT_SEQUENCE_PREV_HASH, AUDIT_STREAM_ID, CHECKPOINT_NAME } from '../../src/chain/chain-fields.js';
import { formatTrailReport, verifyTrailSource, withLLMCall, withSession, withToolCall } from '../../src/index.js';
import { startAuditReceiver, type AuditReceiver } from '../../src/receiver/index.js';
import type { StoredAuditEvent } from '../../src/receiver/stored-event.js';
import { it } from '../support/audit-test.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { endpointOfTrace, traceIdRouting } from '../support/trace-id-routing.js';
import { runOnce } from '../support/trail-comparison.js';

const RESOURCE = resourceFromAttributes({ 'service.name': 'support-bot' });
const DECLINED = Object.assign(new Error('card declined'), { code: 'card_declined' });

/** session.start, prompt, completion, two tool calls, the failure's error, session.end. */
const EVENTS_PER_SESSION = 7;

/** One session: a model call, a tool call, and a tool call that fails. */
async function session(n: number): Promise<void> {
  await withSession({ sessionId: `sess-${n}`, agentName: 'support-bot' }, async () => {
    await withLLMCall({ model: 'gpt-4o', provider: 'openai', messages: [{ role: 'user', content: `Where is order ${n}?` }] }, () => ({ content: 'Let me look it up.', inputTokens: 12, outputTokens: 5 }));
    await withToolCall('lookup_order', { orderId: n }, () => ({ status: 'shipped' }));
    try {
      await withToolCall('refund', { orderId: n }, () => {
        throw DECLINED;
      });
    } catch {
      // The failure is in the trail; the agent goes on.
    }
  });
}

/** A receiver with a JSONL trail, for `verify`. */
async function receiverWithTrail(): Promise<{ receiver: AuditReceiver; file: string }> {
  const file = join(mkdtempSync(join(tmpdir(), 'gateway-fleet-')), 'trail.jsonl');
  const receiver = await startAuditReceiver({ port: 0, file });
  onTestFinished(() => receiver.close());
  return { receiver, file };
}

/** The gateway's environment: the receiver as its Secureagentics backend, a spool of its own, the hash chain on (the default). */
function gatewayEnv(receiver: AuditReceiver, spoolDir: string): Record<string, string> {
  return {
    OTEL_AGENT_AUDIT_BACKENDS: 'secureagentics',
    SECUREAGENTICS_BASE_URL: receiver.url,
    SECUREAGENTICS_API_KEY: 'fleet-test-key',
    SECUREAGENTICS_AGENT_NAME: 'support-bot',
    OTEL_AGENT_AUDIT_SPOOL_DIR: spoolDir,
    OTEL_AGENT_AUDIT_INTEGRITY: 'true',
  };
}

async function startGateways(count: number, receiver: AuditReceiver): Promise<{ gateways: GatewayProcess[]; spoolDirs: string[] }> {
  const spoolDirs = Array.from({ length: count }, () => mkdtempSync(join(tmpdir(), 'gateway-fleet-spool-')));
  const gateways = await Promise.all(spoolDirs.map((dir) => startGatewayProcess(0, gatewayEnv(receiver, dir))));
  return { gateways, spoolDirs };
}

/** An event as two runs can agree on it: without the receiver's ids, the clock, and the chain's numbers (which depend on how events were spread over streams). */
function comparable(event: StoredAuditEvent): unknown {
  const { id: _id, agent_id: _agent, timestamp: _time, payload, ...rest } = event;
  const { duration_ms: _duration, [AUDIT_STREAM_ID]: _stream, [AUDIT_SEQUENCE_NUMBER]: _seq, [AUDIT_SEQUENCE_PREV_HASH]: _prev, ...kept } = payload;
  return { ...rest, payload: kept };
}

const eventIdOf = (event: StoredAuditEvent): string => String(event.payload['event_id']);
const isCheckpoint = (event: StoredAuditEvent): boolean => event.payload['name'] === CHECKPOINT_NAME;

/** Distinct events by event id (the receiver stores a redelivery once per agent), checkpoints left out, ordered by id. */
function distinctTrail(events: readonly StoredAuditEvent[]): Map<string, unknown> {
  const byId = new Map<string, unknown>();
  for (const event of events) if (!isCheckpoint(event)) byId.set(eventIdOf(event), comparable(event));
  return new Map([...byId].sort(([a], [b]) => a.localeCompare(b)));
}

/** Per session, its events' ids in chain order (stream, then sequence), and the streams they are in. */
function sessionsInChainOrder(events: readonly StoredAuditEvent[]): Map<string, { ids: string[]; streams: Set<string> }> {
  const sessions = new Map<string, { ids: string[]; streams: Set<string> }>();
  const ordered = events.filter((e) => !isCheckpoint(e)).sort((a, b) => Number(a.payload[AUDIT_SEQUENCE_NUMBER]) - Number(b.payload[AUDIT_SEQUENCE_NUMBER]));
  for (const event of ordered) {
    const key = String(event.payload['session_id']);
    const entry = sessions.get(key) ?? { ids: [], streams: new Set<string>() };
    entry.ids.push(eventIdOf(event));
    entry.streams.add(String(event.payload[AUDIT_STREAM_ID]));
    sessions.set(key, entry);
  }
  return sessions;
}

describe('three gateways behind trace-id routing', () => {
  it("yield one gateway's trail for the same program: the same events, each session's in the same order, every stream verifying", async ({ install }) => {
    const SESSIONS = 24;
    // Requests are cut by the flushes only (no timer), so each gateway sees its traces in the same requests as the single one.
    const program = async (flush: () => Promise<void>) => {
      for (let n = 0; n < SESSIONS; n++) {
        await session(n);
        if (n % 4 === 3) await flush();
      }
    };
    const single = await receiverWithTrail();
    const one = await startGateways(1, single.receiver);
    const oneRouting = traceIdRouting(one.gateways.map((g) => g.url), { scheduledDelayMillis: 600_000 });
    await runOnce(install, oneRouting.processors, RESOURCE, () => program(() => Promise.all(oneRouting.processors.map((p) => p.forceFlush())).then(() => undefined)));
    expect(await Promise.all(one.gateways.map((g) => g.stop()))).toEqual([0]);

    const fleet = await receiverWithTrail();
    const three = await startGateways(3, fleet.receiver);
    const routing = traceIdRouting(three.gateways.map((g) => g.url), { scheduledDelayMillis: 600_000 });
    await runOnce(install, routing.processors, RESOURCE, () => program(() => Promise.all(routing.processors.map((p) => p.forceFlush())).then(() => undefined)));
    expect(await Promise.all(three.gateways.map((g) => g.stop()))).toEqual([0, 0, 0]);

    // Every gateway took a share of the traces.
    expect(routing.ledgers.map((l) => l.acknowledged.size)).toEqual([expect.any(Number), expect.any(Number), expect.any(Number)]);
    expect(Math.min(...routing.ledgers.map((l) => l.acknowledged.size))).toBeGreaterThan(0);
    expect(routing.ledgers.flatMap((l) => [...l.failed])).toEqual([]);

    const expected = single.receiver.events();
    const actual = fleet.receiver.events();
    expect(distinctTrail(expected).size).toBe(SESSIONS * EVENTS_PER_SESSION);
    expect(distinctTrail(actual)).toEqual(distinctTrail(expected));
    // Nothing stored twice: no redelivery without a failure.
    expect(actual.filter((e) => !isCheckpoint(e)).length).toBe(SESSIONS * EVENTS_PER_SESSION);

    const expectedSessions = sessionsInChainOrder(expected);
    const actualSessions = sessionsInChainOrder(actual);
    expect([...actualSessions.keys()].sort()).toEqual([...expectedSessions.keys()].sort());
    for (const [id, { ids, streams }] of actualSessions) {
      expect(streams.size, `session ${id} is chained in one stream`).toBe(1);
      expect(ids, `session ${id}'s events in chain order`).toEqual(expectedSessions.get(id)!.ids);
    }

    const report = await verifyTrailSource(fleet.file);
    expect(report.ok).toBe(true);
    expect(report.streams.map((s) => s.tail)).toEqual(['closed', 'closed', 'closed']);
  });

  it('lose no acknowledged span when one is killed with SIGKILL and started again on its spool; the exporter retries deliver the rest', async ({ install }) => {
    const SESSIONS = 60;
    const KILLED = 1;
    // Sessions spread over time, each gateway's exporter sending every 20 ms, so requests are in flight at the kill.
    const program = async (during: (n: number) => Promise<void>) => {
      for (let n = 0; n < SESSIONS; n++) {
        await session(n);
        await during(n);
        await sleep(10);
      }
    };

    const single = await receiverWithTrail();
    const one = await startGateways(1, single.receiver);
    await runOnce(install, traceIdRouting(one.gateways.map((g) => g.url)).processors, RESOURCE, () => program(async () => undefined));
    await Promise.all(one.gateways.map((g) => g.stop()));
    const expected = distinctTrail(single.receiver.events());
    expect(expected.size).toBe(SESSIONS * EVENTS_PER_SESSION);

    const fleet = await receiverWithTrail();
    const { gateways, spoolDirs } = await startGateways(3, fleet.receiver);
    // The exporter's retries (1 s, 1.5 s, 2.3 s, 3.4 s, 5 s backoff) must outlast the restart.
    const routing = traceIdRouting(gateways.map((g) => g.url), { timeoutMillis: 20_000 });
    const killedLedger = routing.ledgers[KILLED]!;
    let acknowledgedBeforeKill = 0;
    await runOnce(install, routing.processors, RESOURCE, () =>
      program(async (n) => {
        if (n === 20) {
          // Killed only once it has answered for a few sessions' spans: those must survive.
          await expect.poll(() => killedLedger.acknowledged.size, { timeout: 15_000, interval: 5 }).toBeGreaterThanOrEqual(12);
          acknowledgedBeforeKill = killedLedger.acknowledged.size;
          await gateways[KILLED]!.kill9();
        }
        if (n === 35) gateways[KILLED] = await startGatewayProcess(gateways[KILLED]!.port, gatewayEnv(fleet.receiver, spoolDirs[KILLED]!));
      }),
    );
    expect(await Promise.all(gateways.map((g) => g.stop()))).toEqual([0, 0, 0]);

    expect(acknowledgedBeforeKill).toBeGreaterThan(0);
    // Every span was acknowledged in the end, through the exporter's retries.
    expect(routing.ledgers.flatMap((l) => [...l.failed])).toEqual([]);
    const stored = fleet.receiver.events().filter((e) => !isCheckpoint(e));
    expect(distinctTrail(stored)).toEqual(expected);
    // At least once: an event stored twice can only be one the killed gateway held when it died.
    const counts = new Map<string, StoredAuditEvent[]>();
    for (const event of stored) counts.set(eventIdOf(event), [...(counts.get(eventIdOf(event)) ?? []), event]);
    const twice = [...counts.values()].filter((copies) => copies.length > 1);
    for (const copies of twice) expect(endpointOfTrace(String(copies[0]!.trace_id ?? copies[0]!.payload['trace_id']), 3)).toBe(KILLED);

    // The killed gateway's first stream is vouched for by the process that recovered its spool.
    const report = await verifyTrailSource(fleet.file);
    expect(report.ok, formatTrailReport(report)).toBe(true);
    expect(report.streams.map((s) => s.tail).sort()).toEqual(['closed', 'closed', 'closed', 'recovered']);
  });
});
