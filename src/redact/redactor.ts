/**
 * The redaction pass: applies an ordered rule list to strings and, deeply,
 * to JSON-ish values. Every secret becomes `[REDACTED:<rule>]` (or, in hash
 * mode, `[REDACTED:<rule>:<hmac16>]`, so equal secrets can be correlated
 * without being readable). Such a token is never matched again, which makes
 * the pass idempotent; the pass never throws, and on doubt it redacts.
 */
import { createHmac } from 'node:crypto';
import { invalidOption } from '../errors.js';
import { BUILTIN_RULES, SECRET_KEY_NAMES } from './builtin-rules.js';
import { luhnValid } from './checksums.js';
import { acceptsCandidate, compileRule, hintGate, withoutStateFlags, type CompiledRule, type RedactionRule } from './redaction-rule.js';

/** A resolved redaction setup (see {@link Redactor}). */
export interface RedactorConfig {
  /** Applied in this order (the first rule to claim a secret names it). */
  readonly rules: readonly RedactionRule[];
  /** Default `[SECRET_KEY_NAMES]`: a string value under such an object key is redacted whole, as `secret_field`. */
  readonly keyNames?: readonly RegExp[];
  /** A matched secret equal to one of these strings, or fully matched by one of these RegExps, is kept. */
  readonly allow?: readonly (string | RegExp)[];
  /** Default `'mask'`: `[REDACTED:<rule>]`. `'hash'`: `[REDACTED:<rule>:<first 16 hex of HMAC-SHA-256(hashKey, secret)>]`. */
  readonly mode?: 'mask' | 'hash';
  /** Required with `mode: 'hash'`. */
  readonly hashKey?: string;
  /** A string's redacted form never exceeds `max(its own length, maxLength)`; default 16384 (the exporter passes its content limit). */
  readonly maxLength?: number;
}

/** Redactions per rule name (`{ openai_key: 1, email: 2 }`): what was replaced, never the text. */
export type RedactionCounts = Record<string, number>;

type SharedResult = { readonly value: unknown; readonly counts: RedactionCounts | undefined };

const DEFAULT_MAX_LENGTH = 16_384;
const MAX_DEPTH = 64;
/** Each pass only turns plain text into tokens, so passes converge; 8 is far beyond any real input. */
const MAX_PASSES = 8;
/** Strings up to this length are first tested against all hints at once: most field values and keys pass no rule. */
const GATE_MAX_LENGTH = 256;
const KNOWN_KEYS_MAX = 2048;
const SECRET_FIELD = 'secret_field';
const NO_RANGES: readonly number[] = Object.freeze([]);
const UNREADABLE = 'unreadable';
const TRUNCATED = 'truncated';

/**
 * Redacts strings and JSON-ish values with an ordered list of rules.
 *
 * @throws {AuditError} `INVALID_OPTION` for a malformed rule or option
 *   (rule names must be lower snake case; `hash` mode needs `hashKey`).
 * @example
 * const redactor = new Redactor({ rules: BUILTIN_RULES });
 * const counts: RedactionCounts = {};
 * redactor.text('mail bob@example.com', counts); // 'mail [REDACTED:email]', counts = { email: 1 }
 * redactor.value({ api_key: 'abc', n: 1 }, counts); // { api_key: '[REDACTED:secret_field]', n: 1 }
 */
export class Redactor {
  readonly #rules: readonly CompiledRule[];
  readonly #card: CompiledRule | undefined;
  readonly #keyNames: readonly RegExp[];
  readonly #allowExact: ReadonlySet<string>;
  readonly #allowPatterns: readonly RegExp[];
  readonly #hashKey: string | undefined;
  readonly #maxLength: number;
  /** Matches the tokens this redactor (or the built-in rules) writes; global, used sequentially only. */
  readonly #token: RegExp;
  /** All hints in one case-insensitive alternation (a superset test), when all are combinable. */
  readonly #gate: RegExp | undefined;
  /** Some rule has no hint (a user's pattern): it runs even when the gate finds no hint. */
  readonly #unhinted: boolean;
  /** Keys seen clean (they repeat from event to event: one schema), each with whether it names a secret. */
  readonly #knownKeys = new Map<string, boolean>();
  readonly #shared = new WeakMap<object, SharedResult>();
  /** Ancestors of the value being walked, for cycle detection; reused so the common path allocates nothing. */
  readonly #path: object[] = [];
  #walking = false;

