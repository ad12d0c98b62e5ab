/**
 * OpenInference on the Responses API: `client.responses.create` under
 * @arizeai/openinference-instrumentation-openai (span `OpenAI Responses`).
 * Proves the audit trail reads the Responses shapes OpenInference flattens —
 * `input_text` / `output_text` content parts (`message.contents.{k}`), the
 * `function_call` item (a tool call under its `call_id`) and the
 * `function_call_output` item (a tool message) — into prompts with the user
 * and developer text, a first completion naming the requested call, a second
 * completion whose response is the answer, with token counts.
 */
import { describe, it } from 'vitest';
import { expectResponsesTraffic, expectResponsesTrail, responsesReplies } from './expect-responses-trail.js';
import { runScenario } from './run-scenario.js';

// The scenario loads the built package by name: `npm test` builds first.
describe('interop: openai Responses API + OpenInference (@arizeai/openinference-instrumentation-openai)', () => {
  it('yields one prompt and completion per call with content, the requested call id, tokens and the tool call', async () => {
    const run = await runScenario('openinference-openai-responses', {}, 'openinference-openai-responses', responsesReplies());
    expectResponsesTraffic(run);
    expectResponsesTrail(run);
  });
});
