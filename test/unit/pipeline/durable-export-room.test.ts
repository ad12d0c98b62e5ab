/**
 * `AuditSpanExporter.exportDurably` with a spool that has no room: a request
 * whose events would make the spool push out events a backend has not
 * settled is refused whole, before anything happens to it — nothing
 * spooled, queued, counted, redaction-counted or chained — so the client's
 * retry of the same spans makes the same events, numbered on from where the
 * stream was, with no gap. Real spool files, real SDK spans, a backend that
 * takes nothing until the test lets it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, onTestFinished } from 'vitest';
import { AuditSpanExporter, auditLogRecordProcessor, toAuditEvents, withToolCall, type AuditEvent, type AuditExporterOptions } from '../../../src/index.js';
import type { AuditBackend } from '../../../src/model/audit-backend.js';
import type { DeliveryOutcome } from '../../../src/model/delivery-outcome.js';
import { it } from '../../support/audit-test.js';
import { freshSpoolDir, type TestTracing } from '../../support/tracing.js';

/** 8 segments of 64 KiB; checked appends fill up to 90% (471,859 bytes). */
const SPOOL_MAX_BYTES = 512 * 1024;

/** A key of the test's own, so no key file is made (and announced) per exporter. */
const SIGNING_KEY = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** A backend that delivers nothing until `release()`, then everything: while held, the spool keeps what it was given. */
function heldBackend(): AuditBackend & { release(): void; readonly received: AuditEvent[] } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const received: AuditEvent[] = [];
  return {
    name: 'held',
    maxBatchSize: 100,
    release,
    received,
    async send(events): Promise<DeliveryOutcome> {
      await released;
      received.push(...events);
      return { kind: 'delivered' };
    },
    async shutdown() {},
  };
}

function exporterWith(backend: AuditBackend, options: AuditExporterOptions = {}): AuditSpanExporter {
  const exporter = new AuditSpanExporter({ backends: [backend], spoolDir: freshSpoolDir(), spoolMaxBytes: SPOOL_MAX_BYTES, initialBackoffMillis: 5, maxBackoffMillis: 20, shutdownTimeoutMillis: 2_000, integrity: { signingKey: SIGNING_KEY }, ...options });
  onTestFinished(() => exporter.shutdown());
  return exporter;
}

/** `count` tool-call spans of about 5.5 KB of event each, with an e-mail address for redaction to count. */
function toolSpans(tracing: TestTracing, from: number, count: number): ReadableSpan[] {
  tracing.memory.reset();
  for (let i = from; i < from + count; i++) withToolCall(`tool_${i}`, { note: `mail jane${i}@example.com`, pad: 'x'.repeat(5_000) }, () => 'ok');
  return tracing.memory.getFinishedSpans();
}

const sequenceOf = (event: AuditEvent): unknown => event.payload['audit.sequence.number'];

describe('AuditSpanExporter.exportDurably, with no room in the spool', () => {
  it('refuses a request whole (full) while the backend is behind, and takes its retry with the same ids, numbered on without a gap', async ({ tracing }) => {
    const backend = heldBackend();
    const exporter = exporterWith(backend);
    const first = toolSpans(tracing, 0, 50); // ~280 KB
    const second = toolSpans(tracing, 50, 50); // as much again: past the 90% line
    expect(await exporter.exportDurably(first)).toEqual({ outcome: 'spooled', events: 50 });
    const before = exporter.stats();

    const refused = await exporter.exportDurably(second);

    expect(refused).toMatchObject({ outcome: 'full', events: 0, shortage: { reason: 'full', events: 50, spoolBytes: before.spool!.bytes, limitBytes: Math.floor(0.9 * SPOOL_MAX_BYTES) } });
    // Nothing of it anywhere: not converted, redacted, chained, spooled or queued.
    expect(exporter.stats()).toEqual(before);

    backend.release();
    await expect.poll(() => exporter.stats().backends['held']!.delivered, { timeout: 5_000 }).toBe(50);
    const retried = await exporter.exportDurably(second);
    await exporter.shutdown();

    expect(retried).toEqual({ outcome: 'spooled', events: 50 });
    const ids = backend.received.filter((e) => e.type === 'tool_call').map((e) => e.id);
    expect(ids).toEqual(toAuditEvents([...first, ...second]).map((e) => e.id));
    // The stream: 1 … n, each once, whatever the checkpoints among them.
    expect(backend.received.map(sequenceOf)).toEqual(backend.received.map((_, i) => i + 1));
    expect(exporter.stats().backends['held']).toMatchObject({ failed: 0, dropped: 0 });
    expect(exporter.stats().redactions).toEqual({ email: 100 });
  });

  it('keeps the log-record content of refused spans, so their retry makes the same events', async ({ tracing }) => {
    const backend = heldBackend();
    const exporter = exporterWith(backend, { integrity: false });
    const logs = new LoggerProvider({ processors: [auditLogRecordProcessor(exporter)] });
    onTestFinished(() => logs.shutdown());
    await exporter.exportDurably(toolSpans(tracing, 0, 50));
    const filler = toolSpans(tracing, 50, 50);
    // A model call whose prompt is only in a log record, as @opentelemetry/instrumentation-openai writes it.
    const call = trace.getTracer('@opentelemetry/instrumentation-openai').startSpan('chat gpt-4o-mini', { kind: SpanKind.CLIENT, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.system': 'openai' } });
    logs.getLogger('@opentelemetry/instrumentation-openai').emit({ context: trace.setSpan(context.active(), call), attributes: { 'event.name': 'gen_ai.user.message', 'gen_ai.system': 'openai' }, body: { content: 'Where is order 42?' } as never });
    call.end();
    const request = [...filler, ...tracing.memory.getFinishedSpans().filter((s) => s.name.startsWith('chat'))];

    expect((await exporter.exportDurably(request)).outcome).toBe('full');
    backend.release();
    await expect.poll(() => exporter.stats().backends['held']!.delivered, { timeout: 5_000 }).toBe(50);
    expect((await exporter.exportDurably(request)).outcome).toBe('spooled');
    await exporter.shutdown();

    const prompt = backend.received.find((e) => e.type === 'prompt');
    expect(JSON.stringify(prompt?.payload)).toContain('Where is order 42?');
  });

  it('refuses events that alone are more than the spool takes at once (too-large), even when it is empty', async ({ tracing }) => {
    const exporter = exporterWith(heldBackend());
    const before = exporter.stats();

    const result = await exporter.exportDurably(toolSpans(tracing, 0, 90)); // ~500 KB

    expect(result).toMatchObject({ outcome: 'too-large', events: 0, shortage: { reason: 'too-large', events: 90, spoolBytes: 0 } });
    expect(exporter.stats()).toEqual(before);
  });
});
