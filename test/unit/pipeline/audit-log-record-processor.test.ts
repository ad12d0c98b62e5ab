import { context, SpanKind, SpanStatusCode, trace, TraceFlags, type Span } from '@opentelemetry/api';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { afterEach, describe, expect } from 'vitest';
import { AUDIT_MODEL_CALL_RECORDED_BY } from '../../../src/model/attributes.js';
import { GenAiLogContentStore } from '../../../src/pipeline/genai-log-content-store.js';
import type { LogContentTarget } from '../../../src/pipeline/log-content-intake.js';
import { AuditSpanExporter, auditLogRecordProcessor, toAuditEvents } from '../../../src/index.js';
import { recordingBackend } from '../../support/recording-backend.js';
import { it } from '../../support/audit-test.js';
import type { TestTracing } from '../../support/tracing.js';

// The test's provider, store and logger provider, for the helpers below (a test swaps the logger provider mid-way).
let tracing: TestTracing;
let loggerProvider: LoggerProvider;
let store: GenAiLogContentStore;

/** An audit pipeline's intake as the exporter hands it out, with its own store. */
function pipeline(into: GenAiLogContentStore, captureContent = true, maxContentLength = 16_384): LogContentTarget {
  return { logContentIntake: () => ({ store: into, captureContent, maxContentLength }) };
}

function useLogProcessorFor(target: LogContentTarget): void {
  void loggerProvider?.shutdown();
  loggerProvider = new LoggerProvider({ processors: [auditLogRecordProcessor(target)] });
}

it.beforeEach(({ tracing: installed }) => {
  tracing = installed;
  store = new GenAiLogContentStore();
  useLogProcessorFor(pipeline(store));
});

afterEach(async () => {
  await loggerProvider.shutdown();
});

/** A model-call span shaped like @opentelemetry/instrumentation-openai 0.21's (no content on the span). */
function startChatSpan(extra: Record<string, string> = {}): Span {
  return trace.getTracer('@opentelemetry/instrumentation-openai').startSpan('chat gpt-4o-mini', {
    kind: SpanKind.CLIENT,
    attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.system': 'openai', ...extra },
  });
}

/** Whether the shared store holds content for `span` (taking it, so the store is left as before). */
function heldFor(span: Span): boolean {
  const { traceId, spanId } = span.spanContext();
  return store.peek(traceId, spanId) !== undefined;
}

/** Emits a record the way that instrumentation does: `event.name` attribute, the span's context. */
function emit(span: Span | undefined, eventName: string, body: unknown): void {
  const logger = loggerProvider.getLogger('@opentelemetry/instrumentation-openai');
  const ctx = span === undefined ? context.active() : trace.setSpan(context.active(), span);
  logger.emit({ context: ctx, attributes: { 'event.name': eventName, 'gen_ai.system': 'openai' }, body: body as never });
}

function modelCallEvents() {
  return toAuditEvents(tracing.memory.getFinishedSpans(), { logContent: store }).filter((e) => e.type === 'prompt' || e.type === 'completion');
}