  constructor(config: RedactorConfig) {
    if (typeof config !== 'object' || config === null) throw invalidOption('redaction', 'an object', config);
    const { rules, keyNames = [SECRET_KEY_NAMES], allow = [], mode = 'mask', hashKey, maxLength = DEFAULT_MAX_LENGTH } = config;
    if (!Array.isArray(rules)) throw invalidOption('redaction.rules', 'an array of rules', rules);
    if (!Array.isArray(keyNames) || !keyNames.every((k) => k instanceof RegExp)) throw invalidOption('redaction.keyNames', 'an array of RegExps', keyNames);
    if (!Array.isArray(allow) || !allow.every((a) => typeof a === 'string' || a instanceof RegExp)) {
      throw invalidOption('redaction.allow', 'an array of strings and RegExps', allow);
    }
    if (mode !== 'mask' && mode !== 'hash') throw invalidOption('redaction.mode', "'mask' or 'hash'", mode);
    if (mode === 'hash' && (typeof hashKey !== 'string' || hashKey === '')) throw invalidOption('redaction.hashKey', "a non-empty string when mode is 'hash'", hashKey);
    if (!Number.isSafeInteger(maxLength) || maxLength < 0) throw invalidOption('redaction.maxLength', 'a non-negative integer', maxLength);
    this.#rules = rules.map((r, i) => compileRule(r, `redaction.rules[${i}]`));
    this.#card = this.#rules.find((r) => r.name === 'payment_card');
    this.#gate = hintGate(this.#rules);
    this.#unhinted = this.#rules.some((r) => r.hint === undefined);
    this.#keyNames = keyNames.map(withoutStateFlags);
    this.#allowExact = new Set(allow.filter((a): a is string => typeof a === 'string'));
    this.#allowPatterns = allow.filter((a): a is RegExp => a instanceof RegExp).map((a) => new RegExp(`^(?:${a.source})$`, withoutStateFlags(a).flags.replace('m', '')));
    this.#hashKey = mode === 'hash' ? hashKey : undefined;
    this.#maxLength = maxLength;
    const names = new Set([...BUILTIN_RULES, ...this.#rules].map((r) => r.name)).add(SECRET_FIELD).add(UNREADABLE).add(TRUNCATED);
    this.#token = new RegExp(`\\[REDACTED:(?:${[...names].join('|')})(?::[0-9a-f]{16})?\\]`, 'g');
  }

  /** Redacts one string; adds to `counts` per rule. Never throws: on an internal failure the whole string becomes `[REDACTED:unreadable]`. */
  text(value: string, counts: RedactionCounts): string {
    if (typeof value !== 'string') return value;
    try {
      return this.#redactText(value, counts);
    } catch {
      return this.#unreadable(counts);
    }
  }

  /**
   * Deep: strings (and object keys), arrays, plain objects and the own
   * enumerable properties of class instances (what `JSON.stringify` would
   * send); a string anywhere under a secret key name is redacted whole.
   * Numbers (and BigInts) that are 13–19-digit Luhn-valid card numbers become
   * a `payment_card` token when that rule is on. Returns the SAME reference
   * when nothing changed, allocating nothing then. Never throws: a cycle, a
   * throwing getter or `toJSON`, or nesting deeper than 64 becomes
   * `[REDACTED:unreadable]` (counted) instead of being leaked.
   */
  value(value: unknown, counts: RedactionCounts): unknown {
    if (typeof value === 'string') return this.text(value, counts);
    // A getter that calls back into this redactor gets its own ancestor list.
    const path = this.#walking ? [] : this.#path;
    this.#walking = true;
    try {
      return this.#walk(value, counts, 0, path, false);
    } catch {
      return this.#unreadable(counts);
    } finally {
      if (path === this.#path) {
        this.#walking = false;
        // Pushes and pops balance; `length = 0` would free the backing store and allocate it anew each call.
        if (path.length !== 0) path.length = 0;
      }
    }
  }

  /**
   * {@link value} for an object shared by many events (a span resource):
   * redacted once and cached per object (weakly); its counts are added to
   * `counts` on every call, since every event carries it. Treats the object
   * as immutable, as `AuditEvent.resource` is.
   */
  sharedValue(value: unknown, counts: RedactionCounts): unknown {
    if (typeof value !== 'object' || value === null) return this.value(value, counts);
    let hit = this.#shared.get(value);
    if (hit === undefined) {
      const own: RedactionCounts = {};
      const out = this.value(value, own);
      hit = { value: out, counts: Object.keys(own).length > 0 ? own : undefined };
      this.#shared.set(value, hit);
    }
    if (hit.counts !== undefined) addCounts(counts, hit.counts);
    return hit.value;
  }

  /**
   * A secret can hide behind percent-encoding (a URL's query, a form body),
   * where no rule sees it. When the decoded text has something to redact, it
   * goes on decoded, with that redacted; otherwise the text is left as it was.
   */
  #redactText(input: string, counts: RedactionCounts): string {
    if (!input.includes('%')) return this.#redactPlain(input, counts);
    const decoded = percentDecoded(input);
    if (decoded === input) return this.#redactPlain(input, counts);
    const own: RedactionCounts = {};
    const redacted = this.#redactPlain(decoded, own);
    if (redacted === decoded) return this.#redactPlain(input, counts);
    addCounts(counts, own);
    return redacted;
  }

  #redactPlain(input: string, counts: RedactionCounts): string {
    // One regex call instead of one per rule: the common short string has no hint of any rule.
    const hintless = input.length <= GATE_MAX_LENGTH && this.#gate !== undefined && !this.#gate.test(input);
    if (hintless && !this.#unhinted) return input;
    let out = this.#pass(input, counts, hintless);
    if (out === input) return input;
    const limit = Math.max(input.length, this.#maxLength);
    // Repeat until a pass changes nothing: a later rule's token can open a
    // match for an earlier rule, and a cut can expose a new one. Checking
    // here is what makes redact(redact(x)) === redact(x).
    for (let passes = 1; ; passes++) {
      if (out.length > limit) out = this.#truncate(out, limit, counts);
      const next = this.#pass(out, counts);
      if (next === out) return out;
      if (passes >= MAX_PASSES) return this.#unreadable(counts);
      out = next;
    }
  }

  /** One run of every rule in order; `hintless`: the gate found no hint, so only rules without one run. */
  #pass(input: string, counts: RedactionCounts, hintless = false): string {
    let text = input;
    for (const rule of this.#rules) {
      const hint = rule.hint;
      if (hint !== undefined && (hintless || (typeof hint === 'string' ? !text.includes(hint) : !hint.test(text)))) continue;
      text = this.#apply(rule, text, counts);
    }
    return text;
  }

  #apply(rule: CompiledRule, text: string, counts: RedactionCounts): string {
    const pattern = rule.pattern;
    pattern.lastIndex = 0;
    let match = pattern.exec(text);
    if (match === null) return text;
    let tokens: readonly number[] | undefined;
    let out = '';
    let last = 0;
    let replaced = false;
    do {
      if (match[0].length === 0) { pattern.lastIndex++; continue; } // an empty match: step on
      const indices = match.indices;
      let [start, end] = indices?.groups?.secret ?? indices?.[0] ?? [match.index, match.index + match[0].length];
      const lead = indices?.groups?.lead;
      if (lead !== undefined && lead[0] < start) start = lead[0];
      if (end <= start || start < last) continue;
      tokens ??= this.#tokenRanges(text);
      if (overlaps(tokens, start, end)) continue; // already redacted: never match a token again
      const secret = text.slice(start, end);
      if (this.#allowed(secret) || !acceptsCandidate(rule, secret, match[0])) continue;
      out += text.slice(last, start) + this.#mark(rule.name, secret);
      last = end;
      replaced = true;
      bump(counts, rule.name);
    } while ((match = pattern.exec(text)) !== null);
    return replaced ? out + text.slice(last) : text;
  }

  /** Start/end pairs of the tokens already in `text` (none, and no allocation, in the usual case). */
  #tokenRanges(text: string): readonly number[] {
    if (!text.includes('[REDACTED:')) return NO_RANGES;
    const ranges: number[] = [];
    const token = this.#token;
    token.lastIndex = 0;
    for (let m = token.exec(text); m !== null; m = token.exec(text)) ranges.push(m.index, m.index + m[0].length);
    return ranges;
  }

