/**
 * The official @opentelemetry/instrumentation-openai 0.21 on the Responses
 * API: `client.responses.create` makes a `chat {model}` CLIENT span and, with
 * content capture on, `gen_ai.client.inference.operation.details` log records
 * whose `gen_ai.input.messages` / `gen_ai.output.messages` attributes hold
 * parts. A `tool_call` part carries two ids: `id` (the `fc_…` item id) and
 * `call_id` (the `call_…` id the function_call_output answers). Proves the
 * acceptance "use call_id where it exists": the completion's requested tool
 * call, the follow-up prompt's replayed call and tool result, and the
 * executed tool_call event all carry the same `call_…` id.
 */
import { describe, expect, it } from 'vitest';
import { runScenario, SCRIPT } from './run-scenario.js';
import { expectResponsesTraffic, expectResponsesTrail, ofType, partsOf, responsesReplies } from './expect-responses-trail.js';

// The scenario loads the built package by name: `npm test` builds first.
describe('interop: openai Responses API + @opentelemetry/instrumentation-openai', () => {
  it('names the requested tool call by its call_id, as the tool_call event does', async () => {
    const run = await runScenario(
      'opentelemetry-openai-responses',
      { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true' },
      'opentelemetry-openai-responses',
      responsesReplies(),
    );
    expectResponsesTraffic(run);
    const [completion] = ofType(run.events, 'completion');
    const [, followUp] = ofType(run.events, 'prompt');
    const [toolCall] = ofType(run.events, 'tool_call');
    expect.soft(toolCall?.payload.tool_call_id).toBe(SCRIPT.toolCallId);
    expect.soft(partsOf(completion, 'tool_call').map((call) => call.id)).toEqual([SCRIPT.toolCallId]);
    // The follow-up replays the call and answers it: both by the same call_id.
    expect.soft(partsOf(followUp, 'tool_call').map((call) => call.id)).toEqual([SCRIPT.toolCallId]);
    expect.soft(partsOf(followUp, 'tool_call_response').map((answer) => answer.id)).toEqual([SCRIPT.toolCallId]);
    expectResponsesTrail(run);
  });
});
