import { context, SpanKind, trace } from '@opentelemetry/api';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, onTestFinished } from 'vitest';
import { auditLogRecordProcessor, secureagentics, withSession } from '../../src/index.js';
import { auditSpanProcessor } from '../../src/pipeline/audit-span-processor.js';
import { startSecureagenticsServer, type SecureagenticsTestServer } from '../servers/secureagentics-server.js';
import { it } from '../support/audit-test.js';
import { FAST_RETRY } from '../support/tracing.js';
import { childEnv } from '../support/child-env.js';

const openInferenceCall = () =>
  trace.getTracer('openinference').startSpan('OpenAI Chat Completions', {
    attributes: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o-mini', 'input.value': 'hi' },
  });

describe('model calls whose span never ends (edge cases)', () => {
  it('a long call inside a session that is still running is not given up', async ({ secureagenticsServer: server, install }) => {
    const { processor } = install.audit(server, { agentName: 'bot' }, { unfinishedCallTimeoutMillis: 150 });
    await withSession({ agentName: 'bot' }, async () => {
      const call = openInferenceCall();
      await new Promise((resolve) => setTimeout(resolve, 1_200)); // the session runs on; the call streams
      call.setAttribute('output.value', 'done');
      call.end();
    });
    await processor.forceFlush();
    expect(server.allEvents().map((e) => e.type).filter((t) => t !== 'custom').sort()).toEqual(['completion', 'prompt']);
  });

  it('given up, then ending after all: no event id is sent twice (its exceptions went out already)', async ({ secureagenticsServer: server, install }) => {
    const { processor } = install.audit(server, { agentName: 'bot' }, { unfinishedCallTimeoutMillis: 150 });
    let late: ReturnType<typeof openInferenceCall> | undefined;
    await withSession({ agentName: 'bot' }, async () => {
      late = openInferenceCall();
      late.recordException(new Error('stream interrupted; retrying'));
    });
    await expect.poll(() => server.allEvents().some((e) => e.type === 'error'), { timeout: 3_000 }).toBe(true);
    late!.setAttribute('output.value', 'done');
    late!.end();
    await processor.forceFlush();
    const ids = server.allEvents().map((e) => e.payload['event_id'] as string);
    expect(ids.length).toBe(new Set(ids).size);
    expect(server.allEvents().some((e) => e.type === 'completion')).toBe(true);
  });

  it('a script that ends without shutdown() still reports the failed call (the event loop ran empty)', async ({ secureagenticsServer: server }) => {
    const script = `
      import { trace } from '@opentelemetry/api';
      import { secureagentics, setupAudit, withSession } from 'otel-agent-audit';
      setupAudit({ otlp: false, backends: [secureagentics({ apiKey: '${server.apiKey}', baseUrl: '${server.url}', agentName: 'bot' })] });
      await withSession({ agentName: 'bot' }, async () => {
        const span = trace.getTracer('openinference').startSpan('OpenAI Chat Completions', { attributes: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o-mini' } });
        span.recordException(new Error('429 rate limited')); // and never ended, as OpenInference does
      });`;
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: new URL('../../', import.meta.url), env: childEnv() });
    expect(server.allEvents().map((e) => e.type).sort()).toEqual(['custom', 'custom', 'error', 'prompt']);
  });
});

describe('model calls whose span never ends (late starts, exit)', () => {
  it('a call started after its session ended (background work) is still timed out', async ({ secureagenticsServer: server, install }) => {
    install.audit(server, { agentName: 'bot' }, { unfinishedCallTimeoutMillis: 150 });
    await withSession({ agentName: 'bot' }, async () => {
      setTimeout(() => openInferenceCall().recordException(new Error('429')), 50); // runs after the session's span ended
    });
    await expect.poll(() => server.allEvents().map((e) => e.type).filter((t) => t !== 'custom').sort(), { timeout: 5_000 }).toEqual(['error', 'prompt']);
  });

  it("a call the app starts in its own beforeExit handler (registered first) is not reported as failed", async ({ secureagenticsServer: server }) => {
    const script = `
      import { secureagentics, setupAudit, withLLMCall } from 'otel-agent-audit';
      let once = false;
      process.on('beforeExit', () => {
        if (once) return;
        once = true;
        void withLLMCall({ model: 'gpt-4o-mini', provider: 'openai', prompt: 'summarise' },
          async () => { await new Promise((r) => setTimeout(r, 50)); return { choices: [{ message: { role: 'assistant', content: 'ok' } }] }; });
      });
      setupAudit({ otlp: false, backends: [secureagentics({ apiKey: '${server.apiKey}', baseUrl: '${server.url}', agentName: 'bot' })] });`;
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: new URL('../../', import.meta.url), env: childEnv() });
    expect(server.allEvents().map((e) => e.type).sort()).toEqual(['completion', 'prompt']);
  });
});