  /**
   * Cuts a string that replacements grew past `limit`, never inside a token,
   * and says so when the marker fits (under a tiny limit it may not: then
   * the text just ends, possibly empty, rather than exceed the limit).
   */
  #truncate(text: string, limit: number, counts: RedactionCounts): string {
    const mark = this.#mark(TRUNCATED);
    const marker = limit >= mark.length ? mark : '';
    let cut = limit - marker.length;
    const ranges = this.#tokenRanges(text);
    for (let i = 0; i < ranges.length; i += 2) {
      const start = ranges[i]!;
      if (start >= cut) break;
      if (ranges[i + 1]! > cut) cut = start;
    }
    const code = text.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut--; // keep surrogate pairs whole
    if (marker !== '') bump(counts, TRUNCATED);
    return text.slice(0, cut) + marker;
  }

  #walk(value: unknown, counts: RedactionCounts, depth: number, path: object[], secret: boolean): unknown {
    if (typeof value === 'string') return secret ? this.#secretField(value, counts) : this.text(value, counts);
    if (typeof value === 'number' || typeof value === 'bigint') return this.#number(value, counts);
    if (typeof value !== 'object' || value === null) return value;
    if (depth >= MAX_DEPTH || path.includes(value)) return this.#unreadable(counts);
    path.push(value);
    try {
      if (Array.isArray(value)) return this.#array(value, counts, depth, path, secret);
      if (ArrayBuffer.isView(value)) return value; // bytes: no text to find, and walking them is slow
      if (value instanceof Error) return this.#error(value, counts, depth, path, secret);
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') {
        // What JSON.stringify would send (a URL's href can hold user:password).
        const json: unknown = toJSON.call(value);
        const out = this.#walk(json, counts, depth + 1, path, secret);
        return Object.is(out, json) ? value : out;
      }
      return this.#object(value, counts, depth, path, secret);
    } catch {
      return this.#unreadable(counts);
    } finally {
      path.pop();
    }
  }

  #array(items: readonly unknown[], counts: RedactionCounts, depth: number, path: object[], secret: boolean): unknown {
    let copy: unknown[] | undefined;
    for (let i = 0; i < items.length; i++) {
      let item: unknown;
      let next: unknown;
      try {
        item = items[i];
        next = this.#walk(item, counts, depth + 1, path, secret);
      } catch {
        next = this.#unreadable(counts);
      }
      if (copy === undefined && !Object.is(next, item)) copy = items.slice(0, i); // Object.is: NaN is unchanged
      copy?.push(next);
    }
    return copy ?? items;
  }

  #object(source: object, counts: RedactionCounts, depth: number, path: object[], secret: boolean): unknown {
    const record = source as Record<string, unknown>;
    let copy: Record<string, unknown> | undefined;
    for (const key in record) {
      if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
      const known = this.#knownKeys.get(key);
      const secretKey = known ?? this.#isSecretKey(key);
      let item: unknown;
      let next: unknown;
      try {
        item = record[key];
        next = this.#walk(item, counts, depth + 1, path, secret || secretKey);
      } catch {
        next = this.#unreadable(counts);
      }
      const newKey = known === undefined ? this.#redactKey(key, secretKey, counts) : key;
      if (copy === undefined && (!Object.is(next, item) || newKey !== key)) copy = copyBefore(record, key);
      if (copy !== undefined) define(copy, uniqueKey(copy, newKey), next);
    }
    return copy ?? source;
  }

  #redactKey(key: string, secretKey: boolean, counts: RedactionCounts): string {
    const out = this.text(key, counts);
    // Rules are pure functions of the text, so a clean key stays clean.
    if (out === key && this.#knownKeys.size < KNOWN_KEYS_MAX) this.#knownKeys.set(key, secretKey);
    return out;
  }

  /** `JSON.stringify` drops an Error's message; the audit JSON keeps it, so redact what would be sent. */
  #error(error: Error, counts: RedactionCounts, depth: number, path: object[], secret: boolean): unknown {
    const message = this.#walk(error.message, counts, depth + 1, path, secret);
    const own = this.#object(error, counts, depth, path, secret);
    if (message === error.message && own === error) return error;
    return { ...(own as object), name: error.name, message };
  }

  #secretField(value: string, counts: RedactionCounts): string {
    if (value === '' || this.#allowed(value)) return value;
    const token = this.#token;
    if (value.startsWith('[REDACTED:') && value.replace(token, '').trim() === '') return value; // already redacted
    bump(counts, SECRET_FIELD);
    const mark = this.#mark(SECRET_FIELD, value);
    // Under a tiny maxLength even the token may not fit: then nothing is left, never the secret.
    return mark.length <= Math.max(value.length, this.#maxLength) ? mark : '';
  }

  #number(value: number | bigint, counts: RedactionCounts): unknown {
    const card = this.#card;
    if (card === undefined) return value;
    // 13–19 digits: ≥ 1e12, and a number must be a safe integer to be exact.
    if (typeof value === 'number' ? !Number.isSafeInteger(value) || value < 1e12 : value < 10n ** 12n || value >= 10n ** 19n) {
      return value;
    }
    const digits = String(value);
    if (!luhnValid(digits) || this.#allowed(digits) || !acceptsCandidate(card, digits, digits)) return value;
    bump(counts, card.name);
    return this.#mark(card.name, digits);
  }

  #isSecretKey(key: string): boolean {
    for (const names of this.#keyNames) if (names.test(key)) return true;
    return false;
  }

  #allowed(secret: string): boolean {
    return this.#allowExact.has(secret) || this.#allowPatterns.some((pattern) => pattern.test(secret));
  }

  #unreadable(counts: RedactionCounts): string {
    bump(counts, UNREADABLE);
    return this.#mark(UNREADABLE);
  }

  #mark(name: string, secret?: string): string {
    if (this.#hashKey === undefined || secret === undefined) return `[REDACTED:${name}]`;
    const digest = createHmac('sha256', this.#hashKey).update(secret).digest('hex');
    return `[REDACTED:${name}:${digest.slice(0, 16)}]`;
  }
}

