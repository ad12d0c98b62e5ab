import { trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect } from 'vitest';
import { activeSession, withLLMCall, withSession, withToolCall } from '../../../src/index.js';
import { it } from '../../support/audit-test.js';
import type { TestTracing } from '../../support/tracing.js';
import { recordingBackend, recordingProcessor } from '../../support/recording-backend.js';

// The provider of the running test, for `span`: each test installs its own
// (some with the audit processor, so not the `tracing` fixture).
let tracing: TestTracing;

const span = (name: string): ReadableSpan => {
  const found = tracing.memory.getFinishedSpans().find((s) => s.name === name);
  expect(found, `span ${name}`).toBeDefined();
  return found!;
};

describe('withSession', () => {
  it('starts a new trace and links the span active at the call', ({ install }) => {
    tracing = install.tracing();
    const tracer = trace.getTracer('test');
    tracer.startActiveSpan('POST /chat', (request) => {
      withSession({ agentName: 'bot' }, () => undefined);
      request.end();
    });
    const request = span('POST /chat');
    const root = span('invoke_agent bot');
    expect(root.parentSpanContext).toBeUndefined();
    expect(root.spanContext().traceId).not.toBe(request.spanContext().traceId);
    expect(root.links.map((l) => l.context.spanId)).toEqual([request.spanContext().spanId]);
  });

  it('has no link when no span is active at the call', ({ install }) => {
    tracing = install.tracing();
    withSession({}, () => undefined);
    expect(span('invoke_agent agent').links).toEqual([]);
  });

  it('writes the session identity and the root marker on its root span', ({ install }) => {
    tracing = install.tracing();
    const handle = withSession({ sessionId: 's-1', agentName: 'bot', agentId: 'agt_9', attributes: { tenant: 'acme' } }, (s) => s);
    expect(handle.sessionId).toBe('s-1');
    expect(span('invoke_agent bot').attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.conversation.id': 's-1',
      'gen_ai.agent.name': 'bot',
      'gen_ai.agent.id': 'agt_9',
      'audit.session.root': true,
      tenant: 'acme',
    });
  });

  it('generates a distinct session id per session when none is given', ({ install }) => {
    tracing = install.tracing();
    const a = withSession({}, (s) => s.sessionId);
    const b = withSession({}, (s) => s.sessionId);
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
  });

  it('exposes the session through activeSession only inside it', async ({ install }) => {
    tracing = install.tracing();
    expect(activeSession()).toBeUndefined();
    const seen = await withSession({ sessionId: 's-2', agentName: 'bot' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return activeSession();
    });
    expect(seen).toEqual({ sessionId: 's-2', agentName: 'bot' });
    expect(activeSession()).toBeUndefined();
  });

  it('lets a nested session inherit the agent name and link to the outer session', ({ install }) => {
    tracing = install.tracing();
    withSession({ agentName: 'planner' }, () => withSession({ sessionId: 'inner' }, () => undefined));
    const [inner, outer] = tracing.memory.getFinishedSpans();
    expect(inner!.attributes['gen_ai.agent.name']).toBe('planner');
    expect(inner!.attributes['gen_ai.conversation.id']).toBe('inner');
    expect(inner!.links[0]?.context.spanId).toBe(outer!.spanContext().spanId);
    expect(inner!.spanContext().traceId).not.toBe(outer!.spanContext().traceId);
  });
});

describe('session identity on spans inside a session', () => {
  it('is on our own spans without the audit processor, but not on other libraries\' spans', ({ install }) => {
    tracing = install.tracing();
    withSession({ sessionId: 's-3', agentName: 'bot' }, () => {
      withToolCall('t', {}, () => 1);
      trace.getTracer('other-lib').startSpan('GET /weather').end();
    });
    expect(span('execute_tool t').attributes).toMatchObject({ 'gen_ai.conversation.id': 's-3', 'gen_ai.agent.name': 'bot' });
    expect(span('GET /weather').attributes['gen_ai.conversation.id']).toBeUndefined();
  });

  it('is stamped on every inner span, ours or another library\'s, by the audit processor', async ({ install }) => {
    const backend = recordingBackend();
    const processor = recordingProcessor(backend);
    tracing = install.tracing([processor]);
    await withSession({ sessionId: 's-4', agentName: 'bot', agentId: 'agt_1' }, async () => {
      await withLLMCall({ model: 'm' }, async () => 'ok');
      trace.getTracer('other-lib').startSpan('GET /weather').end();
    });
    for (const name of ['chat m', 'GET /weather']) {
      expect(span(name).attributes).toMatchObject({
        'gen_ai.conversation.id': 's-4',
        'gen_ai.agent.name': 'bot',
        'gen_ai.agent.id': 'agt_1',
      });
    }
    await processor.forceFlush();
    const events = backend.events();
    expect(events.map((e) => e.type)).toEqual(['custom', 'prompt', 'completion', 'custom']);
    expect(events.every((e) => e.sessionId === 's-4' && e.agentName === 'bot' && e.agentId === 'agt_1')).toBe(true);
  });

  it('keeps an identity a span already carries instead of overwriting it', ({ install }) => {
    const processor = recordingProcessor(recordingBackend());
    tracing = install.tracing([processor]);
    withSession({ sessionId: 's-5', agentName: 'bot' }, () =>
      withToolCall('t', {}, () => 1, { attributes: { 'gen_ai.agent.name': 'sub-agent' } }),
    );
    expect(span('execute_tool t').attributes).toMatchObject({ 'gen_ai.conversation.id': 's-5', 'gen_ai.agent.name': 'sub-agent' });
  });

  it('is not stamped on spans outside any session', ({ install }) => {
    const processor = recordingProcessor(recordingBackend());
    tracing = install.tracing([processor]);
    withToolCall('t', {}, () => 1);
    expect(span('execute_tool t').attributes['gen_ai.conversation.id']).toBeUndefined();
  });
});
