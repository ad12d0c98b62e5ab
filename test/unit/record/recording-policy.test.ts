/**
 * The helpers follow the recording policy stamped on their own span (as the
 * audit span processors do in onStart): metadata is there when the span
 * starts, content is written after, cut to that span's limit, or not at all.
 */
import type { Attributes, Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect } from 'vitest';
import { recordEvent, withLLMCall, withToolCall } from '../../../src/index.js';
import { stampRecordingPolicy, type RecordingPolicy } from '../../../src/model/recording-policy.js';
import { it } from '../../support/audit-test.js';

/** Stamps `policy` on every span it sees start, and keeps the attributes each started with. */
function stampingProcessor(policy: RecordingPolicy): SpanProcessor & { started: Attributes[] } {
  const started: Attributes[] = [];
  return {
    started,
    onStart(span: Span, _parent: Context) {
      stampRecordingPolicy(span, policy);
      started.push({ ...span.attributes });
    },
    onEnd(_span: ReadableSpan) {},
    forceFlush: async () => {},
    shutdown: async () => {},
  };
}

const CONTENT_KEYS = ['gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.system_instructions', 'gen_ai.tool.call.arguments', 'gen_ai.tool.call.result'];

describe('recording helpers under a stamped policy', () => {
  it('start the span with metadata only, and write the content after under its limit', ({ install }) => {
    const processor = stampingProcessor({ captureContent: true, maxContentLength: 10, toolGate: undefined });
    const tracing = install.tracing([processor]);
    withLLMCall({ model: 'm', provider: 'p', parameters: { temperature: 0.5 }, system: 'S'.repeat(20), prompt: 'P'.repeat(20) }, (call) => {
      call.setCompletion('C'.repeat(20));
      return 'ok';
    });
    withToolCall('t', 'A'.repeat(20), () => 'R'.repeat(20), { callId: 'c1' });

    expect(processor.started[0]).toEqual({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm', 'gen_ai.provider.name': 'p', 'gen_ai.request.temperature': 0.5 });
    expect(processor.started[1]).toEqual({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 't', 'gen_ai.tool.call.id': 'c1' });
    const [llm, tool] = tracing.memory.getFinishedSpans();
    const cut = (c: string) => `${c.repeat(10)}…[truncated 10 chars]`;
    expect(JSON.parse(llm!.attributes['gen_ai.input.messages'] as string)).toEqual([{ role: 'user', parts: [{ type: 'text', content: cut('P') }] }]);
    expect(JSON.parse(llm!.attributes['gen_ai.system_instructions'] as string)).toEqual([{ type: 'text', content: cut('S') }]);
    expect(JSON.parse(llm!.attributes['gen_ai.output.messages'] as string)).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: cut('C') }] }]);
    expect(tool!.attributes).toMatchObject({ 'gen_ai.tool.call.arguments': cut('A'), 'gen_ai.tool.call.result': cut('R') });
  });

  it('write no content at all when the policy forbids it, and keep the metadata', ({ install }) => {
    const tracing = install.tracing([stampingProcessor({ captureContent: false, maxContentLength: 10, toolGate: undefined })]);
    withLLMCall({ model: 'm', system: 'S', messages: [{ role: 'user', content: 'secret' }] }, (call) => {
      call.setCompletion('secret');
      call.setUsage({ outputTokens: 3 });
      return 'ok';
    });
    withToolCall('t', { card: 'secret' }, () => ({ receipt: 'secret' }));
    for (const span of tracing.memory.getFinishedSpans()) {
      for (const key of CONTENT_KEYS) expect(span.attributes[key], `${span.name} ${key}`).toBeUndefined();
    }
    expect(tracing.memory.getFinishedSpans()[0]!.attributes['gen_ai.usage.output_tokens']).toBe(3);
  });

  it('cut an event payload to the limit of the span it is written on', ({ install }) => {
    const tracing = install.tracing([stampingProcessor({ captureContent: true, maxContentLength: 200, toolGate: undefined })]);
    withToolCall('t', {}, () => recordEvent('note', { text: 'n'.repeat(1_000), kept: true }));
    const payload = tracing.memory.getFinishedSpans()[0]!.events[0]!.attributes!['audit.event.payload'] as string;
    expect(payload.length).toBeLessThanOrEqual(200);
    expect(JSON.parse(payload)).toMatchObject({ kept: true, text: expect.stringMatching(/^n+…\[truncated \d+ chars\]$/) });
  });

  it('follow the environment\'s defaults on a span no audit processor stamped', ({ tracing }) => {
    withToolCall('t', 'a'.repeat(16_384 + 1), () => undefined);
    expect(tracing.memory.getFinishedSpans()[0]!.attributes['gen_ai.tool.call.arguments']).toBe(`${'a'.repeat(16_384)}…[truncated 1 chars]`);
  });
});
