// What part (a) of the benchmark records, shared by run.mjs and ab-helpers.mjs:
// one chat call's messages and reply, a backend that discards, and the timer.
import { setImmediate as yieldToLoop } from 'node:timers/promises';

export const messages = [{ role: 'system', content: 'You are a support agent.' }, { role: 'user', content: 'Where is order 42?' }];
export const completion = {
  id: 'chatcmpl-1', object: 'chat.completion', model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'It shipped yesterday.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 21, completion_tokens: 6 },
};
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