function overlaps(ranges: readonly number[], start: number, end: number): boolean {
  for (let i = 0; i < ranges.length; i += 2) if (start < ranges[i + 1]! && end > ranges[i]!) return true;
  return false;
}

function bump(counts: RedactionCounts, name: string, n = 1): void {
  try {
    // hasOwn, not `??`: a rule named `constructor` must not read Object.prototype's.
    counts[name] = (Object.prototype.hasOwnProperty.call(counts, name) ? counts[name]! : 0) + n;
  } catch {
    // A frozen or foreign counts object only loses the tally, never the redaction.
  }
}

/**
 * Adds `more` into `counts`, per rule: how a caller sums events' counts into its stats.
 *
 * @example
 * const total: RedactionCounts = {};
 * addCounts(total, { email: 2 }); addCounts(total, { email: 1, jwt: 1 }); // { email: 3, jwt: 1 }
 */
export function addCounts(counts: RedactionCounts, more: Readonly<RedactionCounts>): void {
  for (const name of Object.keys(more)) {
    const n = more[name];
    if (typeof n === 'number' && Number.isFinite(n)) bump(counts, name, n);
  }
}

function copyBefore(record: Record<string, unknown>, stop: string): Record<string, unknown> {
  const copy: Record<string, unknown> = Object.getPrototypeOf(record) === null ? Object.create(null) : {};
  for (const key in record) {
    if (key === stop) break;
    if (Object.prototype.hasOwnProperty.call(record, key)) define(copy, key, record[key]);
  }
  return copy;
}

/** Two keys redacted to the same token (two emails) must not overwrite each other. */
function uniqueKey(copy: Record<string, unknown>, key: string): string {
  if (!Object.prototype.hasOwnProperty.call(copy, key)) return key;
  let n = 2;
  while (Object.prototype.hasOwnProperty.call(copy, `${key}#${n}`)) n++;
  return `${key}#${n}`;
}

function define(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

const ESCAPES = /(?:%[0-9A-Fa-f]{2})+/g;

/** `text` with its percent-escapes decoded (up to three levels deep: a doubly encoded query), invalid UTF-8 byte by byte. */
function percentDecoded(text: string): string {
  let out = text;
  for (let level = 0; level < 3; level++) {
    const next = out.replace(ESCAPES, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      }
    });
    if (next === out) break;
    out = next;
  }
  return out;
}
