/**
 * Readers for the fields of an OTLP request in its JSON shape (OTLP/JSON, or
 * a protobuf message turned into it by `decodeProtobuf`), per the OTLP
 * specification's JSON mapping (otlp.md "JSON Protobuf Encoding"): trace and
 * span ids as hex (base64 accepted too: the generic protobuf JSON mapping,
 * and what `decodeProtobuf` yields), 64-bit integers as decimal strings or
 * numbers, enums as integers, camelCase field names. Each reader names the
 * field it rejects.
 */
import type { Attributes, HrTime } from '@opentelemetry/api';
import { OtlpDecodeError } from './otlp-decode-error.js';

/** An object of the request, as parsed JSON. */
export type OtlpObject = Readonly<Record<string, unknown>>;

const HEX = /^[0-9a-fA-F]*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DIGITS = /^\d+$/;
const NANOS_PER_SECOND = 1_000_000_000;

/** True for a JSON object (not an array, not null). */
export function isOtlpObject(value: unknown): value is OtlpObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The objects of a repeated message field; absent is empty (proto3 default). */
export function objectsOf(owner: OtlpObject, name: string, where: string): OtlpObject[] {
  const value = owner[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new OtlpDecodeError(`${where}.${name} must be an array`);
  return value.map((item, i) => {
    if (!isOtlpObject(item)) throw new OtlpDecodeError(`${where}.${name}[${i}] must be an object`);
    return item;
  });
}

/** An optional message field; absent is undefined. */
export function objectOf(owner: OtlpObject, name: string, where: string): OtlpObject | undefined {
  const value = owner[name];
  if (value === undefined || value === null) return undefined;
  if (!isOtlpObject(value)) throw new OtlpDecodeError(`${where}.${name} must be an object`);
  return value;
}

/** A string field; absent is ''. */
export function stringOf(owner: OtlpObject, name: string, where: string): string {
  const value = owner[name];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new OtlpDecodeError(`${where}.${name} must be a string`);
  return value;
}

/** An integer field of at most 53 bits (enums, counts, flags); absent is 0. Strings are accepted (the JSON mapping of 64-bit ints). */
export function integerOf(owner: OtlpObject, name: string, where: string): number {
  const value = owner[name];
  if (value === undefined || value === null) return 0;
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new OtlpDecodeError(`${where}.${name} must be an integer`);
  return n;
}

/**
 * A trace or span id of `bytes` bytes, as lowercase hex (what the SDK's
 * span contexts hold); undefined when absent or empty (no parent, a log
 * record outside any span).
 */
export function idOf(owner: OtlpObject, name: string, bytes: number, where: string): string | undefined {
  const value = owner[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') {
    // Hex and base64 of one length never coincide (16 bytes: 32 hex or 24 base64 characters).
    if (value.length === bytes * 2 && HEX.test(value)) return value.toLowerCase();
    if (value.length === Math.ceil(bytes / 3) * 4 && BASE64.test(value)) {
      const decoded = Buffer.from(value, 'base64');
      if (decoded.length === bytes) return decoded.toString('hex');
    }
  }
  throw new OtlpDecodeError(`${where}.${name} must be ${bytes} bytes as hex (or base64)`);
}

/**
 * A `fixed64` time in nanoseconds since the epoch as the SDK's HrTime
 * `[seconds, nanoseconds]`, exactly (through BigInt: nanoseconds since
 * 1970 exceed 2^53); absent is `[0, 0]`.
 */
export function hrTimeOf(owner: OtlpObject, name: string, where: string): HrTime {
  const value = owner[name];
  if (value === undefined || value === null) return [0, 0];
  // Split in decimal, not through BigInt: the last nine digits are the nanoseconds (a fixed64 has at
  // most 20 digits, so the seconds stay exact); three times per span, it was a visible decoding cost.
  if (typeof value === 'string' && DIGITS.test(value)) {
    return value.length <= 9 ? [0, Number(value)] : [Number(value.slice(0, -9)), Number(value.slice(-9))];
  }
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
    const nanos = value % NANOS_PER_SECOND;
    return [(value - nanos) / NANOS_PER_SECOND, nanos];
  }
  throw new OtlpDecodeError(`${where}.${name} must be nanoseconds as a decimal string or integer`);
}

