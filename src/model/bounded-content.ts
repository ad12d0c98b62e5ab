/**
 * Message content read from log records, made safe to hold: every text cut
 * to the content limit (as the recording helpers cut theirs), and its size
 * measured, so the GenAI log-content store can keep a budget across spans.
 */
import { truncateText } from './truncate-text.js';

// Log-record attributes may nest arbitrarily (even cyclically): deeper levels are not kept.
const MAX_DEPTH = 32;
const TOO_DEEP = '[nested too deep]';
// What a number, boolean or null costs in the size estimate: about its JSON text.
const SCALAR_CHARS = 8;

/**
 * A copy of `value` (plain JSON data: strings, numbers, booleans, null,
 * arrays and objects) with every string longer than `maxTextLength` cut by
 * `truncateText`. Values JSON cannot hold are dropped; levels deeper than 32
 * are replaced by a marker. Never throws on plain data.
 *
 * @example
 * boundContent({ role: 'user', parts: [{ type: 'text', content: 'x'.repeat(10) }] }, 4);
 * // → { role: 'user', parts: [{ type: 'text', content: 'xxxx…[truncated 6 chars]' }] }
 */
export function boundContent(value: unknown, maxTextLength: number, depth = 0): unknown {
  if (typeof value === 'string') return truncateText(value, maxTextLength);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value !== 'object') return undefined;
  if (depth >= MAX_DEPTH) return TOO_DEEP;
  if (Array.isArray(value)) return value.map((item) => boundContent(item, maxTextLength, depth + 1) ?? null);
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const bounded = boundContent(item, maxTextLength, depth + 1);
    if (bounded !== undefined) copy[key] = bounded;
  }
  return copy;
}

/**
 * About how many characters `value` holds: its strings and keys, plus a
 * little per other value, so content of many small parts is counted too.
 *
 * @example
 * contentChars({ role: 'user' }); // 10
 */
export function contentChars(value: unknown, depth = 0): number {
  if (typeof value === 'string') return value.length;
  if (value === null || typeof value !== 'object') return SCALAR_CHARS;
  if (depth >= MAX_DEPTH) return TOO_DEEP.length;
  let chars = 2;
  if (Array.isArray(value)) {
    for (const item of value) chars += contentChars(item, depth + 1);
    return chars;
  }
  for (const [key, item] of Object.entries(value)) chars += key.length + contentChars(item, depth + 1);
  return chars;
}
