import { SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { describe, expect } from 'vitest';
import { toAuditEvents } from '../../../src/convert/to-audit-events.js';
import { it as base } from '../../support/audit-test.js';

// Spans shaped as the Vercel AI SDK (`ai` 6, legacy telemetry) writes them
// (test/interop/captured/vercel-ai.json): an outer `ai.generateObject` span
// around its `doGenerate` model call, both from the tracer named `ai`.
const MODEL_CALL = {
  'ai.model.id': 'gpt-4o-mini',
  'ai.model.provider': 'openai.chat',
  'ai.prompt.messages': JSON.stringify([{ role: 'user', content: [{ type: 'text', text: 'Extract the order.' }] }]),
  'ai.response.text': '{"order":"forty-two"}',
  'ai.response.finishReason': 'stop',
  'ai.usage.promptTokens': 12,
  'ai.usage.completionTokens': 5,
};

function fail(span: Span, name: string, message: string): void {
  span.recordException({ name, message });
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

/** `ai.generateObject` around one `doGenerate`; `inner` shapes the model call, `outerError` fails the outer span. */
function generateObject(inner: (call: Span) => void, outerError?: { name: string; message: string }): void {
  const ai = trace.getTracer('ai');
  ai.startActiveSpan('ai.generateObject', { attributes: { 'ai.operationId': 'ai.generateObject' } }, (outer) => {
    ai.startActiveSpan('ai.generateObject.doGenerate', { attributes: { 'ai.operationId': 'ai.generateObject.doGenerate', ...MODEL_CALL } }, (call) => {
      inner(call);
      call.end();
    });
    if (outerError) fail(outer, outerError.name, outerError.message);
    outer.end();
  });
}

/**
 * `delivered`: the events delivered to the recording backend, as `type span error`, sorted:
 * the SDK's span clocks can disagree by a millisecond, so time order is not tested.
 */
const it = base.extend('delivered', ({ recorded: { backend, processor } }) => async (): Promise<string[]> => {
  await processor.forceFlush();
  return backend
    .events()
    .map((e) => [e.type, e.payload['span_name'], e.payload['error_type']].filter((part) => part !== undefined).join(' '))
    .sort();
});

describe('a Vercel outer span that fails', () => {
  it('reports its own error when the failure was raised in it, after a successful model call', async ({ delivered }) => {
    generateObject(() => undefined, { name: 'AI_NoObjectGeneratedError', message: 'No object generated: response did not match schema.' });
    expect(await delivered()).toEqual(['completion', 'error ai.generateObject AI_NoObjectGeneratedError', 'prompt']);
  });

  it('does not repeat the error of a model call that failed below it', async ({ delivered }) => {
    generateObject((call) => fail(call, 'AI_APICallError', 'Internal Server Error'), { name: 'AI_APICallError', message: 'Internal Server Error' });
    expect(await delivered()).toEqual(['error ai.generateObject.doGenerate AI_APICallError', 'prompt']);
  });

  it('does not repeat the error of the tool call that ended last and made it fail', async ({ delivered }) => {
    const ai = trace.getTracer('ai');
    ai.startActiveSpan('ai.generateText', { attributes: { 'ai.operationId': 'ai.generateText' } }, (outer) => {
      ai.startActiveSpan('ai.generateText.doGenerate', { attributes: { 'ai.operationId': 'ai.generateText.doGenerate', ...MODEL_CALL } }, (call) => call.end());
      ai.startActiveSpan('ai.toolCall', { attributes: { 'ai.operationId': 'ai.toolCall', 'ai.toolCall.name': 'delete_order', 'ai.toolCall.args': '{}' } }, (tool) => {
        fail(tool, 'Error', 'order is locked');
        tool.end();
      });
      fail(outer, 'Error', 'order is locked');
      outer.end();
    });
    expect((await delivered()).filter((e) => e.startsWith('error'))).toEqual(['error ai.toolCall Error']);
  });

  it('reports its own failure after an earlier child error the SDK recovered from (a retried 500)', async ({ delivered }) => {
    const ai = trace.getTracer('ai');
    ai.startActiveSpan('ai.generateObject', { attributes: { 'ai.operationId': 'ai.generateObject' } }, (outer) => {
      for (const attempt of ['500', 'ok']) {
        ai.startActiveSpan('ai.generateObject.doGenerate', { attributes: { 'ai.operationId': 'ai.generateObject.doGenerate', ...MODEL_CALL } }, (call) => {
          if (attempt === '500') fail(call, 'AI_APICallError', 'Internal Server Error');
          call.end();
        });
      }
      fail(outer, 'AI_NoObjectGeneratedError', 'No object generated.');
      outer.end();
    });
    expect((await delivered()).filter((e) => e.startsWith('error'))).toEqual([
      'error ai.generateObject AI_NoObjectGeneratedError',
      'error ai.generateObject.doGenerate AI_APICallError',
    ]);
  });

  it('still reports its own error when only a span no convention reads failed below it (a retried HTTP request)', async ({ delivered }) => {
    generateObject(
      () => {
        const http = trace.getTracer('@opentelemetry/instrumentation-undici').startSpan('POST');
        http.setStatus({ code: SpanStatusCode.ERROR, message: '500' });
        http.end();
      },
      { name: 'AI_NoObjectGeneratedError', message: 'No object generated.' },
    );
    expect((await delivered()).filter((e) => e.startsWith('error'))).toEqual(['error ai.generateObject AI_NoObjectGeneratedError']);
  });

  it('yields nothing when it succeeded, and nothing without the audit span processor to tell where the error arose', async ({ delivered, recorded: { tracing } }) => {
    generateObject(() => undefined);
    expect(await delivered()).toEqual(['completion', 'prompt']);

    const outer = tracing!.memory.getFinishedSpans().find((s) => s.name === 'ai.generateObject')!;
    generateObject(() => undefined, { name: 'AI_NoObjectGeneratedError', message: 'No object generated.' });
    const failedOuter = tracing!.memory.getFinishedSpans().filter((s) => s.name === 'ai.generateObject')[1]!;
    expect(toAuditEvents([outer, failedOuter])).toEqual([]);
  });
});
