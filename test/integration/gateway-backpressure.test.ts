/**
 * Back-pressure end to end (the gateway issue's acceptance): "with backends
 * down and the spool full, the gateway answers 429/503 and the OTLP
 * exporter's retries deliver everything once the backends return".
 *
 * An app with no audit processor exports with the real OTLP/HTTP protobuf
 * exporter behind a BatchSpanProcessor to a gateway on 127.0.0.1 whose spool
 * is small and whose one backend, the strict Secureagentics server, refuses
 * connections at first (a closed port, opened once the gateway has refused
 * a request). Every request is a sixth of the spool, so a request let in
 * below the 90% line would take it past spoolMaxBytes if the gateway did not
 * judge each request by its size too: the spool would push out events it
 * had acknowledged, and this test would see them counted and missing.
 *
 * Sizing against the exporter's retry policy (otlp-exporter-base 0.2xx,
 * retrying-transport.ts): at most 5 retries per export, each after the
 * `Retry-After` the gateway sends (1 s here) as long as it falls before the
 * export's deadline (timeoutMillis, 15 s here). Twice the spool's worth of
 * spans needs about three rounds of requests once the backend is back, so
 * every export succeeds well within its retries, in a few seconds.
 */
import { generateKeyPairSync } from 'node:crypto';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { request } from 'undici';
import { describe, expect } from 'vitest';
import { startAuditGateway, type AuditGateway } from '../../src/gateway/audit-gateway.js';
import { secureagentics, toAuditEvents, withToolCall } from '../../src/index.js';
import { closedPort, forwardPort } from '../servers/loopback-ports.js';
import { startSecureagenticsServer, type StoredEvent } from '../servers/secureagentics-server.js';
import { it } from '../support/audit-test.js';
import { FAST_RETRY, freshSpoolDir } from '../support/tracing.js';

/** 4 segments of 64 KiB; the gateway takes requests up to 90% of it (235,929 bytes). */
const SPOOL_MAX_BYTES = 256 * 1024;
/** About 2 KB of event each: 480 KB in all, twice what the spool takes. */
const SPANS = 240;
/** Spans per export: about 40 KB of events, 15% of spoolMaxBytes. */
const BATCH = 20;
const SIGNING_KEY = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** A SpanExporter that hands every export to `exporter` and notes what its callback said (not a mock: the real exporter does the work). */
function noting(exporter: SpanExporter): SpanExporter & { readonly results: Array<{ spans: number; result: ExportResult }> } {
  const results: Array<{ spans: number; result: ExportResult }> = [];
  return {
    results,
    export: (spans: ReadableSpan[], done: (result: ExportResult) => void) =>
      exporter.export(spans, (result) => {
        results.push({ spans: spans.length, result });
        done(result);
      }),
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}

/** How many trace requests the gateway refused with 429 or 503, from its /metrics. */
async function refusals(gateway: AuditGateway): Promise<number> {
  const text = await (await request(`${gateway.url}/metrics`)).body.text();
  let count = 0;
  for (const match of text.matchAll(/^otel_agent_audit_gateway_requests_total\{route="\/v1\/traces",status="(429|503)"\} (\d+)$/gm)) count += Number(match[2]);
  return count;
}

/** Each event once, by id (delivery is at least once: a request cut short is sent again). */
function deduplicated(events: readonly StoredEvent[]): StoredEvent[] {
  return [...new Map(events.map((e) => [e.payload['event_id'] as string, e])).values()];
}

describe('gateway back-pressure', () => {
  it('refuses spans with 503 while its backend is down and the spool is full; the OTLP exporter retries, and every event arrives once it is back', async ({ install, onTestFinished }) => {
    const port = await closedPort();
    const server = await startSecureagenticsServer();
    onTestFinished(() => server.close());
    const gateway = await startAuditGateway({
      host: '127.0.0.1',
      port: 0,
      backends: [secureagentics({ apiKey: server.apiKey, baseUrl: `http://127.0.0.1:${port}` })],
      ...FAST_RETRY,
      spoolDir: freshSpoolDir(),
      spoolMaxBytes: SPOOL_MAX_BYTES,
      spoolFlushMillis: 10,
      retryAfterSeconds: 1,
      integrity: { signingKey: SIGNING_KEY },
      shutdownTimeoutMillis: 5_000,
    });
    onTestFinished(() => gateway.close());
    const exporter = noting(new OTLPTraceExporter({ url: `${gateway.url}/v1/traces`, timeoutMillis: 15_000 }));
    const { provider, memory } = install.tracing([new BatchSpanProcessor(exporter, { maxExportBatchSize: BATCH, maxQueueSize: 2 * SPANS, scheduledDelayMillis: 10 })]);

    for (let i = 0; i < SPANS; i++) withToolCall(`lookup_${i}`, { order: i, note: 'n'.repeat(1_500) }, () => ({ status: 'shipped' }));
    // The backend comes back once the gateway has said no at least once.
    const backUp = (async () => {
      await expect.poll(() => refusals(gateway), { timeout: 10_000, interval: 20 }).toBeGreaterThan(0);
      return forwardPort(port, server.url);
    })();
    await provider.forceFlush();
    const forward = await backUp;
    onTestFinished(() => forward.close());
    const refused = await refusals(gateway);
    await gateway.close(); // delivers what is left, and closes the stream

    expect(refused).toBeGreaterThan(0);
    // Every export the app made was acknowledged in the end, none failed.
    expect(exporter.results.filter(({ result }) => result.code !== ExportResultCode.SUCCESS)).toEqual([]);
    expect(exporter.results.reduce((sum, { spans }) => sum + spans, 0)).toBe(SPANS);
    // Exactly the events of those spans, each once, and nothing counted lost.
    const delivered = deduplicated(server.allEvents());
    const agentEvents = delivered.filter((e) => e.payload['name'] !== 'audit.checkpoint');
    expect(agentEvents.map((e) => e.payload['event_id']).sort()).toEqual(toAuditEvents(memory.getFinishedSpans()).map((e) => e.id).sort());
    expect(gateway.stats().backends['secureagentics']).toMatchObject({ failed: 0, dropped: 0, trailRecordsLost: 0 });
    expect(gateway.stats().spool).toMatchObject({ writeFailures: 0 });
    // The chain has no gap: refused requests took no sequence numbers.
    const sequences = delivered.map((e) => e.payload['audit.sequence.number'] as number).sort((a, b) => a - b);
    expect(sequences).toEqual(sequences.map((_, i) => i + 1));
  });
});
