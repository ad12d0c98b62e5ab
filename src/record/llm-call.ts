import { context, SpanKind, type Attributes, type AttributeValue } from '@opentelemetry/api';
import type { RecordingPolicy } from '../model/recording-policy.js';
import { handleFor, writeResult, type LLMCallHandle } from './llm-call-handle.js';
import { promptAttributes, readLLMCallInput } from './llm-call-input.js';
import type { LLMResult } from './llm-result.js';
import { policyOf } from './policy-of.js';
import { RecordingProblems } from './recording-problems.js';
import { callUserFunction, runInSpan, type Recorded } from './run-in-span.js';

export type { LLMCallHandle, LLMUsage } from './llm-call-handle.js';

/** Options of {@link withLLMCall}: the prompt side of one model call. */
export interface LLMCallOptions {
  /** Model asked for (`gen_ai.request.model`). Required. */
  model: string;
  /** Provider, e.g. `'openai'`, `'anthropic'` (`gen_ai.provider.name`). */
  provider?: string;
  /** Chat messages in OpenAI, Anthropic, Vercel AI SDK, plain `{role, content}` or GenAI `{role, parts}` shape. */
  messages?: readonly unknown[];
  /** A plain text prompt, for completion-style calls (recorded as one user message). */
  prompt?: string;
  /** System instructions given apart from the messages (Anthropic's `system`). */
  system?: string | readonly unknown[];
  /** Request parameters (`temperature`, `maxTokens`, …), each written as `gen_ai.request.<snake_case>`. */
  parameters?: Readonly<Record<string, AttributeValue>>;
  /** GenAI operation name. Default `'chat'`. */
  operation?: string;
  /** Extra span attributes. */
  attributes?: Attributes;
}

/**
 * Runs one model call as a `chat {model}` CLIENT span, recording the prompt
 * at the start and the completion, finish reasons and token usage at the end.
 * Results of the OpenAI (chat completions, responses) and Anthropic
 * (messages) SDKs are read automatically; anything set through the handle
 * takes precedence. A throw or rejection is recorded and re-thrown unchanged.
 *
 * The span starts with the call's metadata (operation, model, provider,
 * parameters, `attributes`); the prompt is written just after, under the
 * recording policy the span's audit processors gave it (no content when any
 * of them forbids it; texts cut to the shortest content limit).
 *
 * Options of the wrong type, or that throw when read, never fail the call:
 * what can be read is recorded, the rest is marked on the span by an
 * `audit.recording.problem` event and said once through `diag`.
 *
 * @throws {TypeError} only when `fn` is not a function (recorded on the span first).
 * @example
 * const reply = await withLLMCall(
 *   { model: 'gpt-4o', provider: 'openai', messages },
 *   () => openai.chat.completions.create({ model: 'gpt-4o', messages }),
 * );
 */
export function withLLMCall<T>(options: LLMCallOptions, fn: (call: LLMCallHandle) => T): Recorded<T> {
  const problems = new RecordingProblems('withLLMCall');
  const input = readLLMCallInput(options, problems);
  const recorded: LLMResult = {};
  let policy: RecordingPolicy | undefined;
  return runInSpan(
    input.model === undefined ? input.operation : `${input.operation} ${input.model}`,
    { kind: SpanKind.CLIENT, attributes: input.startAttributes },
    context.active(),
    (span) => {
      const current = (policy = policyOf(span));
      problems.attempt('messages', () => span.setAttributes(promptAttributes(input, current, problems)));
      problems.bind(span);
      return callUserFunction(fn, handleFor(span, recorded, current, problems), 'withLLMCall');
    },
    (span, value) => writeResult(span, value, recorded, policy ?? policyOf(span), problems),
  );
}
