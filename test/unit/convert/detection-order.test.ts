import { SpanKind, type Attributes } from '@opentelemetry/api';
import { describe, expect } from 'vitest';
import { DEFAULT_CONVERTERS } from '../../../src/convert/to-audit-events.js';
import { withLLMCall, type AuditEvent } from '../../../src/index.js';
import { it as base } from '../../support/audit-test.js';

/** `convert`: the audit events of one span with these attributes. */
const it = base.extend('convert', ({ spanEvents }) => (attributes: Attributes, name = 'span', scope = 'x', kind = SpanKind.INTERNAL): AuditEvent[] =>
  spanEvents({ scope, name, attributes, kind }));

const customName = (events: AuditEvent[]) => events.find((e) => e.type === 'custom')?.payload.name;

describe('which convention converts a span (span-conventions.md, "How to tell")', () => {
  it("tries the frameworks' plumbing first, then the vendor conventions before GenAI, in the documented order", () => {
    expect(DEFAULT_CONVERTERS.map((c) => c.name)).toEqual(['framework-structure', 'openinference', 'langsmith', 'traceloop', 'vercel-ai', 'opentelemetry-genai']);
  });

  it('gives openinference.span.kind precedence over LangSmith and GenAI markers on the same span', ({ convert }) => {
    expect(customName(convert({ 'openinference.span.kind': 'CHAIN', 'langsmith.span.kind': 'chain', 'gen_ai.operation.name': 'invoke_agent' }))).toBe('openinference.chain');
  });

  it('gives langsmith.span.kind precedence over Traceloop, Vercel and GenAI markers', ({ convert }) => {
    expect(customName(convert({ 'langsmith.span.kind': 'chain', 'traceloop.span.kind': 'task', 'ai.operationId': 'ai.x.y', 'gen_ai.operation.name': 'chain' }))).toBe('langsmith.chain');
  });

  it('gives traceloop.span.kind precedence over Vercel and GenAI markers', ({ convert }) => {
    expect(customName(convert({ 'traceloop.span.kind': 'task', 'ai.operationId': 'ai.x.y', 'gen_ai.operation.name': 'invoke_agent' }))).toBe('traceloop.task');
  });

  it('gives a Vercel legacy span precedence over the gen_ai.* it also writes, unless it comes from scope `ai` with an operation name (v7)', ({ convert }) => {
    expect(customName(convert({ 'ai.operationId': 'ai.embed.doEmbed', 'gen_ai.operation.name': 'embeddings' }, 'ai.embed.doEmbed', 'some-wrapper'))).toBe('ai.embed.doEmbed');
    expect(customName(convert({ 'ai.operationId': 'ai.embed.doEmbed', 'gen_ai.operation.name': 'embeddings' }, 'ai.embed.doEmbed', 'ai'))).toBe('gen_ai.embeddings');
  });

  it('reads our own helpers\' spans as plain GenAI', ({ tracing }) => {
    withLLMCall({ model: 'm', messages: ['hi'] }, () => ({ choices: [{ message: { role: 'assistant', content: 'yo' }, finish_reason: 'stop' }] }));
    const spans = tracing.memory.getFinishedSpans();
    const genAi = DEFAULT_CONVERTERS.find((c) => c.name === 'opentelemetry-genai')!;
    expect(DEFAULT_CONVERTERS.find((c) => c.matches(spans[0]!))).toBe(genAi);
  });

  it('yields nothing for HTTP client and server spans, even failed ones', ({ convert }) => {
    expect(convert({ 'http.request.method': 'GET', 'http.response.status_code': 500, 'error.type': '500' }, 'GET', '@opentelemetry/instrumentation-http', SpanKind.SERVER)).toEqual([]);
    expect(convert({ 'url.full': 'http://127.0.0.1/v1/chat/completions' }, 'POST', '@opentelemetry/instrumentation-undici', SpanKind.CLIENT)).toEqual([]);
  });
});

describe('one payload shape whatever the convention', () => {
  // The same call — one user message, one answer, 7 + 3 tokens — as each convention writes it.
  const sameCall: Record<string, Attributes> = {
    genai: {
      'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm', 'gen_ai.provider.name': 'openai', 'gen_ai.usage.input_tokens': 7, 'gen_ai.usage.output_tokens': 3,
      'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"hi"}]}]',
      'gen_ai.output.messages': '[{"role":"assistant","parts":[{"type":"text","content":"yo"}],"finish_reason":"stop"}]',
      'gen_ai.response.finish_reasons': ['stop'],
    },
    openinference: {
      'openinference.span.kind': 'LLM', 'llm.model_name': 'm', 'llm.provider': 'openai', 'llm.token_count.prompt': 7, 'llm.token_count.completion': 3,
      'llm.input_messages.0.message.role': 'user', 'llm.input_messages.0.message.content': 'hi',
      'llm.output_messages.0.message.role': 'assistant', 'llm.output_messages.0.message.content': 'yo', 'llm.finish_reason': 'stop',
    },
    traceloop: {
      'llm.request.type': 'chat', 'gen_ai.request.model': 'm', 'gen_ai.system': 'OpenAI', 'gen_ai.usage.prompt_tokens': 7, 'gen_ai.usage.completion_tokens': 3,
      'gen_ai.prompt.0.role': 'user', 'gen_ai.prompt.0.content': 'hi',
      'gen_ai.completion.0.role': 'assistant', 'gen_ai.completion.0.content': 'yo', 'gen_ai.completion.0.finish_reason': 'stop',
    },
    vercel: {
      'ai.operationId': 'ai.generateText.doGenerate', 'ai.model.id': 'm', 'ai.model.provider': 'openai.chat', 'ai.usage.inputTokens': 7, 'ai.usage.outputTokens': 3,
      'ai.prompt.messages': '[{"role":"user","content":[{"type":"text","text":"hi"}]}]', 'ai.response.text': 'yo', 'ai.response.finishReason': 'stop',
    },
  };

  it('yields prompt and completion with the same fields and the same values', ({ convert }) => {
    const results = Object.entries(sameCall).map(([convention, attributes]) => {
      const events = convert(attributes, convention);
      const [prompt, completion] = events;
      return { convention, types: events.map((e) => e.type), prompt: prompt!.payload, completion: { ...completion!.payload, duration_ms: 0 } };
    });
    for (const result of results) {
      expect(result.types, result.convention).toEqual(['prompt', 'completion']);
      expect(result.prompt, result.convention).toMatchObject({ operation: 'chat', model: 'm', provider: 'openai', prompt: 'user: hi', token_count: 7 });
      expect(result.prompt.messages, result.convention).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]);
      expect(result.completion, result.convention).toMatchObject({
        operation: 'chat', model: 'm', provider: 'openai', response: 'yo', finish_reasons: ['stop'], token_count: 3, usage: { input_tokens: 7, output_tokens: 3 },
      });
      expect(Object.keys(result.prompt), result.convention).toEqual(Object.keys(results[0]!.prompt));
      expect(Object.keys(result.completion), result.convention).toEqual(Object.keys(results[0]!.completion));
    }
  });
});