describe('auditLogRecordProcessor', () => {
  it('puts the content of a span’s log records into its prompt and completion events', () => {
    const span = startChatSpan();
    emit(span, 'gen_ai.system.message', { content: 'Be brief.' });
    emit(span, 'gen_ai.user.message', { content: 'Weather in Oslo?' });
    emit(span, 'gen_ai.choice', { index: 0, finish_reason: 'stop', message: { content: 'Rainy, 12 °C.' } });
    span.setAttributes({ 'gen_ai.usage.input_tokens': 20, 'gen_ai.usage.output_tokens': 5 });
    span.end();

    const [prompt, completion] = modelCallEvents();
    expect(prompt?.payload).toMatchObject({
      prompt: 'system: Be brief.\nuser: Weather in Oslo?',
      messages: [
        { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
        { role: 'user', parts: [{ type: 'text', content: 'Weather in Oslo?' }] },
      ],
      token_count: 20,
    });
    expect(completion?.payload).toMatchObject({
      response: 'Rainy, 12 °C.',
      messages: [{ role: 'assistant', parts: [{ type: 'text', content: 'Rainy, 12 °C.' }], finish_reason: 'stop' }],
      token_count: 5,
    });
  });

  it('joins each record to its own span when calls overlap', () => {
    const first = startChatSpan();
    const second = startChatSpan();
    emit(second, 'gen_ai.user.message', { content: 'second question' });
    emit(first, 'gen_ai.user.message', { content: 'first question' });
    first.end();
    second.end();
    const prompts = modelCallEvents().filter((e) => e.type === 'prompt');
    expect(prompts.find((e) => e.spanId === first.spanContext().spanId)?.payload.prompt).toBe('user: first question');
    expect(prompts.find((e) => e.spanId === second.spanContext().spanId)?.payload.prompt).toBe('user: second question');
  });

  it('gives a failed call its prompt content and no completion', () => {
    const span = startChatSpan();
    emit(span, 'gen_ai.user.message', { content: 'And tomorrow?' });
    span.setStatus({ code: SpanStatusCode.ERROR, message: '500' });
    span.end();
    expect(modelCallEvents().map((e) => [e.type, e.payload.prompt])).toEqual([['prompt', 'user: And tomorrow?']]);
  });

  it('prefers content the span carries itself over log records', () => {
    const span = startChatSpan();
    span.setAttribute('gen_ai.input.messages', JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'from the span' }] }]));
    emit(span, 'gen_ai.user.message', { content: 'from a log record' });
    span.end();
    expect(modelCallEvents()[0]?.payload.prompt).toBe('user: from the span');
  });

  it('ignores records outside any span and records that are not GenAI content', () => {
    emit(undefined, 'gen_ai.user.message', { content: 'orphan' });
    const span = startChatSpan();
    emit(span, 'http.request.log', { content: 'not a message' });
    span.end();
    expect(modelCallEvents()[0]?.payload.prompt).toBeUndefined();
  });

  it('never throws into the instrumentation, whatever the record holds', ({ diagnostics }) => {
    const span = startChatSpan();
    const processor = auditLogRecordProcessor(pipeline(store));
    const hostile = {
      get eventName(): string {
        throw new Error('getter exploded');
      },
    };
    expect(() => processor.onEmit(hostile as never)).not.toThrow();
    expect(diagnostics.warnings.join('\n')).toContain('could not read a GenAI log record');
    for (const body of [null, 7, 'text', [{ content: 1 }], { tool_calls: [{ function: null }] }]) {
      expect(() => emit(span, 'gen_ai.assistant.message', body)).not.toThrow();
      expect(() => emit(span, 'gen_ai.choice', body)).not.toThrow();
    }
    span.end();
    expect(() => toAuditEvents(tracing.memory.getFinishedSpans())).not.toThrow();
  });

  it('holds no content of spans the sampler dropped (they are never converted)', () => {
    const unsampled = trace.wrapSpanContext({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.NONE });
    emit(unsampled, 'gen_ai.user.message', { content: 'not sampled' });
    expect(heldFor(unsampled)).toBe(false);
  });

  it('holds no content while content capture is off', () => {
    useLogProcessorFor(pipeline(store, false));
    const span = startChatSpan();
    emit(span, 'gen_ai.user.message', { content: 'secret prompt' });
    expect(heldFor(span)).toBe(false);
    span.end();
  });

  it('cuts each text to the content limit the recording helpers use', () => {
    useLogProcessorFor(pipeline(store, true, 20));
    const span = startChatSpan();
    emit(span, 'gen_ai.user.message', { content: 'q'.repeat(100_000) });
    span.end();
    expect(modelCallEvents()[0]?.payload.messages).toEqual([
      { role: 'user', parts: [{ type: 'text', content: `${'q'.repeat(20)}…[truncated 99980 chars]` }] },
    ]);
  });

  it('frees the content of a model call recorded by an enclosing span, without reporting it discarded', async ({ diagnostics }) => {
    // Freeing is the exporter's part, once it converted the span (a conversion only reads).
    const exporter = new AuditSpanExporter({ backends: [recordingBackend()] });
    useLogProcessorFor(exporter);
    store = exporter.logContentIntake().store;
    const inner = startChatSpan({ [AUDIT_MODEL_CALL_RECORDED_BY]: 'b7ad6b7169203331' });
    emit(inner, 'gen_ai.user.message', { content: 'the outer span has this already' });
    inner.end();
    expect(modelCallEvents()).toEqual([]);
    exporter.export(tracing.memory.getFinishedSpans(), () => undefined);
    expect(heldFor(inner)).toBe(false);
    await exporter.shutdown();
    await loggerProvider.forceFlush();
    expect(diagnostics.warnings.filter((w) => w.includes('discarded'))).toEqual([]);
  });

  it('stays bounded when spans never end, and says what was discarded', ({ diagnostics }) => {
    // More spans than the store keeps (DEFAULTS.maxLogContentSpans), none ever converted.
    for (let i = 0; i < 4100; i++) emit(startChatSpan(), 'gen_ai.user.message', { content: `question ${i}` });
    const warning = diagnostics.warnings.find((w) => w.includes('discarded'));
    expect(warning).toMatch(/\d+ store full/);
    expect(warning).toContain('auditSpanProcessor()');
    // The newest content is still there for its span.
    const span = startChatSpan();
    emit(span, 'gen_ai.user.message', { content: 'latest' });
    span.end();
    expect(modelCallEvents()[0]?.payload.prompt).toBe('user: latest');
  });
});
