/**
 * Each event's `payload` as it is written in a batch request's text, so the
 * receiver stores and echoes it as submitted instead of serialising the
 * parsed object again (that `JSON.stringify` was a fifth of the receiver's
 * time under load).
 *
 * It runs only on text `JSON.parse` has accepted, and trusts nothing else: a
 * key written with an escape (which could name `payload` or `events` a
 * second time), a payload holding a line break (the trail is one line per
 * event) or nested deeper than {@link MAX_DEPTH} yields no text, and the
 * caller serialises that payload the usual way.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** Deeper payloads are serialised the usual way, which refuses the absurdly deep (400). */
const MAX_DEPTH = 256;

/**
 * For a batch body `{"events": [...]}` that parsed as JSON, the text of each
 * event's payload (undefined for one that must be serialised instead), or
 * undefined when the text does not hold exactly `count` events.
 *
 * @example
 * batchPayloadTexts('{"events":[{"type":"custom","payload":{"a":1}}]}', 1); // ['{"a":1}']
 */
export function batchPayloadTexts(text: string, count: number): Array<string | undefined> | undefined {
  const scan = new JsonScan(text);
  let payloads: Array<string | undefined> | undefined;
  if (scan.next() !== OPEN_OBJECT) return undefined;
  scan.at++;
  for (let c = scan.next(); c !== CLOSE_OBJECT; c = scan.next()) {
    if (c === COMMA) {
      scan.at++;
      continue;
    }
    const key = scan.key();
    if (key === undefined) return undefined;
    if (key === '"events"') {
      payloads = scan.eventPayloads();
      if (payloads === undefined) return undefined;
    } else if (!scan.value()) return undefined;
  }
  return payloads?.length === count ? payloads : undefined;
}

/** A cursor over valid JSON text. Every step fails (returns undefined or false) rather than run past the end. */
class JsonScan {
  at = 0;
  /** How deep the last value skipped nests. */
  deepest = 0;

  constructor(private readonly text: string) {}

  /** Skips whitespace; the code of the character there (NaN at the end). */
  next(): number {
    for (;;) {
      const c = this.text.charCodeAt(this.at);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return c;
      this.at++;
    }
  }

  /** An object key and its colon, as raw text with quotes; undefined if it holds an escape. */
  key(): string | undefined {
    const start = this.at;
    if (!this.string()) return undefined;
    const key = this.text.slice(start, this.at);
    if (this.next() !== COLON) return undefined;
    this.at++;
    this.next();
    return key.includes('\\') ? undefined : key;
  }

  /** The `events` array: each event object's payload text. */
  eventPayloads(): Array<string | undefined> | undefined {
    if (this.next() !== OPEN_ARRAY) return undefined;
    this.at++;
    const payloads: Array<string | undefined> = [];
    for (let c = this.next(); c !== CLOSE_ARRAY; c = this.next()) {
      if (c === COMMA) {
        this.at++;
        continue;
      }
      if (c !== OPEN_OBJECT) return undefined;
      const payload = this.eventPayload();
      if (payload === null) return undefined;
      payloads.push(payload);
    }
    this.at++;
    return payloads;
  }

  /** One event object; null when the text is not as expected. */
  private eventPayload(): string | undefined | null {
    this.at++;
    let payload: string | undefined;
    let usable = true;
    for (let c = this.next(); c !== CLOSE_OBJECT; c = this.next()) {
      if (c === COMMA) {
        this.at++;
        continue;
      }
      const start = this.at;
      if (!this.string()) return null;
      const key = this.text.slice(start, this.at);
      if (this.next() !== COLON) return null;
      this.at++;
      this.next();
      const valueStart = this.at;
      if (!this.value()) return null;
      if (key.includes('\\') || this.deepest > MAX_DEPTH) usable = false;
      else if (key === '"payload"') payload = this.text.slice(valueStart, this.at);
    }
    this.at++;
    if (!usable || payload === undefined || payload.includes('\n') || payload.includes('\r')) return undefined;
    return payload;
  }

  /** Skips one value, noting in {@link deepest} how deep it nests; false at a malformed spot. */
  value(): boolean {
    this.deepest = 0;
    const c = this.text.charCodeAt(this.at);
    if (c === QUOTE) return this.string();
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) return this.container();
    const start = this.at;
    for (;;) {
      const d = this.text.charCodeAt(this.at);
      if (d !== d || d === COMMA || d === CLOSE_OBJECT || d === CLOSE_ARRAY || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
      this.at++;
    }
    return this.at > start;
  }

  /** Skips an object or array, cursor on its opening bracket. */
  private container(): boolean {
    const text = this.text;
    let depth = 0;
    while (this.at < text.length) {
      const c = text.charCodeAt(this.at);
      if (c === QUOTE) {
        if (!this.string()) return false;
        continue;
      }
      if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (++depth > this.deepest) this.deepest = depth;
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if (--depth === 0) {
          this.at++;
          return true;
        }
      }
      this.at++;
    }
    return false;
  }

  /** Skips a string, cursor on its opening quote. */
  private string(): boolean {
    const text = this.text;
    let close = this.at;
    for (;;) {
      close = text.indexOf('"', close + 1);
      if (close === -1) return false;
      let backslashes = 0;
      while (text.charCodeAt(close - 1 - backslashes) === BACKSLASH) backslashes++;
      if (backslashes % 2 === 0) break;
    }
    this.at = close + 1;
    return true;
  }
}
