import { context, SpanKind, type Attributes, type AttributeValue, type Span } from '@opentelemetry/api';
import {
  GEN_AI_INPUT_MESSAGES,
  GEN_AI_OPERATION_NAME,
  GEN_AI_OUTPUT_MESSAGES,
  GEN_AI_PROVIDER_NAME,
  GEN_AI_REQUEST_MODEL,
  GEN_AI_REQUEST_PREFIX,
  GEN_AI_RESPONSE_FINISH_REASONS,
  GEN_AI_RESPONSE_ID,
  GEN_AI_RESPONSE_MODEL,
  GEN_AI_SYSTEM_INSTRUCTIONS,
  GEN_AI_USAGE_INPUT_TOKENS,
  GEN_AI_USAGE_OUTPUT_TOKENS,
  OPERATION_CHAT,
} from '../model/attributes.js';
import { bestEffort } from './best-effort.js';
import { extractLLMResult, type LLMResult } from './llm-result.js';
import type { GenAiMessage } from '../model/chat-messages.js';
import { contentParts, toGenAiMessages } from './messages.js';
import { runInSpan, type Recorded } from './run-in-span.js';
import { captureContent } from '../config/content-capture.js';
import { toSafeJson } from '../model/safe-json.js';
import { plainMessagesJson } from '../model/plain-messages-json.js';

/** Options of {@link withLLMCall}: the prompt side of one model call. */
export interface LLMCallOptions {
  /** Model asked for (`gen_ai.request.model`). Required. */
  model: string;
  /** Provider, e.g. `'openai'`, `'anthropic'` (`gen_ai.provider.name`). */
  provider?: string;
  /** Chat messages in OpenAI, Anthropic, plain `{role, content}` or GenAI `{role, parts}` shape. */
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

/** Usage counts of one call. */
export interface LLMUsage {
  inputTokens?: number;
  outputTokens?: number;
}

/** Lets the function record what could not be read from its result. */
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
 * Runs one model call as a `chat {model}` CLIENT span, recording the prompt
 * at the start and the completion, finish reasons and token usage at the end.
 * Results of the OpenAI (chat completions, responses) and Anthropic
 * (messages) SDKs are read automatically; anything set through the handle
 * takes precedence. A throw or rejection is recorded and re-thrown unchanged.
 *
 * @example
 * const reply = await withLLMCall(
 *   { model: 'gpt-4o', provider: 'openai', messages },
 *   () => openai.chat.completions.create({ model: 'gpt-4o', messages }),
 * );
 */
export function withLLMCall<T>(options: LLMCallOptions, fn: (call: LLMCallHandle) => T): Recorded<T> {
  const operation = options.operation ?? OPERATION_CHAT;
  const recorded: LLMResult = {};
  return runInSpan(
    `${operation} ${options.model}`,
    { kind: SpanKind.CLIENT, attributes: bestEffort(() => promptAttributes(options, operation), () => minimalAttributes(options, operation)) },
    context.active(),
    (span) => fn(handleFor(span, recorded)),
    // A result whose fields cannot be read must not lose what the handle recorded.
    (span, value) => writeResult(span, { ...bestEffort(() => extractLLMResult(value), () => undefined), ...recorded }),
  );
}

function promptAttributes(options: LLMCallOptions, operation: string): Attributes {
  const attributes: Attributes = {
    ...options.attributes,
    [GEN_AI_OPERATION_NAME]: operation,
    [GEN_AI_REQUEST_MODEL]: options.model,
  };
  if (options.provider) attributes[GEN_AI_PROVIDER_NAME] = options.provider;
  if (!captureContent()) return withParameters(attributes, options);
  const messages: GenAiMessage[] = options.messages ? toGenAiMessages(options.messages) : [];
  if (options.prompt !== undefined) messages.push({ role: 'user', parts: contentParts(options.prompt) });
  if (messages.length > 0) attributes[GEN_AI_INPUT_MESSAGES] = messagesJson(messages);
  if (options.system !== undefined) {
    attributes[GEN_AI_SYSTEM_INSTRUCTIONS] = toSafeJson(contentParts(options.system), Number.MAX_SAFE_INTEGER);
  }
  return withParameters(attributes, options);
}

function withParameters(attributes: Attributes, options: LLMCallOptions): Attributes {
  for (const [name, value] of Object.entries(options.parameters ?? {})) {
    if (value !== undefined && value !== null) attributes[GEN_AI_REQUEST_PREFIX + snakeCase(name)] = value;
  }
  return attributes;
}

/** Without content: what is recorded when the options themselves cannot be read. */
function minimalAttributes(options: LLMCallOptions, operation: string): Attributes {
  return { [GEN_AI_OPERATION_NAME]: operation, [GEN_AI_REQUEST_MODEL]: String(options.model) };
}

function handleFor(span: Span, recorded: LLMResult): LLMCallHandle {
  return {
    span,
    setCompletion(completion) {
      recorded.messages = bestEffort(
        () =>
          Array.isArray(completion)
            ? toGenAiMessages(completion)
            : typeof completion === 'string'
              ? [{ role: 'assistant', parts: contentParts(completion) }]
              : toGenAiMessages([completion]),
        () => [{ role: 'assistant', parts: [{ type: 'text', content: toSafeJson(completion) }] }],
      );
    },
    setUsage(usage) {
      if (usage.inputTokens !== undefined) recorded.inputTokens = usage.inputTokens;
      if (usage.outputTokens !== undefined) recorded.outputTokens = usage.outputTokens;
    },
    setFinishReasons(reasons) {
      recorded.finishReasons = typeof reasons === 'string' ? [reasons] : [...reasons];
    },
    setResponseModel(model) {
      recorded.responseModel = model;
    },
    setResponseId(id) {
      recorded.responseId = id;
    },
  };
}

function writeResult(span: Span, result: LLMResult): void {
  const attributes: Attributes = {};
  if (result.messages && captureContent()) {
    const reason = result.finishReasons?.[0];
    const messages = reason ? result.messages.map((m) => ({ finish_reason: reason, ...m })) : result.messages;
    attributes[GEN_AI_OUTPUT_MESSAGES] = messagesJson(messages);
  }
  if (result.finishReasons?.length) attributes[GEN_AI_RESPONSE_FINISH_REASONS] = result.finishReasons;
  if (result.inputTokens !== undefined) attributes[GEN_AI_USAGE_INPUT_TOKENS] = result.inputTokens;
  if (result.outputTokens !== undefined) attributes[GEN_AI_USAGE_OUTPUT_TOKENS] = result.outputTokens;
  if (result.responseModel) attributes[GEN_AI_RESPONSE_MODEL] = result.responseModel;
  if (result.responseId) attributes[GEN_AI_RESPONSE_ID] = result.responseId;
  span.setAttributes(attributes);
}

/** Messages as JSON, uncut (each text was cut when normalised). */
function messagesJson(messages: GenAiMessage[]): string {
  return plainMessagesJson(messages) ?? toSafeJson(messages, Number.MAX_SAFE_INTEGER);
}

function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}