describe('model calls whose span never ends, at exit with more work', () => {
  it("reporting an unfinished call at exit does not shut the pipeline down under the app's later work", async ({ secureagenticsServer: server }) => {
    const script = `
      import { secureagentics, setupAudit, withLLMCall, withToolCall } from 'otel-agent-audit';
      setupAudit({ otlp: false, backends: [secureagentics({ apiKey: '${server.apiKey}', baseUrl: '${server.url}', agentName: 'bot' })] });
      let exits = 0;
      process.on('beforeExit', () => {
        if (++exits === 2) void withToolCall('late_tool', {}, async () => { await new Promise((r) => setTimeout(r, 20)); return 1; });
      });
      await withToolCall('early_tool', {}, () => 1);
      void withLLMCall({ model: 'm', provider: 'openai', prompt: 'p' }, () => new Promise(() => {})); // never settles`;
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: new URL('../../', import.meta.url), env: childEnv() });
    const names = server.allEvents().map((e) => (e.type === 'tool_call' ? `tool_call:${String(e.payload['tool_name'])}` : e.type)).sort();
    expect(names).toEqual(['error', 'prompt', 'tool_call:early_tool', 'tool_call:late_tool']);
  });
});

describe('log-record content with two audit exporters', () => {
  it('both get the content of a call (a SaaS and an own store)', async ({ secureagenticsServer: server, install }) => {
    const own = await startSecureagenticsServer();
    const saasProcessor = auditSpanProcessor({ backends: [secureagentics({ apiKey: server.apiKey, baseUrl: server.url, agentName: 'bot' })], ...FAST_RETRY });
    const ownProcessor = auditSpanProcessor({ backends: [secureagentics({ apiKey: own.apiKey, baseUrl: own.url, agentName: 'bot' })], ...FAST_RETRY });
    install.tracing([saasProcessor, ownProcessor]);
    const logs = new LoggerProvider({ processors: [auditLogRecordProcessor(saasProcessor, ownProcessor)] });
    onTestFinished(() => own.close());
    onTestFinished(() => logs.shutdown());
    const span = trace.getTracer('@opentelemetry/instrumentation-openai').startSpan('chat gpt-4o-mini', {
      kind: SpanKind.CLIENT,
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.system': 'openai' },
    });
    logs.getLogger('openai').emit({ context: trace.setSpan(context.active(), span), attributes: { 'event.name': 'gen_ai.user.message' }, body: { content: 'Weather in Oslo?' } });
    span.end();
    await Promise.all([saasProcessor.forceFlush(), ownProcessor.forceFlush()]);
    const promptOf = (s: SecureagenticsTestServer) => s.allEvents().find((e) => e.type === 'prompt')?.payload['prompt'];
    expect(promptOf(server)).toContain('Oslo');
    expect(promptOf(own)).toContain('Oslo');
  });

  it('an exporter that never converts (on no provider) causes no false loss report; what it holds stays within the store bound', async ({ secureagenticsServer: server, install, diagnostics }) => {
    const used = auditSpanProcessor({ backends: [secureagentics({ apiKey: server.apiKey, baseUrl: server.url, agentName: 'bot' })], ...FAST_RETRY });
    const idle = auditSpanProcessor({ backends: [secureagentics({ apiKey: server.apiKey, baseUrl: server.url, agentName: 'bot' })], ...FAST_RETRY });
    install.tracing([used]);
    const logs = new LoggerProvider({ processors: [auditLogRecordProcessor(used, idle)] });
    onTestFinished(() => idle.shutdown());
    onTestFinished(() => logs.shutdown());
    for (let i = 0; i < 50; i++) {
      const span = trace.getTracer('@opentelemetry/instrumentation-openai').startSpan('chat gpt-4o-mini', {
        kind: SpanKind.CLIENT,
        attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.system': 'openai' },
      });
      logs.getLogger('openai').emit({ context: trace.setSpan(context.active(), span), attributes: { 'event.name': 'gen_ai.user.message' }, body: { content: `q${i}` } });
      span.end();
    }
    await used.forceFlush();
    expect(server.allEvents().filter((e) => String(e.payload['prompt'] ?? '').includes('q49'))).toHaveLength(1);
    expect(idle.logContentIntake().store.size).toBeLessThanOrEqual(50); // waiting for the idle exporter, bounded by the store's limits
    expect(diagnostics.warnings.filter((w) => w.includes('discarded'))).toEqual([]);
  });
});
