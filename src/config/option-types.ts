/**
 * The kinds of value an option can hold, each with the one check used for a
 * value passed in code and the one parser used for an environment string, so
 * the two can never disagree about what is valid.
 */

import { RULE_NAME } from '../redact/redaction-rule.js';

/** Level names `OTEL_LOG_LEVEL` accepts, as the OpenTelemetry SDKs spell them. */
export const LOG_LEVELS = Object.freeze(['NONE', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'VERBOSE', 'ALL'] as const);

/** One of {@link LOG_LEVELS}. */
export type LogLevelName = (typeof LOG_LEVELS)[number];

/**
 * How one kind of option value is checked and parsed.
 *
 * @example
 * OPTION_TYPES.positiveInteger.fromEnv('abc'); // undefined: not valid
 * OPTION_TYPES.positiveInteger.accepts(20); // true
 */
export interface OptionType<T> {
  /** What a valid value is, worded to follow "must be" and "is not": `a positive integer`. */
  readonly expected: string;
  /** Credentials: messages say the variable is set, never what it holds. */
  readonly secret: boolean;
  /** Parses a trimmed, non-empty environment string; `undefined` when it is not valid. */
  fromEnv(raw: string): T | undefined;
  /** True when a value passed in code is valid as it is (code values are never coerced). */
  accepts(value: unknown): value is T;
}

const isString = (value: unknown): value is string => typeof value === 'string';

const text: OptionType<string> = {
  expected: 'a string',
  secret: false,
  fromEnv: (raw) => raw,
  accepts: isString,
};

// An empty key in code is accepted on purpose: backends report "no API key"
// once, with the variable to set, instead of failing setup.
const secret: OptionType<string> = { ...text, secret: true };

const boolean: OptionType<boolean> = {
  expected: "'true' or 'false'",
  secret: false,
  // Case-insensitive, like the OTel GenAI instrumentations that read the same variable.
  fromEnv: (raw) => {
    const lower = raw.toLowerCase();
    return lower === 'true' ? true : lower === 'false' ? false : undefined;
  },
  accepts: (value): value is boolean => typeof value === 'boolean',
};

const isPositiveInteger = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 1;

const positiveInteger: OptionType<number> = {
  expected: 'a positive integer',
  secret: false,
  fromEnv: (raw) => (isPositiveInteger(Number(raw)) ? Number(raw) : undefined),
  accepts: isPositiveInteger,
};

const isNonNegative = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

const nonNegativeNumber: OptionType<number> = {
  expected: 'a number ≥ 0',
  secret: false,
  fromEnv: (raw) => (isNonNegative(Number(raw)) ? Number(raw) : undefined),
  accepts: isNonNegative,
};

const isLogLevel = (value: unknown): value is LogLevelName => (LOG_LEVELS as readonly unknown[]).includes(value);

const logLevel: OptionType<LogLevelName> = {
  expected: `one of ${LOG_LEVELS.join(', ')}`,
  secret: false,
  // Names only: DiagLogLevel also maps numbers back to names ('30' → 'ERROR'), which are not levels.
  fromEnv: (raw) => {
    const upper = raw.toUpperCase();
    return isLogLevel(upper) ? upper : undefined;
  },
  accepts: isLogLevel,
};

const OFF_WORDS = new Set(['none', 'false', 'off']);

// A folder, or `false` for none (the spool): env 'none' / 'false' / 'off' turns it off.
const folderOrOff: OptionType<string | false> = {
  expected: "a folder path (a non-empty string) or false",
  secret: false,
  fromEnv: (raw) => (OFF_WORDS.has(raw.toLowerCase()) ? false : raw),
  accepts: (value): value is string | false => value === false || (typeof value === 'string' && value.trim() !== ''),
};

const REDACTION_MODES = ['mask', 'hash'] as const;

/** How redaction replaces what it finds: a readable `[REDACTED:<rule>]`, or a keyed hash token that joins across events. */
export type RedactionModeName = (typeof REDACTION_MODES)[number];

const isRedactionMode = (value: unknown): value is RedactionModeName => (REDACTION_MODES as readonly unknown[]).includes(value);

const redactionMode: OptionType<RedactionModeName> = {
  expected: "'mask' or 'hash'",
  secret: false,
  fromEnv: (raw) => {
    const lower = raw.toLowerCase();
    return isRedactionMode(lower) ? lower : undefined;
  },
  accepts: isRedactionMode,
};

/** Comma-separated in env; empty items are ignored. */
const splitList = (raw: string): string[] =>
  raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

// Names (of redaction rules): a list in code, comma-separated in env.
const nameList: OptionType<readonly string[]> = {
  expected: 'a list of rule names (lower snake case)',
  secret: false,
  fromEnv: (raw) => {
    const names = splitList(raw);
    return names.every((name) => RULE_NAME.test(name)) ? names : undefined;
  },
  accepts: (value): value is readonly string[] => Array.isArray(value) && value.every((name) => typeof name === 'string' && RULE_NAME.test(name)),
};

