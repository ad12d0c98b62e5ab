/**
 * Each event's `payload` as it is written in a batch request's text, so the
 * receiver stores and echoes it as submitted instead of serialising the
 * parsed object again (that `JSON.stringify` was a fifth of the receiver's
 * time under load).
 *
 * The text is used only where it means exactly what `JSON.parse` made of it,
 * so every reader of the trail sees what the policies saw. It runs only on
 * text `JSON.parse` has accepted, and yields no text for a payload that
 * repeats a key (JSON.parse keeps the last; a reader of the text may take the
 * first), holds a number not in its shortest form (`1e400`, `-0`, digits past
 * a double's precision: re-serialised they read differently), holds a line
 * break (the trail is one line per event), or nests deeper than
 * {@link MAX_DEPTH}; nor for an event or batch with a key written with an
 * escape (it could name `payload` or `events` a second time). The caller
 * serialises those payloads the usual way.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

/** Deeper payloads are serialised the usual way, which refuses the absurdly deep (400). */
const MAX_DEPTH = 256;

/** A payload's text, with what the scan saw of it. */
interface ScannedPayload {
  text: string;
  /** Object keys at every level: more than the parsed payload has means a key was repeated. */
  keys: number;
  usable: boolean;
}

/**
 * For a batch body `{"events": [...]}` that parsed as JSON into events with
 * these `payloads`, the text of each payload (undefined for one that must be
 * serialised instead), or undefined when the text does not hold exactly
 * those events.
 *
 * @example
 * batchPayloadTexts('{"events":[{"type":"custom","payload":{"a":1}}]}', [{ a: 1 }]); // ['{"a":1}']
 */
export function batchPayloadTexts(text: string, payloads: ReadonlyArray<Record<string, unknown>>): Array<string | undefined> | undefined {
  const scanned = scanBatch(text);
  if (scanned?.length !== payloads.length) return undefined;
  return scanned.map((payload, i) => (payload !== undefined && payload.keys === keyCount(payloads[i]) ? payload.text : undefined));
}

/** How many keys `value`'s objects hold, at every level (distinct keys per object, as JSON.parse keeps them). */
function keyCount(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  let count = 0;
  if (Array.isArray(value)) {
    for (const item of value) count += keyCount(item);
    return count;
  }
  for (const key in value) count += 1 + keyCount((value as Record<string, unknown>)[key]);
  return count;
}

function scanBatch(text: string): Array<ScannedPayload | undefined> | undefined {
  const scan = new JsonScan(text);
  let payloads: Array<ScannedPayload | undefined> | undefined;
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
  return payloads;
}

/** A cursor over valid JSON text. Every step fails (returns undefined or false) rather than run past the end. */
class JsonScan {
  at = 0;
  /** How deep the last value skipped nests. */
  deepest = 0;
  /** Keys (colons outside strings) in the last value skipped. */
  keys = 0;
  /** Whether the last value skipped holds a number not in its shortest form. */
  oddNumber = false;

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
  eventPayloads(): Array<ScannedPayload | undefined> | undefined {
    if (this.next() !== OPEN_ARRAY) return undefined;
    this.at++;
    const payloads: Array<ScannedPayload | undefined> = [];
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
  private eventPayload(): ScannedPayload | undefined | null {
    this.at++;
    let payload: ScannedPayload | undefined;
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
      if (key.includes('\\')) usable = false;
      else if (key === '"payload"') {
        const text = this.text.slice(valueStart, this.at);
        const clean = this.deepest <= MAX_DEPTH && !this.oddNumber && !text.includes('\n') && !text.includes('\r');
        payload = { text, keys: this.keys, usable: clean };
      }
    }
    this.at++;
    return usable && payload?.usable ? payload : undefined;
  }

  /** Skips one value, noting in {@link deepest} how deep it nests; false at a malformed spot. */
  value(): boolean {
    this.deepest = 0;
    this.keys = 0;
    this.oddNumber = false;
    const c = this.text.charCodeAt(this.at);
    if (c === QUOTE) return this.string();
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) return this.container();
    return this.scalar();
  }

  /** Skips a number or literal, noting a number not in its shortest form. */
  private scalar(): boolean {
    const start = this.at;
    for (;;) {
      const d = this.text.charCodeAt(this.at);
      // (d !== d: NaN, past the end.)
      if (d !== d || d === COMMA || d === CLOSE_OBJECT || d === CLOSE_ARRAY || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
      this.at++;
    }
    const first = this.text.charCodeAt(start);
    if (first === MINUS || (first >= ZERO && first <= NINE)) {
      const written = this.text.slice(start, this.at);
      if (String(Number(written)) !== written) this.oddNumber = true;
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
      } else if (c === COLON) {
        this.keys++;
      } else if (c === MINUS || (c >= ZERO && c <= NINE) || c === 0x74 || c === 0x66 || c === 0x6e) {
        if (!this.scalar()) return false; // a number, true, false or null
        continue;
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
