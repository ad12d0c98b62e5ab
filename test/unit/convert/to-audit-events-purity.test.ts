import { context, SpanKind, trace } from '@opentelemetry/api';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect } from 'vitest';
import { auditLogRecordProcessor, auditSpanProcessor, jsonlFile, toAuditEvents, withLLMCall, withSession, withToolCall } from '../../../src/index.js';
import { it as base } from '../../support/audit-test.js';

/** `recordSpans`: a session with our helpers, and a model call whose content came only as log records (instrumentation-openai style). */
const it = base.extend('recordSpans', ({ install }) => async (): Promise<{ spans: ReadableSpan[]; audit: ReturnType<typeof auditSpanProcessor>; logs: LoggerProvider }> => {
  const audit = auditSpanProcessor({ backends: [jsonlFile({ path: '/dev/null' })], maxContentLength: 8 });
  const tracing = install.tracing([audit]);
  const logs = new LoggerProvider({ processors: [auditLogRecordProcessor(audit)] });
  await withSession({ agentName: 'bot' }, async () => {
    await withLLMCall({ model: 'gpt-4o', provider: 'openai', prompt: 'a question longer than eight' }, () => 'an answer');
    await withToolCall('lookup', { id: 7 }, () => ({ rows: 1 }));
    const span = trace.getTracer('@opentelemetry/instrumentation-openai').startSpan('chat gpt-4o-mini', {
      kind: SpanKind.CLIENT,
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.system': 'openai' },
    });
    logs.getLogger('openai').emit({ context: trace.setSpan(context.active(), span), attributes: { 'event.name': 'gen_ai.user.message' }, body: { content: 'logged' } });
    span.end();
  });
  return { spans: tracing.memory.getFinishedSpans(), audit, logs };
});

describe('toAuditEvents', () => {
  it('gives the same events for the same spans, whatever ran before or between', async ({ recordSpans }) => {
    const { spans, audit, logs } = await recordSpans();
    const first = toAuditEvents(spans);
    // In between: the pipeline converts the same spans with its log content and its own settings,
    // another pipeline is set up with other limits, and the conversion runs with other options.
    await audit.forceFlush();
    const other = auditSpanProcessor({ backends: [jsonlFile({ path: '/dev/null' })], captureContent: false, maxContentLength: 1 });
    expect(toAuditEvents(spans, { captureContent: false })).not.toEqual(first);
    const second = toAuditEvents(spans);
    await Promise.all([other.shutdown(), audit.shutdown(), logs.shutdown()]);
    expect(second).toEqual(first);
    expect(toAuditEvents([...spans].reverse())).toEqual(first); // ordered by time, not by input order
  });

  it('reads log-record content only from the store it is given', async ({ recordSpans }) => {
    const { spans, audit, logs } = await recordSpans();
    const withoutStore = toAuditEvents(spans);
    const store = audit.logContentIntake().store;
    const withStore = toAuditEvents(spans, { logContent: store });
    const promptOf = (events: typeof withStore) => events.find((e) => e.type === 'prompt' && e.payload['model'] === 'gpt-4o-mini')?.payload['prompt'];
    expect(promptOf(withStore)).toBe('user: logged');
    expect(promptOf(withoutStore)).toBeUndefined();
    expect(toAuditEvents(spans)).toEqual(withoutStore);
    await Promise.all([audit.shutdown(), logs.shutdown()]);
  });
});
