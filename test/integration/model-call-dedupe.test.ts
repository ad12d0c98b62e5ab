import { SpanKind, trace } from '@opentelemetry/api';
import { describe, expect } from 'vitest';
import { withLLMCall, withSession } from '../../src/index.js';
import { it as base } from '../support/audit-test.js';

/**
 * `audited`: the audit processor with one Secureagentics backend on the test server,
 * installed. `types`: the events that server stored, as `type[:name]` sorted by time.
 */
const it = base
  // Calls still open 150 ms after their session ended are given up (default 5 minutes).
  .extend('audited', ({ secureagenticsServer: server, install }) => install.audit(server, { agentName: 'bot' }, { unfinishedCallTimeoutMillis: 150 }))
  // Batches may arrive in any order (several are sent at once): sorted by time, as the trail is read.
  .extend('types', ({ secureagenticsServer: server }) => () =>
    [...server.allEvents()]
      .sort((a, b) => a.timestamp.localeCompare(b.timestamp))
      .map((e) => `${e.type}${e.payload['name'] ? `:${e.payload['name']}` : ''}`));

const completion = {
  id: 'chatcmpl-9', object: 'chat.completion', model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Shipped.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 9, completion_tokens: 2 },
};

/** What an instrumentation of the client writes for the same call (GenAI shape, as the OTel and Traceloop ones do). */
function instrumentedClientCall<T>(result: T, attributes: Record<string, string | number> = {}): T {
  return trace.getTracer('some-openai-instrumentation').startActiveSpan(
    'chat gpt-4o-mini',
    { kind: SpanKind.CLIENT, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', ...attributes } },
    (span) => {
      trace.getTracer('http').startActiveSpan('POST', (http) => http.end()); // the HTTP call below it
      span.setAttributes({ 'gen_ai.usage.input_tokens': 9, 'gen_ai.usage.output_tokens': 2 });
      span.end();
      return result;
    },
  );
}

describe('one model call, one pair of events', () => {
  it('withLLMCall around an instrumented client: one prompt and one completion, from the call as the agent made it', async ({ secureagenticsServer: server, audited: { processor, tracing }, types }) => {
    await withSession({ agentName: 'bot' }, () =>
      withLLMCall({ model: 'gpt-4o-mini', provider: 'openai', prompt: 'Where is order 42?' }, () => instrumentedClientCall(completion)),
    );
    await processor.forceFlush();
    expect(types()).toEqual(['custom:session.start', 'prompt', 'completion', 'custom:session.end']);
    const inner = tracing!.memory.getFinishedSpans().find((s) => s.instrumentationScope.name === 'some-openai-instrumentation')!;
    const outer = tracing!.memory.getFinishedSpans().find((s) => s.instrumentationScope.name === 'otel-agent-audit' && s.name.startsWith('chat'))!;
    expect(inner.attributes['audit.model_call.recorded_by']).toBe(outer.spanContext().spanId);
    const [prompt, done] = server.allEvents().slice(1, 3);
    expect(prompt!.payload).toMatchObject({ span_id: outer.spanContext().spanId, prompt: expect.stringContaining('Where is order 42?') });
    expect(done!.payload).toMatchObject({ response: expect.stringContaining('Shipped.'), token_count: 2 });
  });

  it('two instrumentations of one client (nested spans): one pair', async ({ audited: { processor }, types }) => {
    await withSession({ agentName: 'bot' }, async () => {
      trace.getTracer('openinference').startActiveSpan('OpenAI Chat Completions', { attributes: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o-mini' } }, (span) => {
        instrumentedClientCall(completion);
        span.end();
      });
    });
    await processor.forceFlush();
    expect(types().filter((t) => t === 'prompt' || t === 'completion')).toEqual(['prompt', 'completion']);
  });

  it('recognises a model-call span whose attributes are set just after it started', async ({ audited: { processor }, types }) => {
    await withSession({ agentName: 'bot' }, () =>
      withLLMCall({ model: 'gpt-4o-mini', prompt: 'Hi' }, () =>
        trace.getTracer('late-writer').startActiveSpan('OpenAI Chat Completions', (span) => {
          span.setAttributes({ 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o-mini', 'output.value': 'Hello' });
          span.end();
          return 'Hello';
        }),
      ),
    );
    await processor.forceFlush();
    expect(types()).toEqual(['custom:session.start', 'prompt', 'completion', 'custom:session.end']);
  });

  it('calls one after another are each their own pair', async ({ audited: { processor }, types }) => {
    await withSession({ agentName: 'bot' }, async () => {
      instrumentedClientCall(completion);
      instrumentedClientCall(completion);
    });
    await processor.forceFlush();
    expect(types().sort()).toEqual(['completion', 'completion', 'custom:session.end', 'custom:session.start', 'prompt', 'prompt']);
  });
});

describe('model calls whose span never ends', () => {
  const neverEnded = () =>
    // As OpenInference and Traceloop do when the call fails: started, never ended.
    trace.getTracer('openinference').startSpan('OpenAI Chat Completions', {
      attributes: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o-mini', 'input.value': 'Where is order 42?' },
    });

  it('are reported as failed calls (prompt + error) once the timeout after their session ended has passed', async ({ secureagenticsServer: server, audited: { processor }, types }) => {
    await withSession({ agentName: 'bot' }, async () => {
      neverEnded();
      await new Promise((resolve) => setTimeout(resolve, 5));
    });
    await processor.forceFlush();
    expect(types()).toEqual(['custom:session.start', 'custom:session.end']); // it may still end: not given up yet
    await expect.poll(() => types(), { timeout: 3_000 }).toEqual(['custom:session.start', 'prompt', 'custom:session.end', 'error']);
    const error = server.allEvents().find((e) => e.type === 'error')!;
    expect(error.payload['message']).toMatch(/never ended \(still open 150 ms after its session ended\)/);
  });

  it('a call still open when its session ends that does end in time (a stream read by the caller) is a normal call', async ({ audited: { processor }, types }) => {
    let stream: ReturnType<typeof neverEnded> | undefined;
    await withSession({ agentName: 'bot' }, async () => {
      stream = neverEnded();
    });
    stream!.setAttribute('output.value', 'Shipped.');
    stream!.end();
    await new Promise((resolve) => setTimeout(resolve, 400)); // past the timeout
    await processor.forceFlush();
    expect(types().sort()).toEqual(['completion', 'custom:session.end', 'custom:session.start', 'prompt']);
  });

  it('ending after it was given up, its outcome still follows, without a second prompt', async ({ audited: { processor }, types }) => {
    let late: ReturnType<typeof neverEnded> | undefined;
    await withSession({ agentName: 'bot' }, async () => {
      late = neverEnded();
    });
    await expect.poll(() => types().filter((t) => t === 'error'), { timeout: 3_000 }).toEqual(['error']);
    late!.setAttribute('output.value', 'Shipped.');
    late!.end();
    await processor.forceFlush();
    expect(types().filter((t) => t === 'prompt' || t === 'completion' || t === 'error').sort()).toEqual(['completion', 'error', 'prompt']);
  });

  it('are recognised when the instrumentation says it is a model call only after starting the span', async ({ audited: { processor }, types }) => {
    await withSession({ agentName: 'bot' }, async () => {
      const span = trace.getTracer('openinference').startSpan('OpenAI Chat Completions');
      span.setAttributes({ 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o-mini' });
      trace.getTracer('http').startSpan('GET /slow'); // not a model call: never reported as one
    });
    await processor.shutdown();
    expect(types().filter((t) => t === 'prompt' || t === 'error')).toEqual(['prompt', 'error']);
  });

  it('outside a session, are reported at shutdown (or after the timeout), once', async ({ secureagenticsServer: server, audited: { processor }, types }) => {
    const span = trace.getTracer('traceloop').startSpan('chat gpt-4o-mini', { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini' } });
    await processor.forceFlush();
    expect(server.allEvents()).toHaveLength(0); // still running, as far as anyone knows
    await processor.shutdown();
    expect(types()).toEqual(['prompt', 'error']);
    span.end(); // ends after shutdown: nothing more is sent
    expect(server.allEvents()).toHaveLength(2);
  });
});

describe('scopes of their own', () => {
  it("a sub-agent's model call inside a tool that runs inside a streaming call is its own call", async ({ audited: { processor }, types }) => {
    const tracer = trace.getTracer('ai');
    await withSession({ agentName: 'bot' }, async () => {
      // Vercel streamText: ai.toolCall is a child of ai.streamText.doStream.
      tracer.startActiveSpan('ai.streamText.doStream', { attributes: { 'ai.operationId': 'ai.streamText.doStream', 'ai.model.id': 'gpt-4o' } }, (doStream) => {
        tracer.startActiveSpan('ai.toolCall', { attributes: { 'ai.operationId': 'ai.toolCall', 'ai.toolCall.name': 'research' } }, (tool) => {
          instrumentedClientCall(completion); // the sub-agent's own model call
          tool.end();
        });
        doStream.end();
      });
    });
    await processor.forceFlush();
    expect(types().filter((t) => t === 'prompt' || t === 'completion').sort()).toEqual(['completion', 'completion', 'prompt', 'prompt']);
  });

  it('an outer span that says it is a model call only after starting still records the inner one', async ({ audited: { processor }, types }) => {
    await withSession({ agentName: 'bot' }, async () => {
      trace.getTracer('openinference').startActiveSpan('OpenAI Chat Completions', (outer) => {
        outer.setAttributes({ 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o-mini' });
        instrumentedClientCall(completion);
        outer.end();
      });
    });
    await processor.forceFlush();
    expect(types().filter((t) => t === 'prompt' || t === 'completion')).toEqual(['prompt', 'completion']);
  });
});
