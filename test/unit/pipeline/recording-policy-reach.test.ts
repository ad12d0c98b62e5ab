import { context, SpanKind, trace } from '@opentelemetry/api';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect } from 'vitest';
import {
  AuditSpanExporter,
  auditLogRecordProcessor,
  auditSpanProcessor,
  isAuditBlockedError,
  jsonlFile,
  setupAudit,
  toAuditEvents,
  withToolCall,
  type AuditBackend,
} from '../../../src/index.js';
import { it } from '../../support/audit-test.js';
import { recordingBackend } from '../../support/recording-backend.js';

/** A deciding backend that answers every tool call with `verdict`, counting the questions. */
function decidingBackend(name: string, verdict: 'block' | 'unavailable'): AuditBackend & { asked: number } {
  const backend = {
    name,
    maxBatchSize: 100,
    asked: 0,
    send: async () => ({ kind: 'delivered' as const }),
    decide: async () => {
      backend.asked++;
      return { kind: verdict, reason: verdict === 'block' ? 'not allowed' : 'down' };
    },
    shutdown: async () => undefined,
  };
  return backend;
}

const discard = () => jsonlFile({ path: '/dev/null' });

describe('the recording policy reaches spans no audit processor saw start', () => {
  it('setupAudit beside an existing provider: its closed gate still refuses tools, and no content goes on the app’s spans', async ({ install }) => {
    const existing = install.tracing(); // the app's own provider, registered first
    const backend = decidingBackend('blocker', 'block');
    const audit = setupAudit({ backends: [discard()], otlp: false, captureContent: false, toolDecision: { backend, failMode: 'closed' } });
    let ran = false;
    const outcome = await Promise.resolve(withToolCall('wire_money', { to: 'x', amount: 1e6 }, () => (ran = true))).catch((e: unknown) => e);
    await audit.shutdown();
    expect(isAuditBlockedError(outcome)).toBe(true);
    expect({ ran, asked: backend.asked }).toEqual({ ran: false, asked: 1 });
    expect(existing.memory.getFinishedSpans()[0]?.attributes['gen_ai.tool.call.arguments']).toBeUndefined();
  });

  it('a bare AuditSpanExporter with captureContent false keeps content off the spans the other exporters see', async ({ install }) => {
    const exporter = new AuditSpanExporter({ backends: [discard()], captureContent: false });
    const tracing = install.tracing([new SimpleSpanProcessor(exporter)]);
    await withToolCall('lookup', { ssn: '123-45-6789' }, () => ({ secret: 'x' }));
    await exporter.shutdown();
    const attributes = tracing.memory.getFinishedSpans()[0]!.attributes;
    expect([attributes['gen_ai.tool.call.arguments'], attributes['gen_ai.tool.call.result']]).toEqual([undefined, undefined]);
  });

  it('after every pipeline shut down, spans follow the environment again', async ({ install }) => {
    const exporter = new AuditSpanExporter({ backends: [discard()], captureContent: false });
    await exporter.shutdown();
    const tracing = install.tracing();
    await withToolCall('lookup', { id: 1 }, () => 'row');
    expect(tracing.memory.getFinishedSpans()[0]!.attributes['gen_ai.tool.call.arguments']).toBe('{"id":1}');
  });

  it('of two gated processors on one provider, the gate that refuses tools without a verdict decides', async ({ install }) => {
    const open = decidingBackend('open', 'unavailable');
    const closed = decidingBackend('closed', 'unavailable');
    const first = auditSpanProcessor({ backends: [discard()], toolDecision: { backend: open, failMode: 'open' } });
    const second = auditSpanProcessor({ backends: [discard()], toolDecision: { backend: closed, failMode: 'closed' } });
    install.tracing([first, second]);
    let ran = false;
    const outcome = await Promise.resolve(withToolCall('wire_money', {}, () => (ran = true))).catch((e: unknown) => e);
    expect(isAuditBlockedError(outcome)).toBe(true);
    expect({ ran, closedAsked: closed.asked }).toEqual({ ran: false, closedAsked: 1 });
  });

  it('refuses a captureContent that is not a boolean, naming the option (a string "false" must not mean on)', () => {
    expect(() => new AuditSpanExporter({ backends: [discard()], captureContent: 'false' as unknown as boolean })).toThrow(/captureContent/);
  });
});

describe('log-record content read by a conversion', () => {
  function chatWithLoggedPrompt(logs: LoggerProvider): void {
    const span = trace.getTracer('@opentelemetry/instrumentation-openai').startSpan('chat gpt-4o-mini', {
      kind: SpanKind.CLIENT,
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.system': 'openai' },
    });
    logs.getLogger('openai').emit({ context: trace.setSpan(context.active(), span), attributes: { 'event.name': 'gen_ai.user.message' }, body: { content: 'logged' } });
    span.end();
  }
  const promptOf = (events: readonly { type: string; payload: Record<string, unknown> }[]) => events.find((e) => e.type === 'prompt')?.payload['prompt'];

  it('is the same on a second conversion, and an inspection does not take it from the delivered trail', async ({ install }) => {
    const backend = recordingBackend();
    const audit = auditSpanProcessor({ backends: [backend], scheduledDelayMillis: 50 });
    const tracing = install.tracing([audit]);
    const logs = new LoggerProvider({ processors: [auditLogRecordProcessor(audit)] });
    chatWithLoggedPrompt(logs);
    const options = { logContent: audit.logContentIntake().store };
    const first = toAuditEvents(tracing.memory.getFinishedSpans(), options);
    expect(toAuditEvents(tracing.memory.getFinishedSpans(), options)).toEqual(first);
    expect(promptOf(first)).toBe('user: logged');
    await audit.forceFlush();
    expect(promptOf(backend.events())).toBe('user: logged');
    expect(audit.logContentIntake().store.size).toBe(0); // freed once the pipeline converted the span
    await Promise.all([audit.shutdown(), logs.shutdown()]);
  });

  it('is not held for a pipeline that has shut down', async ({ install }) => {
    const audit = auditSpanProcessor({ backends: [discard()] });
    install.tracing([audit]);
    const logs = new LoggerProvider({ processors: [auditLogRecordProcessor(audit)] });
    await audit.shutdown();
    chatWithLoggedPrompt(logs);
    expect(audit.logContentIntake().store.size).toBe(0);
    await logs.shutdown();
  });
});
