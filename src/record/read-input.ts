/**
 * Reading what an agent passes to a recording helper, whatever it is: every
 * read is guarded, and a value of the wrong type, or one that throws when
 * read, is noted as a problem (`RecordingProblems`) instead of thrown into
 * the agent. What can be read is still recorded.
 */
import { isAttributeValue } from '@opentelemetry/core';
import type { Attributes } from '@opentelemetry/api';
import { describeKind } from '../model/value-kind.js';
import type { RecordingProblems } from './recording-problems.js';

/**
 * `value` as an options object: undefined when omitted, and when (noted) it
 * is not an object.
 *
 * @example
 * const given = optionsObject(options, problems); // then readOption(given, 'model', problems)
 */
export function optionsObject(value: unknown, problems: RecordingProblems, field = 'options'): object | undefined {
  if (value === undefined) return undefined;
  if ((value !== null && typeof value === 'object') || typeof value === 'function') return value;
  problems.note(field, `it is ${describeKind(value)}, not an object`);
  return undefined;
}

/**
 * `options[key]`; undefined when there are no options, and when (noted)
 * reading it throws.
 *
 * @example
 * readOption({ model: 'gpt-4o' }, 'model', problems); // 'gpt-4o'
 */
export function readOption(options: object | undefined, key: string, problems: RecordingProblems): unknown {
  if (options === undefined) return undefined;
  try {
    return (options as Record<string, unknown>)[key];
  } catch (error) {
    problems.noteThrown(key, error);
    return undefined;
  }
}

/**
 * A value as text: a string as it is, a number, flag or BigInt as its text;
 * undefined when absent (undefined or null) and when (noted) of another type.
 *
 * @example
 * textOf(7, 'sessionId', problems); // '7'
 */
export function textOf(value: unknown, field: string, problems: RecordingProblems): string | undefined {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  problems.note(field, `it is ${describeKind(value)}, not text`);
  return undefined;
}

/**
 * A required value as text (see {@link textOf}); when it is missing, that
 * is noted too (unless a problem with it was noted already).
 *
 * @example
 * requiredText(undefined, 'model', problems); // undefined, noted: 'it is missing'
 */
export function requiredText(value: unknown, field: string, problems: RecordingProblems): string | undefined {
  const text = textOf(value, field, problems);
  if (text === undefined && !problems.has(field)) problems.note(field, 'it is missing');
  return text;
}

/**
 * The option `key` of `options` as text (see {@link textOf}).
 *
 * @example
 * textOption({ provider: 'openai' }, 'provider', problems); // 'openai'
 */
export function textOption(options: object | undefined, key: string, problems: RecordingProblems): string | undefined {
  return textOf(readOption(options, key, problems), key, problems);
}

/**
 * The own enumerable members of `value`, each read on its own: one whose
 * read throws is left out (noted), the others kept. None for undefined or
 * null, nor (noted) for what is not an object.
 *
 * @example
 * ownEntries({ a: 1 }, 'attributes', problems); // [['a', 1]]
 */
export function ownEntries(value: unknown, field: string, problems: RecordingProblems): Array<[string, unknown]> {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'object') {
    problems.note(field, `it is ${describeKind(value)}, not an object`);
    return [];
  }
  let keys: string[];
  try {
    keys = Object.keys(value);
  } catch (error) {
    problems.noteThrown(field, error);
    return [];
  }
  const entries: Array<[string, unknown]> = [];
  for (const key of keys) {
    try {
      entries.push([key, (value as Record<string, unknown>)[key]]);
    } catch (error) {
      problems.noteThrown(field, error, 'reading one of its members');
    }
  }
  return entries;
}

/**
 * User-given span attributes: a copy of the members that are attribute
 * values; the others are left out (noted), as the SDK would drop them.
 *
 * @example
 * attributesOption({ tenant: 'acme', nested: {} }, 'attributes', problems); // { tenant: 'acme' }
 */
export function attributesOption(value: unknown, field: string, problems: RecordingProblems): Attributes {
  const attributes: Attributes = {};
  if (value === undefined) return attributes; // the common case, on every helper call
  let invalid = 0;
  for (const [key, member] of ownEntries(value, field, problems)) {
    if (isAttributeValue(member)) attributes[key] = member;
    else invalid++;
  }
  if (invalid > 0) problems.note(field, `${invalid} of its members are not attribute values (text, numbers, flags, or lists of one of them)`);
  return attributes;
}
