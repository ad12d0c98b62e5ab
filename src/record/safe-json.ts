/**
 * Turns whatever an agent hands us (tool arguments, results, model replies)
 * into bounded JSON text without ever throwing: circular references, BigInt,
 * throwing getters and huge strings are all converted, never fatal.
 */
import { maxContentLength } from '../config/content-limit.js';

/** Cuts `text` to the content limit, saying how much was cut. */
export function truncateText(text: string, max = maxContentLength()): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}…[truncated ${text.length - max} chars]`;
}

/**
 * JSON text of `value`, or for a string the string itself. A result longer
 * than the limit is truncated (and is then no longer valid JSON: readers must
 * fall back to treating it as text).
 */
export function toSafeJson(value: unknown, max = maxContentLength()): string {
  if (typeof value === 'string') return truncateText(value, max);
  let json: string | undefined;
  try {
    json = JSON.stringify(value, safeReplacer());
  } catch (error) {
    json = `[unserializable: ${error instanceof Error ? error.message : String(error)}]`;
  }
  return truncateText(json ?? String(value), max);
}

function safeReplacer(): (this: unknown, key: string, value: unknown) => unknown {
  const seen = new WeakSet<object>();
  return function replace(_key, value) {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'function' || typeof value === 'symbol') return undefined;
    if (value instanceof Error) return { name: value.name, message: value.message };
    if (value !== null && typeof value === 'object') {
      if (seen.has(value)) return '[Circular]';
      seen.add(value);
    }
    return value;
  };
}
