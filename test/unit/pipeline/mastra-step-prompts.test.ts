/**
 * Mastra's model-call spans carry no request messages; the step span around
 * each (which ends after it) does (pipeline/mastra-step-prompts.ts). Spans as
 * @mastra/otel-bridge writes them (test/interop/captured/mastra.json): started
 * bare, every attribute written at the end.
 */
import { ROOT_CONTEXT, trace, type Attributes, type Span } from '@opentelemetry/api';
import { describe, expect } from 'vitest';
import { it } from '../../support/audit-test.js';

const BRIDGE = '@mastra/otel-bridge';

function bridgeSpan(name: string, parent?: Span): Span {
  return trace.getTracer(BRIDGE).startSpan(name, {}, parent === undefined ? ROOT_CONTEXT : trace.setSpan(ROOT_CONTEXT, parent));
}

const chat: Attributes = {
  'gen_ai.operation.name': 'chat',
  'mastra.span.type': 'model_inference',
  'gen_ai.request.model': 'gpt-4o-mini',
  'gen_ai.provider.name': 'openai',
  'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Rainy.' }] }]),
  'gen_ai.usage.input_tokens': 12,
  'gen_ai.usage.output_tokens': 2,
};
const stepInput = JSON.stringify([
  { role: 'system', content: 'You are a weather assistant.' },
  { role: 'user', content: 'What is the weather in Oslo?' },
]);

/** A run with one step around one model call; `end` the step or leave it open. */
function runWithStep(stepAttributes: Attributes | undefined): Span {
  const run = bridgeSpan('invoke_agent weather-agent');
  const step = bridgeSpan('agent_step weather-agent', run);
  const call = bridgeSpan('chat gpt-4o-mini', step);
  call.setAttributes(chat);
  call.end();
  if (stepAttributes !== undefined) {
    step.setAttributes(stepAttributes);
    step.end();
  }
  run.setAttributes({ 'gen_ai.operation.name': 'invoke_agent', 'mastra.span.type': 'agent_run', 'gen_ai.agent.name': 'weather-agent', 'mastra.metadata.runId': 'run-1' });
  return run;
}

describe("Mastra model calls and their step's input", () => {
  it("gives a model call's prompt the messages of the step span around it", async ({ recorded: { backend, processor } }) => {
    runWithStep({ 'gen_ai.operation.name': 'agent_step', 'mastra.span.type': 'model_step', 'mastra.model_step.input': stepInput }).end();
    await processor.forceFlush();
    const prompt = backend.events().find((e) => e.type === 'prompt');
    expect(prompt?.payload).toMatchObject({
      model: 'gpt-4o-mini',
      prompt: expect.stringContaining('user: What is the weather in Oslo?'),
      messages: [
        { role: 'system', parts: [{ type: 'text', content: 'You are a weather assistant.' }] },
        { role: 'user', parts: [{ type: 'text', content: 'What is the weather in Oslo?' }] },
      ],
    });
    expect(backend.events().filter((e) => e.type === 'completion')).toHaveLength(1);
  });

  it('records the call as it is when its parent is no step with an input', async ({ recorded: { backend, processor } }) => {
    runWithStep({ 'gen_ai.operation.name': 'agent_step', 'mastra.span.type': 'model_step' }).end();
    await processor.forceFlush();
    expect(backend.events().filter((e) => e.type === 'prompt').map((e) => e.payload['messages'])).toEqual([undefined]);
  });

  it('holds nothing when the step is no span this processor saw open (another provider, or already gone)', async ({ recorded: { backend, processor } }) => {
    // A parent on a provider without this processor: it never ends here.
    const elsewhere = trace.getTracer(BRIDGE).startSpan('agent_step weather-agent');
    const parent = { traceId: elsewhere.spanContext().traceId, spanId: 'abcdef0123456789', traceFlags: 1 };
    const call = trace.getTracer(BRIDGE).startSpan('chat gpt-4o-mini', {}, trace.setSpanContext(ROOT_CONTEXT, parent));
    call.setAttributes(chat);
    call.end();
    expect(processor.hasPendingWork()).toBe(true); // queued, not held: the next turn converts it
    await processor.forceFlush();
    expect(backend.events().filter((e) => e.type === 'completion')).toHaveLength(1);
    expect(processor.hasPendingWork()).toBe(false);
    elsewhere.end();
  });

  it('counts a held call as pending work, and lets it go at the second beforeExit when its step still has not ended', async ({ recorded: { backend, processor } }) => {
    runWithStep(undefined).end();
    await processor.forceFlush();
    expect(backend.events().filter((e) => e.type === 'completion')).toHaveLength(0);
    expect(processor.hasPendingWork()).toBe(true);
    // The first beforeExit notes it (one more turn of the loop); the second lets it go.
    expect(processor.reportUnfinishedCallsAtExit()).toEqual({ reported: 0, noted: 1 });
    expect(processor.reportUnfinishedCallsAtExit()).toMatchObject({ reported: 1 });
    await processor.forceFlush();
    expect(backend.events().filter((e) => e.type === 'completion')).toHaveLength(1);
  });

  it('records the call at shutdown when its step never ends', async ({ recorded: { backend, processor } }) => {
    runWithStep(undefined).end();
    await processor.shutdown();
    expect(backend.events().filter((e) => e.type === 'prompt')).toHaveLength(1);
    expect(backend.events().filter((e) => e.type === 'completion')).toHaveLength(1);
  });
});
