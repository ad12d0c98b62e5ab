/**
 * Turns whatever an agent hands us (tool arguments, results, event payloads,
 * structured message parts) into bounded JSON without ever throwing.
 *
 * The common case costs one `JSON.stringify`: a value that serialises within
 * the limit is written as it is. Only a value that is too long, or that
 * `JSON.stringify` throws on, takes a slower path:
 * - too long: the JSON text just written is parsed back and cut to the limit
 *   keeping its type (`bounded-json.ts`), so the agent's value (and its
 *   getters) are not read a second time;
 * - unserialisable (a throwing getter or `toJSON`, a cycle, BigInt, a revoked
 *   proxy): the value is copied place by place (`json-value.ts`), each place
 *   that fails replaced by a marker naming it, then cut to the limit. Getters
 *   that ran before `JSON.stringify` gave up run again in that copy.
 */
import { boundJson } from './bounded-json.js';
import { isError } from './error-value.js';
import { toJsonValue, type JsonValue } from './json-value.js';
import { truncateText } from './truncate-text.js';

/** What serialising found: the JSON text when it fits, else the value as bounded data (`slow`). */
type Serialised = { readonly json: string } | { readonly slow: JsonValue | undefined; readonly unreadable: boolean };

/**
 * JSON text of `value`, or for a string the string itself, at most about
 * `maxLength` characters long (the limit comes from the span's recording
 * policy; nothing global is read):
 * - a string is cut to `maxLength` characters plus the marker
 *   `…[truncated N chars]`;
 * - other values are valid JSON of at most `maxLength` characters, markers
 *   included, with the type they had (for any `maxLength` of 64 or more;
 *   below that only the marker for the whole value may be longer);
 * - a value that cannot be read at all is one marker text, such as
 *   `[unreadable value: …]` or `[unserializable: …]`, as is one JSON has no
 *   text for (undefined, a function): its `String()`, or `[typeof]`.
 *
 * @example
 * toSafeJson({ orderId: 42 }, 16_384); // '{"orderId":42}'
 * toSafeJson({ a: 1, get b() { throw new Error('no'); } }, 100); // `{"a":1,"b":"[unreadable property 'b': no]"}`
 */
export function toSafeJson(value: unknown, maxLength: number): string {
  if (typeof value === 'string') return truncateText(value, maxLength);
  const serialised = serialise(value, maxLength);
  if ('json' in serialised) return serialised.json;
  const { slow, unreadable } = serialised;
  if (slow === undefined) return truncateText(describeUnserializable(value), maxLength);
  // A value that could not be read at all is its marker, as text: there is no JSON to keep.
  if (unreadable && typeof slow === 'string') return truncateText(slow, maxLength);
  return JSON.stringify(slow);
}

/**
 * `value` as plain JSON data bounded like {@link toSafeJson}'s text (a
 * string cut to `maxLength` plus the marker), for the structured fields of
 * message parts (tool arguments, tool responses) that stay values inside the
 * messages' JSON. A copy: later changes to the agent's object do not show.
 * Undefined where JSON writes nothing.
 *
 * @example
 * toBoundedValue({ city: 'Paris' }, 16_384); // { city: 'Paris' }
 */
export function toBoundedValue(value: unknown, maxLength: number): JsonValue | undefined {
  if (typeof value === 'string') return truncateText(value, maxLength);
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return toJsonValue(value);
  const serialised = serialise(value, maxLength);
  return 'json' in serialised ? (JSON.parse(serialised.json) as JsonValue) : serialised.slow;
}

function serialise(value: unknown, maxLength: number): Serialised {
  // An Error serialises as `{}`: its name and message are what is worth keeping.
  if (isError(value)) return bounded(toJsonValue(value), maxLength, false);
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    // A BigInt root becomes its digits as a JSON string; any other root that reads as a string is a marker.
    return bounded(toJsonValue(value), maxLength, typeof value !== 'bigint');
  }
  if (json === undefined) return { slow: undefined, unreadable: false };
  if (json.length <= maxLength) return { json };
  return { slow: boundJson(JSON.parse(json) as JsonValue, maxLength, json.length), unreadable: false };
}

function bounded(copy: JsonValue | undefined, maxLength: number, unreadable: boolean): Serialised {
  return { slow: copy === undefined ? undefined : boundJson(copy, maxLength), unreadable };
}

/** What JSON has no text for (undefined, a function, a `toJSON` returning undefined). */
function describeUnserializable(value: unknown): string {
  try {
    return String(value);
  } catch {
    return `[${typeof value}]`;
  }
}
