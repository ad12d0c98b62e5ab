/**
 * The options of `withLLMCall`, read once and safely. What the span starts
 * with (operation, model, provider, parameters, extra attributes: samplers
 * and processors read those in `onStart`), and the prompt content, written
 * right after the start because only then does the span carry the policy
 * that says whether content may be written and how long it may be.
 */
import type { Attributes } from '@opentelemetry/api';
import { isAttributeValue } from '@opentelemetry/core';
import {
  GEN_AI_INPUT_MESSAGES,
  GEN_AI_OPERATION_NAME,
  GEN_AI_PROVIDER_NAME,
  GEN_AI_REQUEST_MODEL,
  GEN_AI_REQUEST_PREFIX,
  GEN_AI_SYSTEM_INSTRUCTIONS,
  OPERATION_CHAT,
} from '../model/attributes.js';
import { contentToParts, toGenAiMessages, type GenAiMessage, type MessageReadOptions } from '../model/chat-messages.js';
import { describeThrown } from '../model/error-value.js';
import { plainMessagesJson } from '../model/plain-messages-json.js';
import type { RecordingPolicy } from '../model/recording-policy.js';
import { toSafeJson } from '../model/safe-json.js';
import { describeKind } from '../model/value-kind.js';
import { attributesOption, optionsObject, ownEntries, readOption, requiredText, textOf, textOption } from './read-input.js';
import type { RecordingProblems } from './recording-problems.js';

/** `withLLMCall`'s options as read: the start attributes, and the content kept for after the start. */
export interface LLMCallInput {
  readonly operation: string;
  /** Undefined when missing or not text (noted): the span is then named by the operation alone. */
  readonly model: string | undefined;
  readonly startAttributes: Attributes;
  readonly messages: unknown;
  readonly prompt: unknown;
  readonly system: unknown;
}

/**
 * Reads `options` (of any type) without throwing; what cannot be read is
 * noted on `problems` and left out.
 *
 * @example
 * const input = readLLMCallInput({ model: 'gpt-4o', messages }, problems); // input.startAttributes['gen_ai.request.model'] === 'gpt-4o'
 */
export function readLLMCallInput(options: unknown, problems: RecordingProblems): LLMCallInput {
  const given = optionsObject(options, problems);
  const operation = textOption(given, 'operation', problems) ?? OPERATION_CHAT;
  const model = requiredText(readOption(given, 'model', problems), 'model', problems);
  const attributes: Attributes = {
    ...attributesOption(readOption(given, 'attributes', problems), 'attributes', problems),
    [GEN_AI_OPERATION_NAME]: operation,
  };
  if (model !== undefined) attributes[GEN_AI_REQUEST_MODEL] = model;
  const provider = textOption(given, 'provider', problems);
  if (provider) attributes[GEN_AI_PROVIDER_NAME] = provider;
  addParameters(attributes, readOption(given, 'parameters', problems), problems);
  return {
    operation,
    model,
    startAttributes: attributes,
    messages: readOption(given, 'messages', problems),
    prompt: readOption(given, 'prompt', problems),
    system: readOption(given, 'system', problems),
  };
}

/** Each request parameter as `gen_ai.request.<snake_case>`; null ones are skipped, ones that are not attribute values noted. */
function addParameters(attributes: Attributes, parameters: unknown, problems: RecordingProblems): void {
  let invalid = 0;
  for (const [name, value] of ownEntries(parameters, 'parameters', problems)) {
    if (value === undefined || value === null) continue;
    if (isAttributeValue(value)) attributes[GEN_AI_REQUEST_PREFIX + snakeCase(name)] = value;
    else invalid++;
  }
  if (invalid > 0) problems.note('parameters', `${invalid} of them are not attribute values (text, numbers, flags, or lists of one of them)`);
}

/**
 * The prompt's content attributes under `policy`: none when content capture
 * is off; else the input messages (the `messages`, then `prompt` as a user
 * message) and the system instructions, each text cut to the content limit.
 * Never throws: what cannot be read is noted and left out.
 *
 * @example
 * span.setAttributes(promptAttributes(input, policyOf(span), problems));
 */
export function promptAttributes(input: LLMCallInput, policy: RecordingPolicy, problems: RecordingProblems): Attributes {
  const attributes: Attributes = {};
  if (!policy.captureContent) return attributes;
  const read = messageReading(policy, problems, 'messages');
  const messages = inputMessages(input, read, problems);
  if (messages.length > 0) attributes[GEN_AI_INPUT_MESSAGES] = messagesJson(messages);
  if (input.system !== undefined && input.system !== null) {
    try {
      attributes[GEN_AI_SYSTEM_INSTRUCTIONS] = toSafeJson(contentToParts(input.system, read), Number.POSITIVE_INFINITY);
    } catch (error) {
      problems.noteThrown('system', error);
    }
  }
  return attributes;
}

function inputMessages(input: LLMCallInput, read: MessageReadOptions, problems: RecordingProblems): GenAiMessage[] {
  const { messages: given, prompt } = input;
  const messages = given === undefined || given === null ? [] : toGenAiMessages(given, 'user', read);
  if (messages === undefined) problems.note('messages', `it is ${describeKind(given)}, not a list`);
  const all = messages ?? [];
  const text = textOf(prompt, 'prompt', problems);
  if (text !== undefined) all.push({ role: 'user', parts: contentToParts(text, read) });
  return all;
}

/**
 * How the helpers read messages under `policy`: texts cut to its content
 * limit, and each entry left out noted on `problems` as `field`.
 *
 * @example
 * toGenAiMessages(completion, 'assistant', messageReading(policy, problems, 'completion'));
 */
export function messageReading(policy: RecordingPolicy, problems: RecordingProblems, field: string): MessageReadOptions {
  return {
    maxTextLength: policy.maxContentLength,
    onSkipped: (index, reason, thrown) => problems.note(field, `entry ${index} left out: ${reason}`, thrown === undefined ? undefined : describeThrown(thrown)),
  };
}

/**
 * Messages as the JSON of a `gen_ai.*.messages` attribute, uncut (each text
 * was cut when normalised): the fast writer for text-only messages, else
 * `JSON.stringify`.
 *
 * @example
 * span.setAttribute(GEN_AI_OUTPUT_MESSAGES, messagesJson(messages));
 */
export function messagesJson(messages: GenAiMessage[]): string {
  return plainMessagesJson(messages) ?? toSafeJson(messages, Number.POSITIVE_INFINITY);
}

function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}
