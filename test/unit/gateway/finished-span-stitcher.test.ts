/**
 * What the audit span processor learns at each span's start, worked out by
 * the gateway from finished spans: for spans of other libraries (no helper of
 * ours involved), the events through the gateway's pipeline equal those of
 * the in-process processor for the same program, run once each way.
 */
import { context, SpanKind, trace, type Attributes } from '@opentelemetry/api';
import { describe, expect } from 'vitest';
import { GatewayPipeline } from '../../../src/gateway/gateway-pipeline.js';
import { auditSpanProcessor, withSession, withToolCall } from '../../../src/index.js';
import type { AuditEvent } from '../../../src/model/audit-event.js';
import { it, type TracingInstaller } from '../../support/audit-test.js';
import { recordingBackend } from '../../support/recording-backend.js';
import { comparableTrail, sequenceIds } from '../../support/trail-comparison.js';
import { FAST_RETRY } from '../../support/tracing.js';

type Program = () => void;

/** Starts a span of `scope` as the active one, runs `inside`, ends it. */
function span(scope: string, name: string, attributes: Attributes, inside: () => void = () => undefined): void {
  trace.getTracer(scope).startActiveSpan(name, { kind: SpanKind.INTERNAL, attributes }, context.active(), (s) => {
    inside();
    s.end();
  });
}

async function inProcess(install: TracingInstaller, program: Program | (() => Promise<void>)): Promise<AuditEvent[]> {
  const backend = recordingBackend();
  const tracing = install.tracing([auditSpanProcessor({ backends: [backend], ...FAST_RETRY })], { idGenerator: sequenceIds() });
  await program();
  await tracing.close();
  return backend.events();
}

/** `program` through the gateway's pipeline: its spans in one request, or (`oneByOne`) each in a request of its own, in the order they ended. */
async function throughGateway(install: TracingInstaller, program: Program | (() => Promise<void>), oneByOne = false): Promise<AuditEvent[]> {
  const backend = recordingBackend();
  const tracing = install.tracing([], { idGenerator: sequenceIds() });
  await program();
  const pipeline = new GatewayPipeline({ backends: [backend], ...FAST_RETRY });
  const spans = tracing.memory.getFinishedSpans();
  for (const request of oneByOne ? spans.map((s) => [s]) : [spans]) await pipeline.acceptSpans(request);
  await pipeline.shutdown();
  await tracing.close();
  return backend.events();
}

/** OpenInference LLM attributes of a call asking `question`, as written at the span's end. */
const asked = (question: string, model: string): Attributes => ({
  'openinference.span.kind': 'LLM',
  'llm.model_name': model,
  'llm.input_messages.0.message.role': 'user',
  'llm.input_messages.0.message.content': question,
  'llm.token_count.prompt': 9,
});

/**
 * Two LangChain agents at once: both framework model calls open while the
 * client spans of the calls (traces of their own) end, in the other order;
 * the framework spans are described only at their end, as OpenInference does.
 */
function concurrentAgents(): void {
  const framework = trace.getTracer('@arizeai/openinference-instrumentation-langchain');
  const chains = ['Oslo', 'Bergen'].map((city) => framework.startSpan(`agent ${city}`, { attributes: { 'openinference.span.kind': 'CHAIN' } }, context.active()));
  const llms = chains.map((chain) => framework.startSpan('ChatOpenAI', { attributes: { 'openinference.span.kind': 'LLM' } }, trace.setSpan(context.active(), chain)));
  context.with(trace.deleteSpan(context.active()), () => {
    span('@arizeai/openinference-instrumentation-openai', 'OpenAI Chat Completions', asked('Weather in Bergen?', 'gpt-4o-2024-08-06'));
    span('@arizeai/openinference-instrumentation-openai', 'OpenAI Chat Completions', asked('Weather in Oslo?', 'gpt-4o-2024-08-06'));
  });
  ['Oslo', 'Bergen'].forEach((city, i) => {
    llms[i]!.setAttributes(asked(`Weather in ${city}?`, 'gpt-4o'));
    llms[i]!.end();
    chains[i]!.end();
  });
}

