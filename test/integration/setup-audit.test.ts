import { context, createContextKey, propagation, ProxyTracerProvider, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { describe, expect } from 'vitest';
import { auditSpanProcessor, secureagentics, setupAudit, withLLMCall, withSession, withToolCall } from '../../src/index.js';
import { it as base } from '../support/audit-test.js';
import { FAST_RETRY } from '../support/tracing.js';
import { childEnv } from '../support/child-env.js';

// What setupAudit and NodeSDK register globally is undone after each test by the harness.
/** `backend`: a Secureagentics backend on the test server. */
const it = base.extend('backend', ({ secureagenticsServer: server }) => () => secureagentics({ apiKey: server.apiKey, baseUrl: server.url }));

async function agentRun(): Promise<string> {
  return withSession({ agentName: 'weather-bot', sessionId: 'sess-1' }, async () => {
    // A span from another library, started inside the session.
    trace.getTracer('some-http-client').startActiveSpan('GET /forecast', (span) => span.end());
    await withLLMCall({ model: 'gpt-4o-mini', prompt: 'Weather in Oslo?' }, (call) => {
      call.setCompletion('Rain.');
      call.setUsage({ inputTokens: 4, outputTokens: 1 });
      return 'Rain.';
    });
    return withToolCall('get_forecast', { city: 'Oslo' }, () => 'rain');
  });
}

describe('setupAudit', () => {
  it('exports the same spans over OTLP beside the audit events, and stamps the session on foreign spans', async ({ secureagenticsServer: server, otlpSink: sink, backend }) => {
    const audit = setupAudit({ serviceName: 'weather', backends: [backend()], otlp: { url: `${sink.url}/v1/traces` }, ...FAST_RETRY });
    expect(audit.registered).toBe(true);
    expect(await agentRun()).toBe('rain');
    await audit.flush();

    expect(server.allEvents().map((e) => e.type)).toEqual(['custom', 'prompt', 'completion', 'tool_call', 'custom']);
    const otlpSpans = sink.spans();
    expect(otlpSpans.map((s) => s.name).sort()).toEqual(['GET /forecast', 'chat gpt-4o-mini', 'execute_tool get_forecast', 'invoke_agent weather-bot']);
    const foreign = otlpSpans.find((s) => s.name === 'GET /forecast')!;
    expect(foreign.attributes['gen_ai.conversation.id']).toBe('sess-1');
    expect(foreign.attributes['gen_ai.agent.name']).toBe('weather-bot');
    expect(new Set(otlpSpans.map((s) => s.traceId))).toEqual(new Set([server.allEvents()[0]!.trace_id]));
    expect(audit.stats().backends.secureagentics).toMatchObject({ delivered: 5, failed: 0, dropped: 0 });
    await audit.shutdown();
  });

  it('redacts the OTLP export too with otlp.redact: true, with the audit rules; without it, OTLP carries what the spans hold', async ({ otlpSink: sink, backend }) => {
    const key = 'sk-' + 'proj-' + 'Tr4nsit9Key2Abc7Def5Ghi1Jkl3';
    const audit = setupAudit({ serviceName: 'otlp-redact', backends: [backend()], otlp: { url: `${sink.url}/v1/traces`, redact: true }, redaction: { disable: ['email'] }, ...FAST_RETRY });
    await withSession({ agentName: 'bot' }, () => withToolCall('deploy', { token: key, owner: 'ops@example.com' }, () => 'ok'));
    await audit.shutdown();
    const sent = JSON.stringify(sink.spans());
    expect(sent).not.toContain(key);
    expect(sent).toContain('[REDACTED:');
    expect(sent).toContain('ops@example.com'); // the audit rules: email is off there
  });

  it('leaves an existing global provider in place and says so', async ({ backend, diagnostics }) => {
    const existing = new NodeTracerProvider();
    existing.register();
    const audit = setupAudit({ backends: [backend()], otlp: false });
    expect(audit.registered).toBe(false);
    expect(diagnostics.warnings.join('\n')).toContain('auditSpanProcessor()');
    // Advice that can be followed: SDK 2.x providers take processors only when built.
    expect(diagnostics.warnings.join('\n')).toContain("pass auditSpanProcessor() in that provider's spanProcessors where it is created");
    expect(diagnostics.warnings.join('\n')).not.toMatch(/Add auditSpanProcessor\(\) to that provider/);
    await audit.shutdown();
    await existing.shutdown();
  });

  it('takes its provider, context manager and propagator out of the global API at shutdown, so a second setupAudit registers and audits', async ({ secureagenticsServer: server, backend, diagnostics }) => {
    const first = setupAudit({ backends: [backend()], otlp: false, ...FAST_RETRY });
    expect(first.registered).toBe(true);
    expect(propagation.fields()).toEqual(['traceparent', 'tracestate', 'baggage']);
    await first.shutdown();
    expect(propagation.fields()).toEqual([]);
    // No context manager left: a context made active is not seen inside.
    const key = createContextKey('probe');
    expect(context.with(ROOT_CONTEXT.setValue(key, 1), () => context.active().getValue(key))).toBeUndefined();

    const second = setupAudit({ backends: [backend()], otlp: false, ...FAST_RETRY });
    expect(second.registered).toBe(true);
    await agentRun();
    await second.shutdown();
    expect(server.allEvents().filter((e) => e.type === 'tool_call')).toHaveLength(1);
    expect(diagnostics.errors).toEqual([]);
  });

  it('keeps a context manager and propagator the app set, without a duplicate-registration error, and leaves them at shutdown', async ({ backend, diagnostics }) => {
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    const propagator = new W3CTraceContextPropagator();
    propagation.setGlobalPropagator(propagator);

    const audit = setupAudit({ backends: [backend()], otlp: false, ...FAST_RETRY });
    expect(audit.registered).toBe(true);
    // Its W3C propagator only: ours (which adds baggage) was not offered.
    expect(propagation.fields()).toEqual(['traceparent', 'tracestate']);
    // The session's context follows an await through the app's manager.
    const seen = await withSession({ agentName: 'kept' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return trace.getActiveSpan()?.spanContext().spanId;
    });
    expect(seen).toMatch(/^[0-9a-f]{16}$/);
    await audit.shutdown();

    expect(propagation.fields()).toEqual(['traceparent', 'tracestate']);
    const key = createContextKey('probe');
    expect(context.with(ROOT_CONTEXT.setValue(key, 1), () => context.active().getValue(key))).toBe(1);
    expect(diagnostics.errors).toEqual([]);
  });

  it('leaves at shutdown a provider the app registered after taking ours out', async ({ backend }) => {
    const audit = setupAudit({ backends: [backend()], otlp: false, ...FAST_RETRY });
    trace.disable();
    const theirs = new NodeTracerProvider();
    expect(trace.setGlobalTracerProvider(theirs)).toBe(true);
    await audit.shutdown();
    expect((trace.getTracerProvider() as ProxyTracerProvider).getDelegate()).toBe(theirs);
    await theirs.shutdown();
  });

  it('reports a missing API key once at setup instead of throwing', async ({ secureagenticsServer: server, diagnostics, deliveryWarnings }) => {
    const audit = setupAudit({ backends: [secureagentics({ baseUrl: server.url, apiKey: '' })], otlp: false, ...FAST_RETRY });
    await withToolCall('t', {}, () => 1);
    await audit.flush();
    expect((await deliveryWarnings.said()).filter((m) => m.includes('SECUREAGENTICS_API_KEY'))).toHaveLength(1);
    // The tool call, and the audit.loss event that records its loss (which is not reported again).
    expect(audit.stats().backends.secureagentics).toMatchObject({ failed: 2, delivered: 0 });
    expect(server.requests).toHaveLength(0);
    await audit.shutdown();
  });

  it('rejects an invalid option with an error naming it', ({ backend }) => {
    expect(() => setupAudit({ maxQueueSize: -1, backends: [backend()] })).toThrow(/option 'maxQueueSize' must be a positive integer; got -1/);
  });
});

describe('auditSpanProcessor in an existing NodeSDK', () => {
  it('audits beside the app’s own OTLP exporter', async ({ secureagenticsServer: server, otlpSink: sink, backend }) => {
    const processor = auditSpanProcessor({ backends: [backend()], ...FAST_RETRY });
    const sdk = new NodeSDK({
      serviceName: 'existing-app',
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${sink.url}/v1/traces` })), processor],
    });
    sdk.start();
    await agentRun();
    await processor.forceFlush();
    await sdk.shutdown();
    expect(server.allEvents().map((e) => e.type)).toEqual(['custom', 'prompt', 'completion', 'tool_call', 'custom']);
    expect(sink.spans()).toHaveLength(4);
  });
});

describe('setupAudit diagnostics', () => {
  it('installs a console diag logger when the app has none, so losses are never silent', async ({ secureagenticsServer: server }) => {
    // In a child process: what a user's terminal shows, with no logger of ours in the way.
    const script = `
      import { setupAudit, secureagentics } from 'otel-agent-audit';
      const audit = setupAudit({ backends: [secureagentics({ baseUrl: '${server.url}', apiKey: '' })], otlp: false });
      await audit.shutdown();`;
    const { stderr } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: new URL('../../', import.meta.url), env: childEnv() });
    expect(stderr).toContain('secureagentics: no API key. Set SECUREAGENTICS_API_KEY');
  });

  it('an OTEL_LOG_LEVEL that is not a level name (a number) falls back to WARN, so losses are still said', async ({ secureagenticsServer: server }) => {
    const script = `
      import { setupAudit, secureagentics } from 'otel-agent-audit';
      const audit = setupAudit({ backends: [secureagentics({ baseUrl: '${server.url}', apiKey: '' })], otlp: false });
      await audit.shutdown();`;
    const { stderr } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: new URL('../../', import.meta.url),
      env: { ...childEnv(), OTEL_LOG_LEVEL: '30' },
    });
    expect(stderr).toContain('secureagentics: no API key');
  });

  it('keeps the app’s own diag logger', async ({ secureagenticsServer: server, diagnostics }) => {
    const audit = setupAudit({ backends: [secureagentics({ baseUrl: server.url, apiKey: '' })], otlp: false });
    await withToolCall('t', {}, () => 1);
    await audit.shutdown();
    // The loss report goes through diag, to the app's logger.
    expect(diagnostics.warnings.join('\n')).toContain('secureagentics: 1 audit event not delivered — 1 failed: secureagentics: no API key');
  });
});
