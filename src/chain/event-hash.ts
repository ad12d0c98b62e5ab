/**
 * The hash that links one event of a stream to the next: lowercase hex
 * SHA-256 of the RFC 8785 (JCS) canonical JSON of the event's chain view.
 */
import { hash } from 'node:crypto';
import canonicalizeExport from 'canonicalize';
import type { AuditEvent } from '../model/audit-event.js';
import { chainViewOfEvent, type ChainView } from './chain-view.js';

// A CommonJS module whose typings say `export default`: at run time the
// default import is `module.exports` itself (ESM) or, through the
// interop helper, the same function (our CJS build); NodeNext typing sees a
// namespace instead. Typed here once.
const canonicalize = canonicalizeExport as unknown as (value: unknown) => string | undefined;

/** Thrown inside the fast path when a value needs the reference serialisation. */
const NEEDS_REFERENCE: unique symbol = Symbol('needs the reference serialisation');

/**
 * The RFC 8785 canonical JSON of the JSON value `value` stands for, that is
 * of `JSON.parse(JSON.stringify(value))`: `NaN` and `±Infinity` become `null`
 * (as they do in every trail, which is JSON), `undefined` members vanish, and
 * `toJSON` is honoured. So an event hashes the same before it is written and
 * after it is read back from any JSONL trail.
 *
 * The `canonicalize` package is the reference. Plain data (plain objects and
 * arrays of JSON primitives, the whole of every real event) takes a faster
 * road that gives the same bytes: copy with keys sorted by UTF-16 code units,
 * then one native `JSON.stringify` (whose string and number forms are the
 * ones RFC 8785 §3.2.2 prescribes). It is about twice as fast as the
 * package's recursive string building, which alone would cap verification
 * below 50,000 events/s on a small machine. Anything else (integer-like or
 * `__proto__` keys, whose native order or assignment differs; class
 * instances, Maps, boxed primitives) goes to the package; a property test
 * checks that both roads agree.
 *
 * @throws TypeError when `value` has no JSON form (a cycle, a BigInt, a bare `undefined`), and what a throwing `toJSON` throws.
 * @example
 * canonicalJson({ b: 1, a: [NaN, 'x'] }); // '{"a":[null,"x"],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(sortedCopy(value));
  } catch {
    // NEEDS_REFERENCE, or a cycle (which overflows the copy's recursion), or
    // a throwing toJSON: the reference road says it as JSON.stringify does.
    return referenceCanonicalJson(value);
  }
  if (text === undefined) throw new TypeError('canonicalJson: the value has no JSON form');
  return text;
}

/**
 * The `canonicalize` package's form of the value's JSON round trip: the
 * definition {@link canonicalJson} meets. Exported for the property test that
 * holds the two together.
 *
 * @throws TypeError when `value` has no JSON form.
 * @example
 * referenceCanonicalJson({ n: Infinity }); // '{"n":null}'
 */
export function referenceCanonicalJson(value: unknown): string {
  // Always through JSON first: canonicalize alone would print a function
  // member as `undefined` (not JSON) where every trail simply lacks it.
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('canonicalJson: the value has no JSON form');
  const text = canonicalize(JSON.parse(json));
  if (text === undefined) throw new TypeError('canonicalJson: the value has no JSON form');
  return text;
}

/**
 * Lowercase hex SHA-256 of the canonical JSON of `view`: what the next event
 * of the stream carries as `audit.sequence.prev_hash`.
 *
 * @throws TypeError when the payload has no JSON form (a cycle, a BigInt).
 * @example
 * chainHash(chainViewOfEvent(event)); // '9f86d081884c7d65…' (64 hex)
 */
export function chainHash(view: ChainView): string {
  return textHash(canonicalJson(view));
}

/**
 * Lowercase hex SHA-256 of a canonical JSON text (UTF-8): {@link chainHash}
 * for a view whose text is already at hand.
 *
 * @example
 * textHash(canonicalJson(view)) === chainHash(view); // true
 */
export function textHash(text: string): string {
  // One-shot `hash` (Node ≥ 20.12): a third cheaper than createHash() for a few KB.
  return hash('sha256', text, 'hex');
}

/**
 * The hash of an event in memory: {@link chainHash} of its chain view.
 *
 * @throws TypeError when the payload has no JSON form (a cycle, a BigInt).
 * @example
 * eventHash(event) === chainHash(chainViewOfEvent(event)); // true
 */
export function eventHash(event: AuditEvent): string {
  // Measured against writing the canonical text member by member (no merged
  // or sorted copy): the copy and one native JSON.stringify are faster.
  return chainHash(chainViewOfEvent(event));
}

/**
 * `value` with every object's keys in sorted order, so that the native
 * `JSON.stringify` writes them sorted. An object or array already in order
 * is returned as it is, not copied. `toJSON` is applied here, once per
 * value, as `JSON.stringify` applies it.
 */
function sortedCopy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  let object = value as Record<string, unknown>;
  if (typeof object['toJSON'] === 'function') {
    const json: unknown = (object['toJSON'] as () => unknown)();
    if (json === null || typeof json !== 'object') return json;
    object = json as Record<string, unknown>;
  }
  if (Array.isArray(object)) return sortedArray(object);
  const prototype: unknown = Object.getPrototypeOf(object);
  if (prototype !== Object.prototype && prototype !== null) throw NEEDS_REFERENCE;
  const keys = Object.keys(object);
  let sorted = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    // A digit first may be an array index, which objects enumerate before
    // all other keys in numeric order; `__proto__` would set the prototype;
    // a `toJSON` member would be called a second time by JSON.stringify.
    const first = key.charCodeAt(0);
    if ((first >= 0x30 && first <= 0x39) || key === '__proto__' || key === 'toJSON') throw NEEDS_REFERENCE;
    if (i > 0 && keys[i - 1]! > key) sorted = false;
  }
  if (sorted) {
    let copy: Record<string, unknown> | undefined;
    for (let i = 0; i < keys.length; i++) {
      const member = object[keys[i]!];
      const canonical = member === null || typeof member !== 'object' ? member : sortedCopy(member);
      if (canonical !== member && copy === undefined) {
        copy = {};
        for (let j = 0; j < i; j++) copy[keys[j]!] = object[keys[j]!];
      }
      if (copy !== undefined) copy[keys[i]!] = canonical;
    }
    return copy ?? object;
  }
  // `<` on strings compares UTF-16 code units, the order RFC 8785 §3.2.3 asks for; so does the default sort.
  keys.sort();
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    // Most members are primitives: no call for them.
    const member = object[key];
    out[key] = member === null || typeof member !== 'object' ? member : sortedCopy(member);
  }
  return out;
}

function sortedArray(array: readonly unknown[]): readonly unknown[] {
  let copy: unknown[] | undefined;
  for (let i = 0; i < array.length; i++) {
    const item = array[i];
    const canonical = item === null || typeof item !== 'object' ? item : sortedCopy(item);
    if (canonical !== item && copy === undefined) copy = array.slice(0, i);
    if (copy !== undefined) copy[i] = canonical;
  }
  return copy ?? array;
}
