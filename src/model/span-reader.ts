/**
 * Typed, never-throwing reads of span attributes. Instrumentations write
 * numbers as strings, arrays as JSON text, and JSON that is truncated or
 * malformed; every reader here degrades to undefined or raw text instead.
 */
import type { Attributes, HrTime } from '@opentelemetry/api';

export function readString(attributes: Attributes, key: string): string | undefined {
  const value = attributes[key];
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function readNumber(attributes: Attributes, key: string): number | undefined {
  const value = attributes[key];
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

export function readStringArray(attributes: Attributes, key: string): string[] | undefined {
  const value = attributes[key];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value !== 'string') return undefined;
  const parsed = parseJson(value);
  if (Array.isArray(parsed)) return parsed.filter((v): v is string => typeof v === 'string');
  return [value];
}

/** True for a JSON object (not null, not an array): what a parsed attribute is checked with before reading its keys. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A JSON attribute parsed; text that is not valid JSON is returned as text. */
export function readJson(attributes: Attributes, key: string): unknown {
  const value = attributes[key];
  return typeof value === 'string' ? parseJson(value) : value;
}

/**
 * An attribute the convention defines as JSON of any type (GenAI's
 * `gen_ai.tool.call.arguments` / `result`): numbers, booleans and `null`
 * keep their types (`"1"` is 1); text that is not valid JSON is returned as text.
 *
 * @example
 * readJsonValue({ 'gen_ai.tool.call.result': '1' }, 'gen_ai.tool.call.result'); // 1
 */
export function readJsonValue(attributes: Attributes, key: string): unknown {
  const value = attributes[key];
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

export function parseJson(text: string): unknown {
  const first = text.trimStart()[0];
  // Only text that looks like JSON is parsed: a plain string stays a string.
  if (first !== '{' && first !== '[' && first !== '"') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

// Spans converted together mostly fall in the same few milliseconds.
let lastMillis = NaN;
let lastIso = '';

/** HrTime → ISO 8601 (millisecond precision; sub-millisecond is truncated). */
export function hrTimeToIso(time: HrTime): string {
  const [seconds, nanos] = time;
  let millis = seconds * 1000 + Math.floor(nanos / 1e6);
  // Outside Date's range (or not a number): the epoch, rather than a throw.
  if (!(Math.abs(millis) <= 8.64e15)) millis = 0;
  if (millis !== lastMillis) {
    lastMillis = millis;
    lastIso = new Date(millis).toISOString();
  }
  return lastIso;
}

export function durationMillis(start: HrTime, end: HrTime): number {
  return Math.max(0, Math.round(((end[0] - start[0]) * 1e9 + (end[1] - start[1])) / 1e6));
}
