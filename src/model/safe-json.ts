/**
 * Turns whatever an agent hands us (tool arguments, results, model replies)
 * into bounded JSON text without ever throwing: circular references, BigInt,
 * throwing getters and huge strings are all converted, never fatal.
 */
import { maxContentLength } from '../config/content-limit.js';
import { truncateText } from './truncate-text.js';
import { isError } from '../record/run-in-span.js';

// Re-exported: the helpers import it from here; the rule itself is shared with convert/.

/**
 * JSON text of `value`, or for a string the string itself. A result longer
 * than the limit is truncated (and is then no longer valid JSON: readers must
 * fall back to treating it as text).
 */
export function toSafeJson(value: unknown, max = maxContentLength()): string {
  if (typeof value === 'string') return truncateText(value, max);
  if (isError(value)) value = { name: value.name, message: value.message };
  let json: string | undefined;
  try {
    // Fast path: plain data serialises as is; only values it cannot handle
    // (cycles, BigInt, throwing toJSON) pay for the safe replacer.
    json = JSON.stringify(value);
  } catch {
    json = safeStringify(value);
  }
  return truncateText(json ?? describeUnserializable(value), max);
}

/** What JSON has no text for (undefined, a function, a `toJSON` returning undefined). */
function describeUnserializable(value: unknown): string {
  try {
    return String(value);
  } catch {
    return `[${typeof value}]`;
  }
}

function safeStringify(value: unknown): string | undefined {
  try {
    return JSON.stringify(value, safeReplacer());
  } catch (error) {
    return `[unserializable: ${error instanceof Error ? error.message : String(error)}]`;
  }
}

/**
 * Replaces what JSON cannot hold. A value is a cycle only when it is one of
 * its own ancestors (kept as a stack), so an object referenced twice side by
 * side is serialised twice, not mistaken for a cycle.
 */
function safeReplacer(): (this: unknown, key: string, value: unknown) => unknown {
  const ancestors: object[] = [];
  return function replace(this: unknown, _key, value) {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'function' || typeof value === 'symbol') return undefined;
    if (value instanceof Error) return { name: value.name, message: value.message };
    if (value === null || typeof value !== 'object') return value;
    while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop();
    if (ancestors.includes(value)) return '[Circular]';
    ancestors.push(value);
    return value;
  };
}
