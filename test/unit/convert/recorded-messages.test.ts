import { trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { GEN_AI_INPUT_MESSAGES, GEN_AI_OUTPUT_MESSAGES } from '../../../src/attributes.js';
import type { GenAiMessage } from '../../../src/convert/chat-messages.js';
import { plainMessagesJson, recordedMessages } from '../../../src/convert/recorded-messages.js';
import { toAuditEvents } from '../../../src/convert/to-audit-events.js';
import { withLLMCall } from '../../../src/record/llm-call.js';
import { installTracing, resetOtelGlobals, type TestTracing } from '../../support/tracing.js';
import { int, mulberry32, pick, type Random } from '../../support/seeded-random.js';

// Characters JSON escapes, lone and paired surrogates, and the line separators it does not escape.
const TRICKY = ['"', '\\', '\n', '\r', '\t', '\u0000', '\u001f', '\u007f', '\ud800', '\udc00', '😀', '\u2028', '\u2029', 'é', '</script>', ' ', 'a'];

function randomText(r: Random): string {
  let text = '';
  for (let i = int(r, 12); i > 0; i--) text += pick(r, TRICKY);
  return text;
}

function randomMessages(r: Random): GenAiMessage[] {
  return Array.from({ length: int(r, 4) }, () => {
    const parts = Array.from({ length: int(r, 3) }, () => ({ type: pick(r, ['text', 'reasoning', randomText(r)]), content: randomText(r) }));
    const role = pick(r, ['user', 'assistant', 'system', randomText(r)]);
    return r() < 0.5 ? { role, parts } : { finish_reason: pick(r, ['stop', randomText(r)]), role, parts };
  });
}

describe('plainMessagesJson', () => {
  it('writes exactly what JSON.stringify writes, for any strings (seeded)', () => {
    const r = mulberry32(20261122);
    for (let i = 0; i < 2000; i++) {
      const messages = randomMessages(r);
      expect(plainMessagesJson(messages), `iteration ${i}`).toBe(JSON.stringify(messages));
    }
  });

  it('declines what is not plain text, so the caller serialises it the general way', () => {
    const notPlain: unknown[][] = [
      [{ role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'lookup', arguments: { id: 1 } }] }],
      [{ role: 'user', parts: [{ type: 'text', content: 'hi', extra: 'kept by JSON.stringify' }] }],
      [{ role: 'user', parts: [{ content: 'hi', type: 'text' }] }], // another key order
      [{ role: 'user', parts: [{ type: 'text', content: 42 }] }],
      [{ role: 'user', parts: [{ type: 'text', content: 'hi' }], name: 'alice' }],
      [{ role: 'assistant', parts: [], finish_reason: 'stop' }], // finish_reason not first
      [{ finish_reason: 7, role: 'assistant', parts: [] }],
      [{ role: 'user', parts: 'hi' }],
      [null],
      [{ role: 'user', parts: [null] }],
      // eslint-disable-next-line no-sparse-arrays
      [{ role: 'user', parts: [{ type: 'text', content: 'a' }, , { type: 'text', content: 'b' }] }],
    ];
    for (const messages of notPlain) expect(plainMessagesJson(messages as GenAiMessage[]), JSON.stringify(messages)).toBeUndefined();
  });

  it('declines an inherited enumerable key, which JSON.stringify would leave out', () => {
    const part = Object.assign(Object.create({ inherited: 'x' }) as object, { type: 'text', content: 'hi' });
    expect(plainMessagesJson([{ role: 'user', parts: [part as never] }])).toBeUndefined();
  });
});

describe('recordedMessages: our own spans are converted without parsing their messages back', () => {
  let tracing: TestTracing | undefined;
  afterEach(async () => {
    await tracing?.close();
    tracing = undefined;
  });

  const completion = {
    object: 'chat.completion',
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: 'It shipped "yesterday".' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 21, completion_tokens: 6 },
  };
  const messages = [{ role: 'system', content: 'You are a support agent.' }, { role: 'user', content: 'Where is order\n42?' }];

  function recordOneCall(): ReadableSpan {
    tracing = installTracing();
    withLLMCall({ model: 'gpt-4o-mini', provider: 'openai', messages }, () => completion);
    return tracing.memory.getFinishedSpans()[0]!;
  }

  it('hands over the structure the helper serialised, equal to parsing the attribute', () => {
    const span = recordOneCall();
    const input = recordedMessages(span, 'input', GEN_AI_INPUT_MESSAGES);
    const output = recordedMessages(span, 'output', GEN_AI_OUTPUT_MESSAGES);
    expect(input).toBeDefined();
    expect(output).toBeDefined();
    expect(input).toEqual(JSON.parse(span.attributes[GEN_AI_INPUT_MESSAGES] as string));
    expect(output).toEqual(JSON.parse(span.attributes[GEN_AI_OUTPUT_MESSAGES] as string));
  });

  it('is not used once the attribute was rewritten: the converter reads what the span says', () => {
    tracing = installTracing();
    const rewritten = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'rewritten by the agent' }] }]);
    withLLMCall({ model: 'gpt-4o-mini', messages }, (call) => {
      call.span.setAttribute(GEN_AI_INPUT_MESSAGES, rewritten);
      return completion;
    });
    const span = tracing.memory.getFinishedSpans()[0]!;
    expect(recordedMessages(span, 'input', GEN_AI_INPUT_MESSAGES)).toBeUndefined();
    const prompt = toAuditEvents([span]).find((e) => e.type === 'prompt')!;
    expect(prompt.payload['prompt']).toBe('user: rewritten by the agent');
  });

  it('is not used when span limits cut the attribute: the event carries the cut text, as any exporter sees it', async () => {
    resetOtelGlobals();
    const memory = new InMemorySpanExporter();
    const provider = new NodeTracerProvider({ spanLimits: { attributeValueLengthLimit: 40 }, spanProcessors: [new SimpleSpanProcessor(memory)] });
    provider.register();
    try {
      withLLMCall({ model: 'gpt-4o-mini', messages }, () => completion);
      const span = memory.getFinishedSpans()[0]!;
      expect((span.attributes[GEN_AI_INPUT_MESSAGES] as string).length).toBe(40);
      expect(recordedMessages(span, 'input', GEN_AI_INPUT_MESSAGES)).toBeUndefined();
      const prompt = toAuditEvents([span]).find((e) => e.type === 'prompt')!;
      expect(prompt.payload['messages']).toBe(span.attributes[GEN_AI_INPUT_MESSAGES]);
    } finally {
      await provider.shutdown();
      resetOtelGlobals();
    }
  });

  it('gives the same events as converting a copy of the span that holds only its attributes', () => {
    const span = recordOneCall();
    const copy = Object.create(Object.getPrototypeOf(span) as object, Object.getOwnPropertyDescriptors(span)) as ReadableSpan;
    for (const symbol of Object.getOwnPropertySymbols(copy)) delete (copy as unknown as Record<symbol, unknown>)[symbol];
    expect(recordedMessages(copy, 'input', GEN_AI_INPUT_MESSAGES)).toBeUndefined();
    expect(toAuditEvents([span])).toEqual(toAuditEvents([copy]));
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
