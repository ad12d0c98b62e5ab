/**
 * Stamp-only mode (issue 15): the app keeps `auditSpanProcessor` but gives it
 * no backend, so it only stamps spans while they run (session, agent), and
 * its own OTLP exporter, wrapped in `redactingSpanExporter`, carries them to
 * the gateway. What only the running app can know then reaches the gateway:
 * a span another library starts as the root of a trace of its own inside a
 * `withSession` (LangChain's callbacks do this to LLM-level instrumentations)
 * belongs to the session, which the gateway cannot tell from finished spans
 * alone. And secrets are redacted before the spans leave the app.
 */
import { SpanKind, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect } from 'vitest';
import { startAuditGateway } from '../../src/gateway/audit-gateway.js';
import { auditSpanProcessor, redactingSpanExporter, withSession, withToolCall } from '../../src/index.js';
import type { AuditEvent } from '../../src/model/audit-event.js';
import { it, type TracingInstaller } from '../support/audit-test.js';
import { recordingBackend } from '../support/recording-backend.js';
import { FAST_RETRY, freshSpoolDir } from '../support/tracing.js';
import { comparableTrail, runOnce } from '../support/trail-comparison.js';

const RESOURCE = resourceFromAttributes({ 'service.name': 'support-bot' });
const PLANTED_KEY = 'sk-proj-stamponly0123456789abcdefghijklmnop';

/** A session with a tool call, and a model call that another library starts as the root of its own trace. */
async function agentRun(): Promise<void> {
  const tracer = trace.getTracer('@arizeai/openinference-instrumentation-openai', '2.0.0');
  await withSession({ sessionId: 'sess-stamp', agentName: 'support-bot' }, async () => {
    await withToolCall('lookup_order', { orderId: 42 }, () => ({ status: 'shipped' }));
    const call = tracer.startSpan('ChatCompletion', {
      root: true,
      kind: SpanKind.CLIENT,
      attributes: {
        'openinference.span.kind': 'LLM',
        'llm.model_name': 'gpt-4o-mini',
        'llm.input_messages.0.message.role': 'user',
        'llm.input_messages.0.message.content': `My key is ${PLANTED_KEY}, summarise order 42.`,
        'llm.output_messages.0.message.role': 'assistant',
        'llm.output_messages.0.message.content': 'Shipped on Monday.',
      },
    });
    call.end();
  });
}

/** The agent's run on a provider with `processors`. */
const run = (install: TracingInstaller, processors: SpanProcessor[]): Promise<void> => runOnce(install, processors, RESOURCE, agentRun);

/** The gateway's trail when the app runs `processors` in front of `exporterFor(gateway url)`; the gateway's own redaction is off, so only the app's can hide a secret. */
async function gatewayTrail(install: TracingInstaller, stampOnly: boolean): Promise<AuditEvent[]> {
  const backend = recordingBackend();
  const gateway = await startAuditGateway({ host: '127.0.0.1', port: 0, backends: [backend], ...FAST_RETRY, spoolDir: freshSpoolDir(), redaction: false });
  try {
    const exporter = redactingSpanExporter(new OTLPTraceExporter({ url: `${gateway.url}/v1/traces` }));
    const processors: SpanProcessor[] = [new BatchSpanProcessor(exporter)];
    if (stampOnly) processors.unshift(auditSpanProcessor({ backends: [] }));
    await run(install, processors);
  } finally {
    await gateway.close();
  }
  return backend.events();
}

function withoutRedactionCounts(event: AuditEvent): AuditEvent {
  const { 'audit.redactions': _counts, ...payload } = event.payload;
  return { ...event, payload };
}

const sessionOf = (events: readonly AuditEvent[], type: string): Array<string | undefined> => events.filter((e) => e.type === type).map((e) => e.sessionId);

describe('stamp-only mode in front of the gateway', () => {
  it("yields the in-process trail: the session reaches a span in a trace of its own, and the app's redaction covers what it exports", async ({ install }) => {
    const inProcess = recordingBackend();
    await run(install, [auditSpanProcessor({ backends: [inProcess], ...FAST_RETRY })]);
    const expected = inProcess.events();

    const stamped = await gatewayTrail(install, true);
    const unstamped = await gatewayTrail(install, false);

    // The app redacted the spans, so the gateway (its own redaction off) found nothing to count.
    expect(comparableTrail(stamped)).toEqual(comparableTrail(expected).map(withoutRedactionCounts));
    expect(expected.find((e) => e.type === 'prompt')?.payload['audit.redactions']).toEqual({ openai_key: 2 });
    expect(sessionOf(stamped, 'prompt')).toEqual(['sess-stamp']);
    // Without the processor in the app, the gateway cannot know that span's session.
    expect(sessionOf(unstamped, 'prompt')).toEqual([undefined]);
    const text = JSON.stringify(stamped);
    expect(text).not.toContain(PLANTED_KEY);
    expect(text).toContain('[REDACTED:openai_key]');
  });

  it('converts nothing in the app: with no backend, the processor only stamps', async ({ install }) => {
    const processor = auditSpanProcessor({ backends: [] });
    await run(install, [processor]);

    expect(processor.stats()).toMatchObject({ eventsConverted: 0, spansQueued: 0, spansDropped: 0 });
  });
});
