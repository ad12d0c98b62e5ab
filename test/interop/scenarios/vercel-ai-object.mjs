// The Vercel AI SDK's generateObject, whose model call succeeds but whose
// output fails the schema: the failure is raised in the outer
// `ai.generateObject` span, on no model call.
import { createOpenAI } from '@ai-sdk/openai';
import { generateObject } from 'ai';
import { withSession } from 'otel-agent-audit';
import { z } from 'zod';
import { AGENT_NAME, env, startTelemetry } from './harness.mjs';
import { MODEL } from './openai-agent.mjs';

const telemetry = startTelemetry({ scenario: 'vercel-ai-object', packages: ['ai', '@ai-sdk/openai', 'zod'] });
const model = createOpenAI({ baseURL: env.modelUrl, apiKey: env.modelKey }).chat(MODEL);

await withSession({ agentName: AGENT_NAME }, async () => {
  try {
    await generateObject({
      model,
      schema: z.object({ orderNumber: z.number() }),
      prompt: 'Which order is late?',
      maxRetries: 0,
      experimental_telemetry: { isEnabled: true },
    });
  } catch (error) {
    console.log(`failed: ${error.name}`);
  }
});
await telemetry.shutdown();
