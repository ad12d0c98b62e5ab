/**
 * One spelling for why a model stopped. Providers and instrumentations
 * disagree (`tool_calls`, `tool-calls`, `tool_use`, `end_turn`, `STOP`, …);
 * audit events use the GenAI output-message values: `stop`, `length`,
 * `content_filter`, `tool_call`, `error`. Anything else is kept as written.
 */

const CANONICAL: Readonly<Record<string, string>> = {
  stop: 'stop',
  end_turn: 'stop', // Anthropic
  stop_sequence: 'stop', // Anthropic
  length: 'length',
  max_tokens: 'length', // Anthropic, Gemini
  tool_call: 'tool_call',
  tool_calls: 'tool_call', // OpenAI
  'tool-calls': 'tool_call', // Vercel AI SDK
  function_call: 'tool_call', // OpenAI, deprecated
  tool_use: 'tool_call', // Anthropic
  content_filter: 'content_filter',
  'content-filter': 'content_filter', // Vercel AI SDK
  safety: 'content_filter', // Gemini
  error: 'error',
};

/**
 * The canonical spelling of one finish reason.
 *
 * @example
 * normalizeFinishReason('tool-calls'); // → 'tool_call'
 */
export function normalizeFinishReason(reason: string): string {
  const canonical = CANONICAL[reason.toLowerCase()];
  return typeof canonical === 'string' ? canonical : reason;
}

/** Each reason normalised; empty strings dropped; undefined stays undefined. */
export function normalizeFinishReasons(reasons: readonly string[] | undefined): string[] | undefined {
  if (reasons === undefined) return undefined;
  const out: string[] = [];
  for (const reason of reasons) if (reason !== '') out.push(normalizeFinishReason(reason));
  return out;
}
