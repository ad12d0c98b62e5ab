/**
 * The `prompt` and `completion` events of one model call, for converters of
 * conventions other than GenAI: each reads its own attribute names into a
 * `ModelCall`, and the events come out with the same payload fields as the
 * GenAI converter's, whatever wrote the span.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { normalizeFinishReasons } from '../model/finish-reason.js';
import { messagesToText } from '../model/message-text.js';
import type { SpanEventBuilder } from './span-converter.js';
import { durationMillis } from '../model/span-reader.js';
import { usagePayload, type TokenCounts } from './token-usage.js';

/** One model call, as read from a span of any convention. */
export interface ModelCall {
  /** GenAI operation name: `chat`, `text_completion`, … */
  operation: string;
  /** The model asked for. */
  model?: string;
  /** The model that answered (defaults to `model`). */
  responseModel?: string;
  provider?: string;
  /** GenAI messages, or raw text when the span held text that is not messages. */
  inputMessages?: unknown;
  systemInstructions?: unknown;
  parameters?: Record<string, unknown>;
  /** GenAI output messages, or raw text. */
  outputMessages?: unknown;
  /** Response text when there are no output messages to render it from. */
  responseText?: string;
  finishReasons?: readonly string[];
  responseId?: string;
  tokens: TokenCounts;
}

/**
 * Emits `prompt` at the span's start and, unless the call failed, `completion`
 * at its end (a failed call's outcome is its `error` event).
 *
 * @example
 * emitModelCall(span, out, { operation: 'chat', model: 'gpt-4o', inputMessages, tokens: { input: 12 } });
 */
export function emitModelCall(span: ReadableSpan, out: SpanEventBuilder, call: ModelCall): void {
  const systemText = messagesToText(
    Array.isArray(call.systemInstructions) ? [{ role: 'system', parts: call.systemInstructions }] : call.systemInstructions,
    true,
  );
  const promptText = messagesToText(call.inputMessages, true);
  out.emit('prompt', 'prompt', span.startTime, {
    operation: call.operation,
    model: call.model,
    provider: call.provider,
    prompt: systemText && promptText ? `${systemText}\n${promptText}` : (promptText ?? systemText),
    messages: call.inputMessages,
    system_instructions: call.systemInstructions,
    parameters: call.parameters,
    token_count: call.tokens.input,
  });

  if (span.status.code === SpanStatusCode.ERROR) return;
  out.emit('completion', 'completion', span.endTime, {
    operation: call.operation,
    model: call.responseModel ?? call.model,
    provider: call.provider,
    response: messagesToText(call.outputMessages, false) ?? call.responseText,
    messages: call.outputMessages,
    finish_reasons: normalizeFinishReasons(call.finishReasons),
    token_count: call.tokens.output,
    usage: usagePayload(call.tokens),
    response_id: call.responseId,
    duration_ms: durationMillis(span.startTime, span.endTime),
  });
}

/** Collects `prefix*` attributes (except `exclude`) under their names without the prefix. */
export function prefixedParameters(
  attributes: Readonly<Record<string, unknown>>,
  prefix: string,
  exclude: ReadonlySet<string>,
): Record<string, unknown> | undefined {
  let parameters: Record<string, unknown> | undefined;
  for (const key of Object.keys(attributes)) {
    if (!key.startsWith(prefix) || exclude.has(key)) continue;
    (parameters ??= Object.create(null) as Record<string, unknown>)[key.slice(prefix.length)] = attributes[key];
  }
  return parameters;
}