const PROGRAMS: Record<string, Program> = {
  "a framework's run outside any session becomes the session of the spans under it": () =>
    span('agent-framework', 'invoke_agent planner', { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' }, () => {
      span('agent-framework', 'chat gpt-4o', { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.provider.name': 'openai' });
      span('agent-framework', 'execute_tool search', { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' }, () =>
        // A sub-agent's call inside a tool is a call of its own.
        span('llm-client', 'chat gpt-4o-mini', { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini' }),
      );
    }),
  "a framework's model call is recorded by the client's span of it, which has no parent link to it": () => {
    const framework = trace.getTracer('@arizeai/openinference-instrumentation-langchain');
    framework.startActiveSpan('RunnableSequence', { attributes: { 'openinference.span.kind': 'CHAIN' } }, (chain) => {
      // LangChain's model-call span is never made the active context: the client's span starts in a trace of its own.
      const llm = framework.startSpan('ChatOpenAI', { attributes: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o' } });
      context.with(trace.deleteSpan(context.active()), () =>
        span('@arizeai/openinference-instrumentation-openai', 'OpenAI Chat Completions', { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o-2024-08-06', 'llm.token_count.prompt': 9 }),
      );
      llm.end();
      chain.end();
    });
  },
  'concurrent framework model calls are each recorded by the client span that asked the same': concurrentAgents,
  "a framework's model call that started after the client's span of it (LangChain's background callbacks)": () => {
    const framework = trace.getTracer('@arizeai/openinference-instrumentation-langchain');
    const chain = framework.startSpan('agent', { attributes: { 'openinference.span.kind': 'CHAIN' } });
    const client = trace.getTracer('@arizeai/openinference-instrumentation-openai').startSpan('OpenAI Chat Completions', { attributes: asked('Weather in Oslo?', 'gpt-4o-2024-08-06') });
    const llm = framework.startSpan('ChatOpenAI', { attributes: { 'openinference.span.kind': 'LLM' } }, trace.setSpan(context.active(), chain));
    client.end();
    llm.setAttributes(asked('Weather in Oslo?', 'gpt-4o'));
    llm.end();
    chain.end();
  },
  'a model-call span inside another is recorded by the outer one': () =>
    span('wrapper-lib', 'chat gpt-4o', { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' }, () =>
      span('llm-client', 'chat gpt-4o', { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.response.id': 'resp_1' }),
    ),
};

describe('FinishedSpanStitcher', () => {
  for (const [what, program] of Object.entries(PROGRAMS)) {
    it(`matches the processor: ${what}`, async ({ install }) => {
      const expected = await inProcess(install, program);

      const got = await throughGateway(install, program);

      expect(comparableTrail(got)).toEqual(comparableTrail(expected));
      expect(expected.length).toBeGreaterThan(1);
    });
  }

  it('records each of two concurrent framework calls once, through the client span that asked the same', async ({ install }) => {
    const got = await throughGateway(install, concurrentAgents);

    const prompts = got.filter((e) => e.type === 'prompt');
    expect(prompts).toHaveLength(2);
    // In the session of the agent that asked, not in the client span's trace of its own.
    expect(new Set(prompts.map((e) => e.sessionId)).size).toBe(2);
    for (const prompt of prompts) expect(prompt.sessionId).not.toContain(prompt.traceId);
  });

  it('stitches a withSession trace whose spans come one request each: the trace is the session', async ({ install }) => {
    const program = () =>
      withSession({ sessionId: 'sess-apart', agentName: 'bot' }, async () => {
        await withToolCall('lookup', { id: 1 }, () => 'ok');
        // Another library's call in the session: it learns the session from the tool's span, sent before it.
        span('llm-client', 'chat gpt-4o', { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' });
      });
    const expected = await inProcess(install, program);

    const got = await throughGateway(install, program, true);

    expect(comparableTrail(got)).toEqual(comparableTrail(expected));
    expect(got.filter((e) => e.type === 'prompt').map((e) => e.sessionId)).toEqual(['sess-apart']);
  });

  it("does not lend a remembered span's session to a span of another trace that names the same parent span id", async ({ install }) => {
    const backend = recordingBackend();
    const tracing = install.tracing([]);
    span('agent-framework', 'invoke_agent planner', { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' }, () =>
      span('agent-framework', 'chat gpt-4o', { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' }),
    );
    const [first] = [tracing.memory.getFinishedSpans()];
    const run = first.find((s) => s.name === 'invoke_agent planner')!.spanContext();
    // Another app, another trace, a parent span id copied from the first.
    const foreignParent = trace.setSpanContext(context.active(), { traceId: 'f'.repeat(32), spanId: run.spanId, traceFlags: 1, isRemote: true });
    trace.getTracer('other-app').startSpan('chat gpt-4o-mini', { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini' } }, foreignParent).end();
    const foreign = tracing.memory.getFinishedSpans().filter((s) => !first.includes(s));
    const pipeline = new GatewayPipeline({ backends: [backend], ...FAST_RETRY });

    await pipeline.acceptSpans([...first]);
    await pipeline.acceptSpans(foreign);
    await pipeline.shutdown();

    const sessionOf = (traceId: string) => new Set(backend.events().filter((e) => e.type === 'prompt' && e.traceId === traceId).map((e) => e.sessionId));
    const runSessions = sessionOf(run.traceId);
    expect(runSessions.size).toBe(1);
    expect([...sessionOf('f'.repeat(32))].some((id) => runSessions.has(id))).toBe(false);
  });
});
