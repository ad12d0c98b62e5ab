/**
 * One run, one trail, with our OpenAI Agents trace processor and
 * OpenInference's bridge registered at once (pipeline/agents-bridge-spans.ts),
 * and a framework call that reaches the processor after the client's span of
 * the same call started (pipeline/framework-calls.ts), on spans shaped as
 * both bridges write them.
 */
import { ROOT_CONTEXT, trace, type Attributes, type HrTime, type Span } from '@opentelemetry/api';
import { describe, expect } from 'vitest';
import type { AuditEvent } from '../../../src/index.js';
import { it } from '../../support/audit-test.js';

const OURS = 'otel-agent-audit/openai-agents';
const BRIDGE = '@arizeai/openinference-instrumentation-openai-agents';
const OPENAI = '@arizeai/openinference-instrumentation-openai';

function start(scope: string, name: string, attributes: Attributes, parent?: Span, startTime?: HrTime): Span {
  return trace.getTracer(scope).startSpan(name, { attributes, ...(startTime && { startTime }) }, parent === undefined ? ROOT_CONTEXT : trace.setSpan(ROOT_CONTEXT, parent));
}

const bridgeLlm: Attributes = {
  'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o-mini', 'llm.provider': 'openai',
  'llm.input_messages.0.message.role': 'user', 'llm.input_messages.0.message.content': 'weather?',
  'llm.output_messages.0.message.role': 'assistant', 'llm.output_messages.0.message.content': 'fine',
  'llm.token_count.prompt': 5, 'llm.token_count.completion': 1,
};
const ourChat: Attributes = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 5, 'gen_ai.usage.output_tokens': 1 };
const ourRun: Attributes = { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'Agent workflow', 'audit.framework.plumbing': true };

const kinds = (events: readonly AuditEvent[]) => events.map((e) => (e.type === 'custom' ? String(e.payload['name']) : e.type)).sort();

describe('one run, one trail, with both OpenAI Agents bridges', () => {
  it('records a run once, ours, when the OpenInference bridge started its root first', async ({ recorded: { backend, processor } }) => {
    // The SDK calls the bridge first: its root starts before ours.
    const theirRoot = start(BRIDGE, 'Agent workflow', { 'openinference.span.kind': 'AGENT' });
    const run = start(OURS, 'invoke_agent Agent workflow', ourRun);
    const theirCall = start(BRIDGE, 'response', bridgeLlm, theirRoot);
    const ourCall = start(OURS, 'chat gpt-4o-mini', ourChat, run);
    theirCall.end();
    ourCall.end();
    run.end();
    theirRoot.end();
    await processor.forceFlush();
    const events = backend.events();
    expect(kinds(events)).toEqual(['completion', 'prompt', 'session.end', 'session.start']);
    expect(new Set(events.map((e) => e.spanId))).toEqual(new Set([run.spanContext().spanId, ourCall.spanContext().spanId]));
  });

  it('leaves the bridge alone when none of ours is open: its root is the session, from its first child on', async ({ recorded: { backend, processor } }) => {
    const theirRoot = start(BRIDGE, 'Agent workflow', { 'openinference.span.kind': 'AGENT' });
    const theirCall = start(BRIDGE, 'response', bridgeLlm, theirRoot);
    theirCall.end();
    theirRoot.end();
    await processor.forceFlush();
    expect(kinds(backend.events())).toEqual(['completion', 'prompt', 'session.end', 'session.start']);
  });

  it('matches our call to the client\'s span of it when ours reached the processor after the client\'s started', async ({ recorded: { backend, processor } }) => {
    const run = start(OURS, 'invoke_agent Agent workflow', ourRun);
    const sdkStart: HrTime = [Math.floor(Date.now() / 1000) - 1, 0]; // the SDK's own time, taken before the call went out
    const client = start(OPENAI, 'OpenAI Chat Completions', bridgeLlm); // no parent: a trace of its own
    const ours = start(OURS, 'chat gpt-4o-mini', ourChat, run, sdkStart);
    client.end();
    ours.end();
    run.end();
    await processor.forceFlush();
    const calls = backend.events().filter((e) => e.type === 'prompt' || e.type === 'completion');
    expect(calls.map((e) => e.spanId)).toEqual([client.spanContext().spanId, client.spanContext().spanId]);
    // In the run's session, under its agent.
    expect(new Set(calls.map((e) => e.sessionId))).toEqual(new Set([`${run.spanContext().traceId}-${run.spanContext().spanId}`]));
  });
});
