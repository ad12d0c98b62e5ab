/**
 * The completion side of `withLLMCall`: the handle its function gets, to
 * record what the result does not say, and the attributes written from the
 * result and the handle when the call returns. Every setter takes input of
 * any type: what cannot be recorded is noted, never thrown.
 */
import type { Attributes, Span } from '@opentelemetry/api';
import {
  GEN_AI_OUTPUT_MESSAGES,
  GEN_AI_RESPONSE_FINISH_REASONS,
  GEN_AI_RESPONSE_ID,
  GEN_AI_RESPONSE_MODEL,
  GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS,
  GEN_AI_USAGE_INPUT_TOKENS,
  GEN_AI_USAGE_OUTPUT_TOKENS,
  GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
} from '../model/attributes.js';
import { contentToParts, toGenAiMessages, type GenAiMessage } from '../model/chat-messages.js';
import type { RecordingPolicy } from '../model/recording-policy.js';
import { describeKind, isList } from '../model/value-kind.js';
import { messageReading, messagesJson } from './llm-call-input.js';
import { extractLLMResult, type LLMResult } from './llm-result.js';
import { optionsObject, readOption, textOf } from './read-input.js';
import type { RecordingProblems } from './recording-problems.js';

/** Usage counts of one call. */
export interface LLMUsage {
  /** Tokens of the prompt (`gen_ai.usage.input_tokens`). */
  inputTokens?: number;
  /** Tokens of the completion (`gen_ai.usage.output_tokens`). */
  outputTokens?: number;
  /** Prompt tokens served from the provider's cache (`gen_ai.usage.cache_read.input_tokens`). */
  cacheReadTokens?: number;
  /** Prompt tokens written to the provider's cache (`gen_ai.usage.cache_write.input_tokens`). */
  cacheWriteTokens?: number;
  /** Completion tokens spent on reasoning (`gen_ai.usage.reasoning.output_tokens`). */
  reasoningTokens?: number;
}

const USAGE_FIELDS = ['inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'reasoningTokens'] as const;

/** Lets the function record what could not be read from its result. Every setter never throws. */
export interface LLMCallHandle {
  readonly span: Span;
  /** The completion: text, one message, or several messages. */
  setCompletion(completion: string | unknown | readonly unknown[]): void;
  setUsage(usage: LLMUsage): void;
  setFinishReasons(reasons: string | readonly string[]): void;
  setResponseModel(model: string): void;
  setResponseId(id: string): void;
}

/**
 * The handle for `span`: each setter records into `recorded`, which takes
 * precedence over what is read from the result.
 *
 * @example
 * fn(handleFor(span, recorded, policyOf(span), problems));
 */
export function handleFor(span: Span, recorded: LLMResult, policy: RecordingPolicy, problems: RecordingProblems): LLMCallHandle {
  const guarded = (field: string, set: () => void): void => problems.attempt(field, set);
  return {
    span,
    setCompletion: (completion) =>
      guarded('completion', () => {
        if (!policy.captureContent) return; // not written anyway: not worth reading
        const messages = completionMessages(completion, policy, problems);
        if (messages) recorded.messages = messages;
      }),
    setUsage: (usage) =>
      guarded('usage', () => {
        const given = optionsObject(usage, problems, 'usage');
        for (const field of USAGE_FIELDS) {
          const count = tokenCount(readOption(given, field, problems), field, problems);
          if (count !== undefined) recorded[field] = count;
        }
      }),
    setFinishReasons: (reasons) =>
      guarded('finishReasons', () => {
        const list = finishReasons(reasons, problems);
        if (list) recorded.finishReasons = list;
      }),
    setResponseModel: (model) => guarded('responseModel', () => assign(recorded, 'responseModel', textOf(model, 'responseModel', problems))),
    setResponseId: (id) => guarded('responseId', () => assign(recorded, 'responseId', textOf(id, 'responseId', problems))),
  };
}

/**
 * Writes what the call produced: read from its value (OpenAI and Anthropic
 * results), overridden by what the handle set; the completion only when
 * `policy` lets content be written.
 *
 * @example
 * writeResult(span, await call(), recorded, policyOf(span), problems);
 */
export function writeResult(span: Span, value: unknown, recorded: LLMResult, policy: RecordingPolicy, problems: RecordingProblems): void {
  let extracted: LLMResult | undefined;
  try {
    extracted = extractLLMResult(value, policy.maxContentLength);
  } catch (error) {
    // A result whose fields cannot be read must not lose what the handle recorded.
    problems.noteThrown('result', error);
  }
  // What the handle set wins; most calls set nothing, and then no merged copy is made.
  const result: LLMResult = extracted === undefined ? recorded : isEmpty(recorded) ? extracted : { ...extracted, ...recorded };
  const attributes: Attributes = {};
  if (result.messages && policy.captureContent) {
    const reason = result.finishReasons?.[0];
    const messages = reason ? result.messages.map((m) => ({ finish_reason: reason, ...m })) : result.messages;
    attributes[GEN_AI_OUTPUT_MESSAGES] = messagesJson(messages);
  }
  if (result.finishReasons?.length) attributes[GEN_AI_RESPONSE_FINISH_REASONS] = result.finishReasons;
  if (result.inputTokens !== undefined) attributes[GEN_AI_USAGE_INPUT_TOKENS] = result.inputTokens;
  if (result.outputTokens !== undefined) attributes[GEN_AI_USAGE_OUTPUT_TOKENS] = result.outputTokens;
  if (result.cacheReadTokens !== undefined) attributes[GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = result.cacheReadTokens;
  if (result.cacheWriteTokens !== undefined) attributes[GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS] = result.cacheWriteTokens;
  if (result.reasoningTokens !== undefined) attributes[GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] = result.reasoningTokens;
  if (result.responseModel) attributes[GEN_AI_RESPONSE_MODEL] = result.responseModel;
  if (result.responseId) attributes[GEN_AI_RESPONSE_ID] = result.responseId;
  span.setAttributes(attributes);
}

/** Text as one assistant message, a message, or a list of them; undefined when nothing in it could be read. */
function completionMessages(completion: unknown, policy: RecordingPolicy, problems: RecordingProblems): GenAiMessage[] | undefined {
  const read = messageReading(policy, problems, 'completion');
  if (typeof completion === 'string') return [{ role: 'assistant', parts: contentToParts(completion, read) }];
  const list = isList(completion) ? completion : [completion];
  const messages = toGenAiMessages(list, 'assistant', read) ?? [];
  return messages.length === 0 && list.length > 0 ? undefined : messages;
}

function tokenCount(value: unknown, field: string, problems: RecordingProblems): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  problems.note(field, `it is ${describeKind(value)}, not a finite number`);
  return undefined;
}

function finishReasons(reasons: unknown, problems: RecordingProblems): string[] | undefined {
  if (typeof reasons === 'string') return [reasons];
  if (!isList(reasons)) {
    problems.note('finishReasons', `it is ${describeKind(reasons)}, not text or a list of text`);
    return undefined;
  }
  const list: string[] = [];
  for (const reason of reasons) {
    const text = textOf(reason, 'finishReasons', problems);
    if (text !== undefined) list.push(text);
  }
  return list;
}

function assign(recorded: LLMResult, key: 'responseModel' | 'responseId', value: string | undefined): void {
  if (value !== undefined) recorded[key] = value;
}

function isEmpty(object: object): boolean {
  for (const _ in object) return false;
  return true;
}
