import { SpanKind, SpanStatusCode, trace, type HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect } from 'vitest';
import { toAuditEvents, withLLMCall, withSession, withToolCall } from '../../../src/index.js';
import { it as base } from '../../support/audit-test.js';

/** `finished`: the spans the test has finished, oldest first. */
const it = base.extend('finished', ({ tracing }) => (): ReadableSpan[] => tracing.memory.getFinishedSpans());

const iso = (t: HrTime): string => new Date(t[0] * 1000 + Math.floor(t[1] / 1e6)).toISOString();
const millis = (s: ReadableSpan): number => Math.round(((s.endTime[0] - s.startTime[0]) * 1e9 + s.endTime[1] - s.startTime[1]) / 1e6);
const idOf = (s: ReadableSpan, role: string): string => `${s.spanContext().traceId}-${s.spanContext().spanId}-${role}`;
const identity = (s: ReadableSpan) => ({ traceId: s.spanContext().traceId, spanId: s.spanContext().spanId, resource: s.resource.attributes });

const chatCompletion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  model: 'gpt-4o-2024-08-06',
  choices: [{ index: 0, message: { role: 'assistant', content: 'It shipped.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 5 },
};

describe('toAuditEvents for an LLM span', () => {
  it('yields exactly a prompt at the start time and a completion at the end time', ({ finished }) => {
    withLLMCall(
      { model: 'gpt-4o', provider: 'openai', system: 'Be brief.', messages: [{ role: 'user', content: 'Where is my order?' }], parameters: { temperature: 0.2 } },
      () => chatCompletion,
    );
    const [span] = finished();
    expect(toAuditEvents(finished())).toEqual([
      {
        ...identity(span!),
        id: idOf(span!, 'prompt'),
        type: 'prompt',
        timestamp: iso(span!.startTime),
        payload: {
          operation: 'chat',
          model: 'gpt-4o',
          provider: 'openai',
          prompt: 'system: Be brief.\nuser: Where is my order?',
          messages: [{ role: 'user', parts: [{ type: 'text', content: 'Where is my order?' }] }],
          system_instructions: [{ type: 'text', content: 'Be brief.' }],
          parameters: { temperature: 0.2 },
          token_count: 12,
        },
      },
      {
        ...identity(span!),
        id: idOf(span!, 'completion'),
        type: 'completion',
        timestamp: iso(span!.endTime),
        payload: {
          operation: 'chat',
          model: 'gpt-4o-2024-08-06',
          provider: 'openai',
          response: 'It shipped.',
          messages: [{ role: 'assistant', finish_reason: 'stop', parts: [{ type: 'text', content: 'It shipped.' }] }],
          finish_reasons: ['stop'],
          token_count: 5,
          usage: { input_tokens: 12, output_tokens: 5 },
          response_id: 'chatcmpl-1',
          duration_ms: millis(span!),
        },
      },
    ]);
  });

  it('yields identical events, ids included, when the same span is converted twice', ({ finished }) => {
    withLLMCall({ model: 'm', messages: ['hi'] }, () => chatCompletion);
    expect(toAuditEvents(finished())).toEqual(toAuditEvents(finished()));
    expect(new Set(toAuditEvents(finished()).map((e) => e.id)).size).toBe(2);
  });

  it('yields the prompt and the error, and no completion, for a failed call', async ({ finished }) => {
    await withLLMCall({ model: 'm', prompt: 'hi' }, async () => {
      throw new RangeError('context too long');
    }).catch(() => undefined);
    const [span] = finished();
    const events = toAuditEvents(finished());
    expect(events.map((e) => [e.type, e.id])).toEqual([
      ['prompt', idOf(span!, 'prompt')],
      ['error', idOf(span!, 'error.0')],
    ]);
    expect(events[1]!.payload).toMatchObject({ error_type: 'RangeError', message: 'context too long', handled: false, span_name: 'chat m', operation: 'chat' });
    expect(events[1]!.payload.stacktrace).toContain('RangeError: context too long');
  });
});

describe('toAuditEvents for tool and session spans', () => {
  it('yields a tool_call with arguments, result and status ok', ({ finished }) => {
    withToolCall('lookup', { id: 42 }, () => ({ status: 'shipped' }), { callId: 'call_1', type: 'function' });
    const [span] = finished();
    expect(toAuditEvents(finished())).toEqual([{
      ...identity(span!),
      id: idOf(span!, 'tool_call'),
      type: 'tool_call',
      timestamp: iso(span!.startTime),
      payload: { tool_name: 'lookup', tool_call_id: 'call_1', tool_type: 'function', arguments: { id: 42 }, result: { status: 'shipped' }, status: 'ok', duration_ms: millis(span!) },
    }]);
  });

  it('yields a tool_call with status error, and its error, for a failed tool', ({ finished }) => {
    expect(() => withToolCall('send', {}, () => { throw new Error('smtp down'); })).toThrow();
    const events = toAuditEvents(finished());
    expect(events.map((e) => e.type)).toEqual(['tool_call', 'error']);
    expect(events[0]!.payload).toMatchObject({ status: 'error' });
    expect(events[0]!.payload.result).toBeUndefined();
  });

  it('yields session.start and session.end with outcome success, stamped with the session', ({ finished }) => {
    withSession({ sessionId: 's-1', agentName: 'bot', agentId: 'agt_1' }, () => undefined);
    const [root] = finished();
    const events = toAuditEvents(finished());
    expect(events).toEqual([
      { ...identity(root!), sessionId: 's-1', agentName: 'bot', agentId: 'agt_1', id: idOf(root!, 'session.start'), type: 'custom', timestamp: iso(root!.startTime), payload: { name: 'session.start', span_name: 'invoke_agent bot' } },
      { ...identity(root!), sessionId: 's-1', agentName: 'bot', agentId: 'agt_1', id: idOf(root!, 'session.end'), type: 'custom', timestamp: iso(root!.endTime), payload: { name: 'session.end', outcome: 'success', duration_ms: millis(root!) } },
    ]);
  });

  it('yields outcome error with the status message, and the error, for a failed session', ({ finished }) => {
    expect(() => withSession({ agentName: 'bot' }, () => { throw new Error('gave up'); })).toThrow();
    const events = toAuditEvents(finished());
    expect(events.map((e) => e.payload.name ?? e.type)).toEqual(['session.start', 'error', 'session.end']);
    expect(events[2]!.payload).toMatchObject({ outcome: 'error', status_message: 'gave up' });
  });

  it('orders the events of several spans by the time each happened, carrying the parent span id', ({ finished }) => {
    withSession({ agentName: 'bot' }, () => {
      withLLMCall({ model: 'm' }, () => chatCompletion);
      withToolCall('t', {}, () => 1);
    });
    const events = toAuditEvents(finished());
    expect(events.map((e) => e.payload.name ?? e.type)).toEqual(['session.start', 'prompt', 'completion', 'tool_call', 'session.end']);
    const rootId = events[0]!.spanId;
    expect(events.slice(1, 4).every((e) => e.parentSpanId === rootId)).toBe(true);
    expect(events[0]!.parentSpanId).toBeUndefined();
  });
});

describe('toAuditEvents for spans of other instrumentations', () => {
  it('yields nothing for an HTTP span without gen_ai attributes, even failed with an exception', ({ finished }) => {
    const span = trace.getTracer('http').startSpan('GET /orders', { kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'GET', 'http.response.status_code': 503 } });
    span.recordException(new Error('503'));
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'Service Unavailable' });
    span.end();
    expect(toAuditEvents(finished())).toEqual([]);
  });

  it('reads the older gen_ai.system and prompt/completion token names', ({ finished }) => {
    const span = trace.getTracer('legacy').startSpan('chat gpt-3.5', {
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-3.5', 'gen_ai.usage.prompt_tokens': 7, 'gen_ai.usage.completion_tokens': 9 },
    });
    span.end();
    const [prompt, completion] = toAuditEvents(finished());
    expect(prompt!.payload).toMatchObject({ provider: 'openai', token_count: 7 });
    expect(completion!.payload).toMatchObject({ provider: 'openai', token_count: 9, usage: { input_tokens: 7, output_tokens: 9 } });
  });

  it('prefers gen_ai.provider.name and the new token names when both spellings are present', ({ finished }) => {
    trace.getTracer('x').startSpan('chat', {
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'old', 'gen_ai.provider.name': 'new', 'gen_ai.usage.input_tokens': 1, 'gen_ai.usage.prompt_tokens': 2 },
    }).end();
    expect(toAuditEvents(finished())[0]!.payload).toMatchObject({ provider: 'new', token_count: 1 });
  });

  it('yields one custom operation event for other GenAI operations', ({ finished }) => {
    trace.getTracer('x').startSpan('embeddings text-3', { attributes: { 'gen_ai.operation.name': 'embeddings', 'gen_ai.request.model': 'text-3' } }).end();
    const [span] = finished();
    expect(toAuditEvents(finished())).toEqual([{
      ...identity(span!),
      id: idOf(span!, 'operation'),
      type: 'custom',
      timestamp: iso(span!.startTime),
      payload: { name: 'gen_ai.embeddings', span_name: 'embeddings text-3', model: 'text-3', duration_ms: millis(span!) },
    }]);
  });
});
