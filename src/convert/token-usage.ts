/**
 * Token counts of one model call, read from whichever names a convention
 * uses, and the `usage` object every completion event carries.
 */
import type { Attributes } from '@opentelemetry/api';
import { readNumber } from '../model/span-reader.js';

/** Token counts of one call; each may be missing. */
export interface TokenCounts {
  input?: number;
  output?: number;
  total?: number;
  cacheRead?: number;
  /** Written to the provider's cache (GenAI v1.41 `cache_write`, `cache_creation` before). */
  cacheWrite?: number;
  reasoning?: number;
}

/** The first of `keys` that holds a finite number (numeric text included). */
export function readFirstNumber(attributes: Attributes, keys: readonly string[]): number | undefined {
  for (const key of keys) {
    const value = readNumber(attributes, key);
    if (value !== undefined) return value;
  }
  return undefined;
}

// GenAI renamed its token attributes twice, and OpenLLMetry wrote its own
// spellings before adopting them: every spelling seen in the wild is read.
const INPUT = ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens'];
const OUTPUT = ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens'];
const TOTAL = ['gen_ai.usage.total_tokens', 'llm.usage.total_tokens'];
const CACHE_READ = ['gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens'];
// v1.41 renamed cache_creation to cache_write: the new name first.
const CACHE_WRITE = [
  'gen_ai.usage.cache_write.input_tokens',
  'gen_ai.usage.cache_creation.input_tokens',
  'gen_ai.usage.cache_write_input_tokens',
  'gen_ai.usage.cache_creation_input_tokens',
];
const REASONING = ['gen_ai.usage.reasoning.output_tokens', 'gen_ai.usage.reasoning_output_tokens', 'gen_ai.usage.reasoning_tokens'];

/**
 * Token counts from `gen_ai.usage.*` attributes, in all their spellings.
 *
 * @example
 * readGenAiTokenCounts({ 'gen_ai.usage.prompt_tokens': 12, 'gen_ai.usage.cache_read_input_tokens': 8 });
 * // → { input: 12, cacheRead: 8, … }
 */
export function readGenAiTokenCounts(attributes: Attributes): TokenCounts {
  return {
    input: readFirstNumber(attributes, INPUT),
    output: readFirstNumber(attributes, OUTPUT),
    total: readFirstNumber(attributes, TOTAL),
    cacheRead: readFirstNumber(attributes, CACHE_READ),
    cacheWrite: readFirstNumber(attributes, CACHE_WRITE),
    reasoning: readFirstNumber(attributes, REASONING),
  };
}

/**
 * The completion's `usage` payload field: `input_tokens`, `output_tokens`,
 * then only the breakdowns the span had (`total_tokens`,
 * `cache_read_input_tokens`, `cache_write_input_tokens` — named after GenAI
 * v1.41's `cache_write` — and `reasoning_output_tokens`). Undefined when it had none.
 */
export function usagePayload(tokens: TokenCounts): Record<string, number | undefined> | undefined {
  const { input, output, total, cacheRead, cacheWrite, reasoning } = tokens;
  if (input === undefined && output === undefined && total === undefined && cacheRead === undefined && cacheWrite === undefined && reasoning === undefined) {
    return undefined;
  }
  const usage: Record<string, number | undefined> = { input_tokens: input, output_tokens: output };
  if (total !== undefined) usage.total_tokens = total;
  if (cacheRead !== undefined) usage.cache_read_input_tokens = cacheRead;
  if (cacheWrite !== undefined) usage.cache_write_input_tokens = cacheWrite;
  if (reasoning !== undefined) usage.reasoning_output_tokens = reasoning;
  return usage;
}