/**
 * An AnyValue as the JS value the SDK held before export: strings, booleans,
 * numbers (`intValue` as a number, as the JS exporters wrote it), arrays,
 * objects (kvlist), Uint8Array (bytes); undefined for an empty AnyValue.
 */
export function anyValueOf(value: unknown, where: string): unknown {
  if (value === undefined || value === null) return undefined;
  if (!isOtlpObject(value)) throw new OtlpDecodeError(`${where} must be an AnyValue object`);
  if ('stringValue' in value) return typeof value.stringValue === 'string' ? value.stringValue : fail(where, 'stringValue');
  if ('boolValue' in value) return typeof value.boolValue === 'boolean' ? value.boolValue : fail(where, 'boolValue');
  if ('intValue' in value) return integerValue(value.intValue, where);
  if ('doubleValue' in value) return doubleValue(value.doubleValue, where);
  if ('bytesValue' in value) return typeof value.bytesValue === 'string' ? new Uint8Array(Buffer.from(value.bytesValue, 'base64')) : fail(where, 'bytesValue');
  if ('arrayValue' in value) {
    const array = isOtlpObject(value.arrayValue) ? value.arrayValue : fail(where, 'arrayValue');
    return objectsOrValues(array, `${where}.arrayValue`).map((item, i) => anyValueOf(item, `${where}.arrayValue.values[${i}]`));
  }
  if ('kvlistValue' in value) {
    const list = isOtlpObject(value.kvlistValue) ? value.kvlistValue : fail(where, 'kvlistValue');
    return keyValuesOf(list, 'values', `${where}.kvlistValue`);
  }
  return undefined;
}

/**
 * A KeyValue list (`attributes`, a kvlist's `values`) as an object. A key
 * given twice keeps its last value, as the SDK's `setAttribute` would.
 */
export function keyValuesOf(owner: OtlpObject, name: string, where: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const list = owner[name];
  if (list === undefined || list === null) return out;
  if (!Array.isArray(list)) throw new OtlpDecodeError(`${where}.${name} must be an array`);
  // Every attribute of every span passes here: the field path for a message is built only when one
  // may be needed (a wrong type, a value other than a string), and the string value, by far the most
  // common, is read at once.
  for (let i = 0; i < list.length; i++) {
    const kv: unknown = list[i];
    if (!isOtlpObject(kv)) throw new OtlpDecodeError(`${where}.${name}[${i}] must be an object`);
    const key = typeof kv.key === 'string' ? kv.key : stringOf(kv, 'key', `${where}.${name}[${i}]`);
    const any = kv.value;
    const value = isOtlpObject(any) && typeof any.stringValue === 'string' ? any.stringValue : anyValueOf(any, `${where}.${name}[${i}].value`);
    // An empty AnyValue is no value: the SDK drops undefined attributes too.
    if (value === undefined) continue;
    // A key `__proto__` must be an attribute like any other, not the object's prototype, so it is
    // defined; every other key is assigned (the same own property, and it keeps the object fast).
    if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    else out[key] = value;
  }
  return out;
}

/** Span, event, link and resource attributes: the SDK's `Attributes` (values the SDK itself never holds, such as kvlists, pass through as they are). */
export function attributesOf(owner: OtlpObject, where: string): Attributes {
  return keyValuesOf(owner, 'attributes', where) as Attributes;
}

function objectsOrValues(array: OtlpObject, where: string): unknown[] {
  const values = array.values;
  if (values === undefined || values === null) return [];
  if (!Array.isArray(values)) throw new OtlpDecodeError(`${where}.values must be an array`);
  return values;
}

function integerValue(raw: unknown, where: string): number {
  // int64 arrives as a decimal string (protobuf JSON mapping) or a number (the JS exporters).
  if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
  if (typeof raw === 'string' && /^-?\d+$/.test(raw)) return Number(raw);
  return fail(where, 'intValue');
}

function doubleValue(raw: unknown, where: string): number {
  if (typeof raw === 'number') return raw;
  // The protobuf JSON mapping spells non-finite doubles as strings.
  if (raw === 'NaN' || raw === 'Infinity' || raw === '-Infinity') return Number(raw);
  if (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  return fail(where, 'doubleValue');
}

function fail(where: string, member: string): never {
  throw new OtlpDecodeError(`${where}.${member} has the wrong type`);
}
