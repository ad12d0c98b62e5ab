// What parts (a) and (k) of the benchmark record, shared by run.mjs, ab-helpers.mjs
// and peer-recording.mjs: one chat call's messages and reply, the spans a developer
// would write by hand to record them, a backend that discards, and the timer.
import { SpanKind } from '@opentelemetry/api';
import { setImmediate as yieldToLoop } from 'node:timers/promises';

export const messages = [{ role: 'system', content: 'You are a support agent.' }, { role: 'user', content: 'Where is order 42?' }];
export const completion = {
  id: 'chatcmpl-1', object: 'chat.completion', model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'It shipped yesterday.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 21, completion_tokens: 6 },
};

/** The tool call `lookup_order({ orderId: i })` → `{ status: 'shipped' }` as a hand-written GenAI span on `tracer`. */
export const handToolSpan = (tracer) => (i) =>
  tracer.startActiveSpan('execute_tool lookup_order', { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup_order', 'gen_ai.tool.call.arguments': JSON.stringify({ orderId: i }) } }, (span) => {
    span.setAttribute('gen_ai.tool.call.result', JSON.stringify({ status: 'shipped' }));
    span.end();
  });

/** The chat call (`messages` → `completion`) as a hand-written GenAI span on `tracer`. */
export const handLLMSpan = (tracer) => () =>
  tracer.startActiveSpan('chat gpt-4o-mini', { kind: SpanKind.CLIENT, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.input.messages': JSON.stringify(messages.map((m) => ({ role: m.role, parts: [{ type: 'text', content: m.content }] }))) } }, (span) => {
    const r = completion;
    const choice = r.choices[0];
    span.setAttributes({
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: choice.message.content }], finish_reason: choice.finish_reason }]),
      'gen_ai.response.finish_reasons': [choice.finish_reason],
      'gen_ai.usage.input_tokens': r.usage.prompt_tokens,
      'gen_ai.usage.output_tokens': r.usage.completion_tokens,
      'gen_ai.response.model': r.model,
      'gen_ai.response.id': r.id,
    });
    span.end();
  });

export const discard = { name: 'discard', maxBatchSize: 100, send: async () => ({ kind: 'delivered' }), shutdown: async () => {} };

/** ns per call of `fn`, run in chunks that yield so queued spans get converted between them. */
export async function nsPerCall(fn, calls) {
  let elapsed = 0n;
  for (let done = 0; done < calls; done += 250) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < 250; i++) fn(i);
    elapsed += process.hrtime.bigint() - start;
    await yieldToLoop();
  }
  return Number(elapsed) / calls;
}