// Exact strings or regular expressions in code; exact strings, comma-separated, in env.
const matcherList: OptionType<readonly (string | RegExp)[]> = {
  expected: 'a list of strings or regular expressions',
  secret: false,
  fromEnv: splitList,
  accepts: (value): value is readonly (string | RegExp)[] =>
    Array.isArray(value) && value.every((item) => (typeof item === 'string' && item !== '') || item instanceof RegExp),
};

/** The backends `OTEL_AGENT_AUDIT_BACKENDS` can name (`none`, alone: no backend). */
export const BACKEND_NAMES = Object.freeze(['secureagentics', 'agentops', 'agenticaudit', 'agentsudo', 'jsonl'] as const);

/** One of {@link BACKEND_NAMES}. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/**
 * A list of names out of `names`, comma-separated in env, where `none` alone
 * is the empty list (as the SDK reads OTEL_TRACES_EXPORTER); `unique`: each
 * name at most once.
 */
function namesOrNone<N extends string>(names: readonly N[], unique: boolean): OptionType<readonly N[]> {
  const type: OptionType<readonly N[]> = {
    expected: `a comma-separated list of ${names.join(', ')} (or none)`,
    secret: false,
    fromEnv: (raw) => {
      const listed = splitList(raw.toLowerCase());
      if (listed.length === 1 && listed[0] === 'none') return [];
      return listed.length > 0 && type.accepts(listed) ? listed : undefined;
    },
    accepts: (value): value is readonly N[] =>
      Array.isArray(value) && value.every((name) => (names as readonly unknown[]).includes(name)) && (!unique || new Set(value).size === value.length),
  };
  return type;
}

// Backends by name, each named once.
const backendList = namesOrNone(BACKEND_NAMES, true);

/** The trace exporters `OTEL_TRACES_EXPORTER` can name that `setupAudit` builds (`none`, alone: none). */
export const TRACES_EXPORTERS = Object.freeze(['otlp', 'console'] as const);

/** One of {@link TRACES_EXPORTERS}. */
export type TracesExporterName = (typeof TRACES_EXPORTERS)[number];

const tracesExporterList = namesOrNone(TRACES_EXPORTERS, false);

/**
 * The OTLP transports `setupAudit` can build, as `OTEL_EXPORTER_OTLP_PROTOCOL`
 * spells them. Not `grpc`: it would pull gRPC into every install; an app
 * that wants it builds its exporter with NodeSDK.
 */
export const OTLP_PROTOCOLS = Object.freeze(['http/protobuf', 'http/json'] as const);

/** One of {@link OTLP_PROTOCOLS}. */
export type OtlpProtocolName = (typeof OTLP_PROTOCOLS)[number];

const isOtlpProtocol = (value: unknown): value is OtlpProtocolName => (OTLP_PROTOCOLS as readonly unknown[]).includes(value);

const otlpProtocol: OptionType<OtlpProtocolName> = {
  expected: "'http/protobuf' or 'http/json' (grpc: build the exporter with NodeSDK)",
  secret: false,
  // Exact, as the SDK compares it.
  fromEnv: (raw) => (isOtlpProtocol(raw) ? raw : undefined),
  accepts: isOtlpProtocol,
};

const compiles = (source: string): boolean => {
  try {
    new RegExp(source, 'g');
    return true;
  } catch {
    return false;
  }
};

// Custom redaction rules, name → pattern: an object in code, a JSON object of regex sources in env.
const patternTable: OptionType<Readonly<Record<string, string | RegExp>>> = {
  expected: 'an object of rule name (lower snake case) → regular expression',
  secret: false,
  fromEnv: (raw) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return undefined;
    }
    return patternTable.accepts(parsed) && Object.values(parsed).every((p) => typeof p === 'string') ? parsed : undefined;
  },
  accepts: (value): value is Readonly<Record<string, string | RegExp>> =>
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.entries(value).every(([name, pattern]) => RULE_NAME.test(name) && (pattern instanceof RegExp || (typeof pattern === 'string' && pattern !== '' && compiles(pattern)))),
};

/**
 * Every option type by name, as the option table refers to them.
 *
 * @example
 * OPTION_TYPES.boolean.fromEnv('FALSE'); // false
 */
export const OPTION_TYPES = Object.freeze({
  string: text,
  secret,
  boolean,
  positiveInteger,
  nonNegativeNumber,
  logLevel,
  folderOrOff,
  redactionMode,
  nameList,
  matcherList,
  patternTable,
  backendList,
  tracesExporterList,
  otlpProtocol,
});

/** The name of an option type: `'positiveInteger'`, `'secret'`, … */
export type OptionTypeName = keyof typeof OPTION_TYPES;

/** The value an option of type `K` holds once parsed. */
export type ValueOfType<K extends OptionTypeName> = (typeof OPTION_TYPES)[K] extends OptionType<infer T> ? T : never;
