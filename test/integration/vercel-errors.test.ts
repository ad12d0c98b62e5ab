// The real `ai` 6 and `@ai-sdk/openai` against the strict fake OpenAI server,
// in this process, through the audit span processor: one failure, one error
// event, wherever the SDK raised it.
import { createOpenAI } from '@ai-sdk/openai';
import { generateObject, generateText, Output, stepCountIs, tool } from 'ai';
import { describe, expect } from 'vitest';
import { z } from 'zod';
import { withLLMCall } from '../../src/record/llm-call.js';
import { errorReply, textReply, toolCallReply } from '../servers/fake-openai-server.js';
import { it as base } from '../support/audit-test.js';

/**
 * `chatModel`: the `@ai-sdk/openai` chat model on the fake OpenAI server, with
 * the audit processor (a recording backend) installed. `errors`: the error
 * events it delivered as `span:type`, sorted: the SDK's span clocks can
 * disagree by a millisecond, so time order is not tested.
 */
const it = base
  .extend('chatModel', ({ recorded, fakeOpenAI }) => async () => createOpenAI({ baseURL: `${fakeOpenAI.url}/v1`, apiKey: fakeOpenAI.apiKey }).chat('gpt-4o-mini'))
  .extend('errors', ({ recorded: { backend, processor } }) => async (): Promise<string[]> => {
    await processor.forceFlush();
    return backend.events().filter((e) => e.type === 'error').map((e) => `${String(e.payload['span_name'])}:${String(e.payload['error_type'])}`).sort();
  });

const telemetry = { isEnabled: true };
const schema = z.object({ orderNumber: z.number() });
const NOT_A_NUMBER = '{"orderNumber":"forty-two"}';

describe('Vercel AI SDK failures, each one error event', () => {
  it('a retried 500, then an answer failing the schema: both', async ({ chatModel, fakeOpenAI: fake, errors }) => {
    const model = await chatModel();
    fake!.enqueue(errorReply(500), textReply(NOT_A_NUMBER));
    await expect(generateObject({ model, schema, prompt: 'Which order?', maxRetries: 1, experimental_telemetry: telemetry })).rejects.toThrow(/No object generated/);
    expect(await errors()).toEqual(['ai.generateObject.doGenerate:AI_APICallError', 'ai.generateObject:AI_NoObjectGeneratedError'].sort());
  });

  it('a tool error fed back to the model, then output failing the schema: both', async ({ chatModel, fakeOpenAI: fake, errors }) => {
    const model = await chatModel();
    fake!.enqueue(toolCallReply('lookup', { id: 42 }), textReply(NOT_A_NUMBER));
    const tools = {
      lookup: tool({
        inputSchema: z.object({ id: z.number() }),
        execute: async ({ id }): Promise<string> => {
          throw new Error(`order service down (order ${id})`);
        },
      }),
    };
    await expect(
      generateText({ model, tools, output: Output.object({ schema }), prompt: 'Which order?', stopWhen: stepCountIs(3), maxRetries: 0, experimental_telemetry: telemetry }),
    ).rejects.toThrow(/No object generated/);
    expect(await errors()).toEqual(['ai.generateText:AI_NoObjectGeneratedError', 'ai.toolCall:Error']);
  });

  it('a 500 on the only attempt: the model call\'s error alone', async ({ chatModel, fakeOpenAI: fake, errors }) => {
    const model = await chatModel();
    fake!.enqueue(errorReply(500));
    await expect(generateText({ model, prompt: 'Which order?', maxRetries: 0, experimental_telemetry: telemetry })).rejects.toThrow();
    expect(await errors()).toEqual(['ai.generateText.doGenerate:AI_APICallError']);
  });

  it('inside withLLMCall, which records the call: its error alone', async ({ chatModel, fakeOpenAI: fake, errors }) => {
    const model = await chatModel();
    fake!.enqueue(textReply(NOT_A_NUMBER));
    await expect(
      withLLMCall({ model: 'gpt-4o-mini', provider: 'openai', prompt: 'Which order?' }, () =>
        generateObject({ model, schema, prompt: 'Which order?', maxRetries: 0, experimental_telemetry: telemetry }),
      ),
    ).rejects.toThrow(/No object generated/);
    expect(await errors()).toEqual(['chat gpt-4o-mini:AI_NoObjectGeneratedError']);
  });

  it('inside withLLMCall, a 500: its error alone', async ({ chatModel, fakeOpenAI: fake, errors }) => {
    const model = await chatModel();
    fake!.enqueue(errorReply(500));
    await expect(
      withLLMCall({ model: 'gpt-4o-mini', provider: 'openai', prompt: 'Which order?' }, () =>
        generateText({ model, prompt: 'Which order?', maxRetries: 0, experimental_telemetry: telemetry }),
      ),
    ).rejects.toThrow();
    expect(await errors()).toEqual(['chat gpt-4o-mini:AI_APICallError']);
  });
});
