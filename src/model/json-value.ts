/**
 * A copy of any value as plain JSON data: what `JSON.stringify` would write,
 * as values instead of text, made without ever throwing. Where
 * `JSON.stringify` would fail, only that place is replaced by a marker
 * string saying what happened there, and the rest is copied as JSON would
 * write it. This is the slow path of `toSafeJson`, taken only for values
 * `JSON.stringify` threw on.
 *
 * The markers, each in place of the value it stands for:
 * - `[unreadable property 'name': message]`: reading that property threw (a getter);
 * - `[unreadable item 3: message]`: reading that array item threw;
 * - `[unreadable value: message]`: the value itself could not be read (a revoked proxy);
 * - `[unserializable: message]`: its `toJSON` threw;
 * - `[Circular]`: the value is one of its own ancestors;
 * - `[nested too deep]`: more than 100 levels down.
 * BigInt becomes its decimal text; an `Error` becomes `{name, message}`.
 */
import { isError, thrownMessage } from './error-value.js';

/** Plain JSON data: what `JSON.parse` returns. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Deeper levels are not copied: JSON.stringify itself gives up (RangeError) not far past a few thousand. */
const MAX_DEPTH = 100;
const CIRCULAR = '[Circular]';
const TOO_DEEP = '[nested too deep]';

/**
 * `JSON.parse(JSON.stringify(value))`, except that it never throws: see the
 * module comment for what replaces the places that cannot be serialised.
 * Undefined where JSON writes nothing (undefined, a function, a symbol).
 * Getters are run once each.
 *
 * @example
 * toJsonValue({ a: 1, get b() { throw new Error('no'); }, c: 2n });
 * // → { a: 1, b: "[unreadable property 'b': no]", c: '2' }
 */
export function toJsonValue(value: unknown): JsonValue | undefined {
  return copy(value, '', []);
}

/** One value, as `SerializeJSONProperty` (ECMA-262 §25.5.2.2) treats it, with its ancestors for cycles. */
function copy(value: unknown, key: string, ancestors: object[]): JsonValue | undefined {
  let current = value;
  if ((current !== null && typeof current === 'object') || typeof current === 'bigint') {
    let toJSON: unknown;
    try {
      toJSON = (current as { toJSON?: unknown }).toJSON;
    } catch (error) {
      return `[unreadable value: ${thrownMessage(error)}]`; // a revoked proxy fails its first read, this one
    }
    if (typeof toJSON === 'function') {
      try {
        current = toJSON.call(current, key) as unknown;
      } catch (error) {
        return `[unserializable: ${thrownMessage(error)}]`;
      }
    }
  }
  switch (typeof current) {
    case 'string':
    case 'boolean':
      return current;
    case 'number':
      return Number.isFinite(current) ? current : null;
    case 'bigint':
      return current.toString(); // JSON has no BigInt; its digits are what matters
    case 'object':
      return current === null ? null : copyObject(current, ancestors);
    default:
      return undefined; // undefined, functions, symbols: JSON leaves them out
  }
}

function copyObject(value: object, ancestors: object[]): JsonValue {
  if (ancestors.includes(value)) return CIRCULAR;
  if (ancestors.length >= MAX_DEPTH) return TOO_DEEP;
  let keys: string[] | undefined;
  try {
    if (isError(value)) return { name: String(value.name), message: String(value.message) };
    const boxed = unboxed(value);
    if (boxed !== undefined) return boxed;
    if (!Array.isArray(value)) keys = Object.keys(value);
  } catch (error) {
    return `[unreadable value: ${thrownMessage(error)}]`;
  }
  ancestors.push(value);
  try {
    return keys === undefined ? copyItems(value as readonly unknown[], ancestors) : copyMembers(value, keys, ancestors);
  } finally {
    ancestors.pop();
  }
}

/** `new Number(1)`, `new String('a')`, `new Boolean(true)`: JSON writes their primitive. */
function unboxed(value: object): JsonValue | undefined {
  if (value instanceof Number) return copy(value.valueOf(), '', []) as number | null;
  if (value instanceof String || value instanceof Boolean) return value.valueOf();
  return undefined;
}

function copyItems(items: readonly unknown[], ancestors: object[]): JsonValue {
  const out: JsonValue[] = [];
  let length: number;
  try {
    length = items.length;
  } catch (error) {
    return `[unreadable value: ${thrownMessage(error)}]`;
  }
  for (let i = 0; i < length; i++) {
    let item: unknown;
    try {
      item = items[i];
    } catch (error) {
      out.push(`[unreadable item ${i}: ${thrownMessage(error)}]`);
      continue;
    }
    out.push(copy(item, String(i), ancestors) ?? null); // JSON writes null for what it cannot hold in a list
  }
  return out;
}

function copyMembers(value: object, keys: readonly string[], ancestors: object[]): JsonValue {
  const out: { [key: string]: JsonValue } = {};
  for (const key of keys) {
    let member: unknown;
    try {
      member = (value as Record<string, unknown>)[key];
    } catch (error) {
      setMember(out, key, `[unreadable property '${key}': ${thrownMessage(error)}]`);
      continue;
    }
    const copied = copy(member, key, ancestors);
    if (copied !== undefined) setMember(out, key, copied);
  }
  return out;
}

/**
 * Sets an own member, as `JSON.parse` does: a key `__proto__` must become a
 * member, not replace the copy's prototype.
 *
 * @example
 * setMember(out, '__proto__', 1); // Object.keys(out) → ['__proto__']
 */
export function setMember(out: { [key: string]: JsonValue }, key: string, value: JsonValue): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}
