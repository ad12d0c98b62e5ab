/**
 * JSON of a very large value, cut to the content limit without serialising
 * the whole value first. A tool that returns a million rows must not cost the
 * agent a million rows of `JSON.stringify` on its call path when only the
 * first `maxContentLength` characters are kept.
 *
 * `exceedsJsonLength` decides cheaply (it stops as soon as the estimate
 * passes the bound) whether a value is that large; only then does
 * `boundedJson` write it, stopping at the limit. Everything smaller keeps the
 * exact `JSON.stringify` path (`safe-json.ts`).
 */

// What a value adds to its JSON, about: keys and strings by their length,
// the rest by a small constant. An estimate only chooses the path.
const SCALAR_CHARS = 4;
const MAX_DEPTH = 256;

/**
 * Whether `value`'s JSON is (about) longer than `bound` characters. Visits
 * at most about `bound` characters' worth of the value, whatever its size.
 * Never low by much (escapes aside); high for cycles and shared objects.
 *
 * @throws what a getter or proxy of the value throws (the caller falls back).
 */
export function exceedsJsonLength(value: unknown, bound: number): boolean {
  const flat = flatJsonLength(value, bound);
  return flat === undefined ? exceedsNested(value, bound) : flat > bound;
}

/**
 * The estimate for what every call records — a small object or array of
 * plain values — without allocating; undefined when the value nests (or has
 * a `toJSON`), for the full walk.
 */
function flatJsonLength(value: unknown, bound: number): number | undefined {
  if (typeof value === 'string') return value.length + 2;
  if (value === null || typeof value !== 'object') return SCALAR_CHARS;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return undefined;
  let total = 2;
  if (Array.isArray(value)) {
    if (value.length > bound) return value.length;
    for (let i = 0; i < value.length && total <= bound; i++) {
      const item: unknown = value[i];
      if (item !== null && typeof item === 'object') return undefined;
      total += 1 + (typeof item === 'string' ? item.length + 2 : SCALAR_CHARS);
    }
    return total;
  }
  for (const key in value) {
    if (total > bound) break;
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    const item: unknown = (value as Record<string, unknown>)[key];
    if (item !== null && typeof item === 'object') return undefined;
    total += key.length + 3 + (typeof item === 'string' ? item.length + 2 : SCALAR_CHARS);
  }
  return total;
}

function exceedsNested(value: unknown, bound: number): boolean {
  // No record of objects seen, to stay cheap on the small values of every
  // call: a cycle or a shared object is counted again each time, so the
  // estimate can only be high, and `boundedJson` then finds the value fits.
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && total <= bound) {
    const item = stack.pop();
    if (typeof item === 'string') total += item.length + 2;
    else if (item === null || typeof item !== 'object') total += SCALAR_CHARS;
    else total += containerChars(item, stack, bound - total);
  }
  return total > bound;
}

/** What a container adds itself (brackets, separators, keys); pushes its members, as long as `room` lasts. */
function containerChars(item: object, stack: unknown[], room: number): number {
  if (Array.isArray(item)) {
    // Its separators alone may pass the bound: then no item is read.
    if (item.length < room) for (let i = 0; i < item.length; i++) stack.push(item[i]);
    return 2 + item.length;
  }
  if (typeof (item as { toJSON?: unknown }).toJSON === 'function') {
    // A Date or a URL is short; a Buffer's size shows in its `length`.
    const length = (item as { length?: unknown }).length;
    return 2 * SCALAR_CHARS + (typeof length === 'number' ? length : 0);
  }
  let chars = 2;
  for (const key of Object.keys(item)) {
    if (chars > room) break;
    chars += key.length + 3;
    stack.push((item as Record<string, unknown>)[key]);
  }
  return chars;
}

/**
 * The first `max` characters of what `JSON.stringify(value)` would write
 * (cycles as `"[Circular]"`, BigInt as a string, levels past 256 as
 * `"[nested too deep]"`), followed by a marker saying the value was longer
 * than `longerThan` characters. Undefined when the whole value fits after
 * all (the estimate was high: shared references, cycles): the caller then
 * serialises it exactly.
 *
 * @example
 * boundedJson({ rows }, 16_384, 65_536); // '{"rows":[{"id":1,……[truncated, over 65536 chars]'
 */
export function boundedJson(value: unknown, max: number, longerThan: number): string | undefined {
  const writer = new BoundedWriter(max);
  writer.write(value, '', 0);
  if (writer.text.length <= max) return undefined;
  return `${writer.text.slice(0, max)}…[truncated, over ${longerThan} chars]`;
}

class BoundedWriter {
  text = '';
  private readonly ancestors: object[] = [];

  constructor(private readonly max: number) {}

  private get full(): boolean {
    return this.text.length >= this.max;
  }

  /** Writes `value` (a member or item named `key`); false when JSON leaves it out (undefined, functions). */
  write(value: unknown, key: string, depth: number): boolean {
    if (this.full) return true;
    if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
      value = (value as { toJSON(key: string): unknown }).toJSON(key);
    }
    switch (typeof value) {
      case 'string':
        // Only what can still show: an escaped character is at most six.
        this.text += JSON.stringify(value.length > this.max ? value.slice(0, this.max) : value);
        return true;
      case 'number':
        this.text += Number.isFinite(value) ? String(value) : 'null';
        return true;
      case 'boolean':
        this.text += String(value);
        return true;
      case 'bigint':
        this.text += `"${value.toString()}"`;
        return true;
      case 'object':
        if (value === null) {
          this.text += 'null';
          return true;
        }
        if (value instanceof Error) value = { name: value.name, message: value.message };
        this.container(value as object, depth);
        return true;
      default:
        return false; // undefined, function, symbol
    }
  }

  private container(value: object, depth: number): void {
    if (this.ancestors.includes(value)) {
      this.text += '"[Circular]"';
      return;
    }
    if (depth >= MAX_DEPTH) {
      this.text += '"[nested too deep]"';
      return;
    }
    this.ancestors.push(value);
    if (Array.isArray(value)) {
      this.text += '[';
      for (let i = 0; i < value.length && !this.full; i++) {
        if (i > 0) this.text += ',';
        if (!this.write(value[i], String(i), depth + 1)) this.text += 'null';
      }
      this.text += ']';
    } else {
      this.text += '{';
      let first = true;
      for (const key of Object.keys(value)) {
        if (this.full) break;
        const before = this.text;
        this.text += `${first ? '' : ','}${JSON.stringify(key)}:`;
        if (this.write((value as Record<string, unknown>)[key], key, depth + 1)) first = false;
        else this.text = before; // left out, as JSON.stringify leaves out undefined members
      }
      this.text += '}';
    }
    this.ancestors.pop();
  }
}
