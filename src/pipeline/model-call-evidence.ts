/**
 * What two spans of one model call both record, to tell which framework call
 * an LLM-level call is when several were open at once (concurrent agents;
 * framework-calls.ts): the model asked for, the last user message, the
 * response id. Read through the converters, so every convention's spelling
 * counts (OpenInference's flattened messages, OpenLLMetry's indexed ones,
 * GenAI's JSON). A field only one span has says nothing either way.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { toAuditEvents } from '../convert/to-audit-events.js';
import { nonEmptyText } from '../model/foreign-value.js';

/** What a finished model-call span says of its call, as far as it says. */
export interface ModelCallEvidence {
  /** The model asked for (or, lacking that, the one that answered). */
  readonly model?: string;
  /** The text of the last user message (whitespace collapsed): what the call was asked. */
  readonly lastUserText?: string;
  readonly responseId?: string;
}

/**
 * Reads `span`'s evidence. Never throws: a span no converter reads as a call
 * has none.
 *
 * @example
 * contradicts(modelCallEvidence(clientSpan), modelCallEvidence(frameworkSpan)); // false: may be one call
 */
export function modelCallEvidence(span: ReadableSpan): ModelCallEvidence {
  const events = toAuditEvents([span]);
  const prompt = events.find((e) => e.type === 'prompt')?.payload;
  const completion = events.find((e) => e.type === 'completion')?.payload;
  const model = nonEmptyText(prompt?.['model']) ?? nonEmptyText(completion?.['model']);
  const lastUserText = lastUserTextOf(prompt?.['messages']);
  const responseId = nonEmptyText(completion?.['response_id']);
  return { ...(model && { model }), ...(lastUserText && { lastUserText }), ...(responseId && { responseId }) };
}

/**
 * True when the two spans cannot be one call: a field both record differs.
 * Model names count as one when one extends the other (`gpt-4o-mini` asked,
 * `gpt-4o-mini-2024-07-18` named by the client's span).
 */
export function contradicts(a: ModelCallEvidence, b: ModelCallEvidence): boolean {
  if (modelsDiffer(a.model, b.model)) return true;
  if (a.lastUserText !== undefined && b.lastUserText !== undefined && a.lastUserText !== b.lastUserText) return true;
  return a.responseId !== undefined && b.responseId !== undefined && a.responseId !== b.responseId;
}

/**
 * True when both name a model and they are not one (neither extends the
 * other). Cheap enough for every call's end: with the model each span
 * names as it runs ({@link requestedModel}), an unrelated call that ends
 * while one framework call is open is told apart without converting either.
 *
 * @example
 * modelsDiffer('gpt-4o-mini', 'gpt-4o-mini-2024-07-18'); // false
 */
export function modelsDiffer(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && !a.startsWith(b) && !b.startsWith(a);
}

/**
 * The model a span says it asked for, as it is now (GenAI and OpenLLMetry
 * `gen_ai.request.model`, OpenInference `llm.model_name`).
 *
 * @example
 * requestedModel({ 'gen_ai.request.model': 'gpt-4o-mini' }); // 'gpt-4o-mini'
 */
export function requestedModel(attributes: Readonly<Record<string, unknown>>): string | undefined {
  return nonEmptyText(attributes['gen_ai.request.model']) ?? nonEmptyText(attributes['llm.model_name']);
}

/** True when a field both record is the same: the last user message or the response id (a model name is shared by many calls). */
export function corroborates(a: ModelCallEvidence, b: ModelCallEvidence): boolean {
  if (a.lastUserText !== undefined && a.lastUserText === b.lastUserText) return true;
  return a.responseId !== undefined && a.responseId === b.responseId;
}

/**
 * The one of `candidates` that `call` does not contradict, or undefined when
 * none or several are left: then a match would be a guess.
 */
export function onlyConsistent<T>(call: ModelCallEvidence, candidates: readonly T[], evidenceOf: (candidate: T) => ModelCallEvidence): T | undefined {
  const left = candidates.filter((candidate) => !contradicts(call, evidenceOf(candidate)));
  return left.length === 1 ? left[0] : undefined;
}


/** GenAI `{role, parts}` messages (or raw text): the last user message's text. */
function lastUserTextOf(messages: unknown): string | undefined {
  if (typeof messages === 'string') return collapse(messages);
  if (!Array.isArray(messages)) return undefined;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message: unknown = messages[i];
    if (typeof message !== 'object' || message === null || (message as { role?: unknown }).role !== 'user') continue;
    const parts = (message as { parts?: unknown }).parts;
    if (!Array.isArray(parts)) return undefined;
    const text = parts
      .map((part: unknown) => (typeof part === 'object' && part !== null && (part as { type?: unknown }).type === 'text' ? (part as { content?: unknown }).content : undefined))
      .filter((content): content is string => typeof content === 'string')
      .join('\n');
    return collapse(text);
  }
  return undefined;
}

function collapse(text: string): string | undefined {
  const collapsed = text.replace(/\s+/g, ' ').trim();
  return collapsed === '' ? undefined : collapsed;
}
