/**
 * The trust options (redaction, tamper evidence) → resolved settings, once,
 * at setup: option > env > default through the one option table. A bad value
 * in code throws, naming the option; a bad env value was already warned
 * about and its default applies.
 */
import { AuditError, invalidOption } from '../errors.js';
import { BUILTIN_RULES, SECRET_KEY_NAMES } from '../redact/builtin-rules.js';
import type { RedactionRule } from '../redact/redaction-rule.js';
import type { RedactorConfig } from '../redact/redactor.js';
import { CONFIG_WARNING_CODE } from './config-warning.js';
import { readConfig } from './env.js';
import type { AuditConfig } from './option-table.js';
import type { RedactionModeName } from './option-types.js';
import { resolveOption } from './resolve-option.js';

/**
 * What is redacted from audit events, and how. Every field has an env
 * variable; a field passed here wins over it.
 */
export interface RedactionOptions {
  /** `mask` (default): `[REDACTED:<rule>]`. `hash`: `[REDACTED:<rule>:<16 hex>]`, a keyed HMAC-SHA-256 of the secret, the same for the same secret, so events can be joined on it. Env `OTEL_AGENT_AUDIT_REDACTION_MODE`. */
  mode?: RedactionModeName;
  /** The HMAC key of `hash` mode (required with it). Env `OTEL_AGENT_AUDIT_REDACTION_HASH_KEY`. */
  hashKey?: string;
  /** Built-in rules switched off, by name (`ip_address`, `phone`, …; README "Redaction"). Env `OTEL_AGENT_AUDIT_REDACTION_DISABLE` (comma-separated). */
  disable?: readonly string[];
  /** Rules of your own, name → pattern (the whole match is redacted, or its group named `secret`). Env `OTEL_AGENT_AUDIT_REDACTION_PATTERNS` (a JSON object of regex sources). */
  patterns?: Readonly<Record<string, string | RegExp>>;
  /** Object keys whose string values are always redacted, besides the built-in `api_key`, `password`, `token`, …: exact names (any case) or patterns. Env `OTEL_AGENT_AUDIT_REDACTION_KEYS` (comma-separated names). */
  keys?: readonly (string | RegExp)[];
  /** Matches kept as they are: exact strings, or patterns a match must fully match (a public support address, a test key). Env `OTEL_AGENT_AUDIT_REDACTION_ALLOW` (comma-separated strings). */
  allow?: readonly (string | RegExp)[];
}

/** Tamper evidence: each event numbered and hash-chained, with signed checkpoints. */
export interface IntegrityOptions {
  /** The Ed25519 private key (PKCS#8 PEM text, or the path of a PEM file) checkpoints are signed with. Default: generated once and kept beside the spool (`<spoolDir>/<service>/audit-signing-key.pem`); its public key is printed when it is made. Env `OTEL_AGENT_AUDIT_SIGNING_KEY`. */
  signingKey?: string;
  /** A signed checkpoint after this many events. Default 1000; env `OTEL_AGENT_AUDIT_CHECKPOINT_EVERY`. */
  checkpointEvery?: number;
  /** …and at least this often while events come. Default 10000; env `OTEL_AGENT_AUDIT_CHECKPOINT_INTERVAL_MILLIS`. */
  checkpointIntervalMillis?: number;
}

/** {@link IntegrityOptions}, resolved. */
export interface IntegrityConfig {
  readonly signingKey: string | undefined;
  readonly checkpointEvery: number;
  readonly checkpointIntervalMillis: number;
}

const BUILTIN_NAMES = new Set(BUILTIN_RULES.map((rule) => rule.name));

/**
 * The redactor's settings, or `undefined` when redaction is off
 * (`redaction: false`, or env `OTEL_AGENT_AUDIT_REDACTION=false` with no
 * options object passed).
 *
 * @param maxLength the exporter's content limit: a redacted text never grows past it.
 * @throws {AuditError} `INVALID_OPTION` naming the first invalid field.
 * @example
 * resolveRedaction({ disable: ['ip_address'] }, 16384)?.rules.some((r) => r.name === 'ip_address'); // false
 */
export function resolveRedaction(options: RedactionOptions | false | undefined, maxLength: number, config: AuditConfig = readConfig()): RedactorConfig | undefined {
  if (options === false) return undefined;
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) throw invalidOption('redaction', 'an object of redaction options, or false', options);
  const given = options ?? {};
  if (options === undefined && !config.redaction) return undefined;
  const label = (field: string) => ({ config, label: `redaction.${field}` });
  const disable = resolveOption('redactionDisable', given.disable, label('disable')) ?? [];
  for (const name of disable) {
    if (BUILTIN_NAMES.has(name)) continue;
    const message = `otel-agent-audit: redaction.disable names '${name}', which is not a built-in rule (${[...BUILTIN_NAMES].join(', ')}).`;
    if (given.disable !== undefined) throw new AuditError('INVALID_OPTION', message);
    warnOnce(`${message} OTEL_AGENT_AUDIT_REDACTION_DISABLE: ignored.`);
  }
  const patterns = resolveOption('redactionPatterns', given.patterns, label('patterns')) ?? {};
  const custom = Object.entries(patterns).map(([name, pattern]) => customRule(name, pattern));
  const taken = custom.find((rule) => BUILTIN_NAMES.has(rule.name));
  if (taken !== undefined) {
    // Two rules of one name could not be told apart in counts, tokens or `disable`.
    const message = `otel-agent-audit: redaction.patterns names '${taken.name}', a built-in rule; give the pattern a name of its own.`;
    if (given.patterns !== undefined) throw new AuditError('INVALID_OPTION', message);
    warnOnce(`${message} OTEL_AGENT_AUDIT_REDACTION_PATTERNS: ignored.`);
    custom.length = 0;
  }
  let mode = resolveOption('redactionMode', given.mode, label('mode'));
  const hashKey = resolveOption('redactionHashKey', given.hashKey, label('hashKey'));
  if (mode === 'hash' && !hashKey) {
    const message = "otel-agent-audit: redaction mode 'hash' needs a key: set redaction.hashKey (OTEL_AGENT_AUDIT_REDACTION_HASH_KEY). Masking instead ([REDACTED:<rule>]).";
    if (given.mode === 'hash') throw new AuditError('INVALID_OPTION', message);
    warnOnce(message);
    mode = 'mask';
  }
  const keys = resolveOption('redactionKeys', given.keys, label('keys')) ?? [];
  const allow = resolveOption('redactionAllow', given.allow, label('allow')) ?? [];
  return {
    rules: [...BUILTIN_RULES.filter((rule) => !disable.includes(rule.name)), ...custom],
    keyNames: [SECRET_KEY_NAMES, ...keys.map(keyMatcher)],
    allow,
    mode,
    ...(hashKey && { hashKey }),
    maxLength,
  };
}

/**
 * The tamper-evidence settings, or `undefined` when it is off (`integrity:
 * false`, or env `OTEL_AGENT_AUDIT_INTEGRITY=false` with no options passed).
 *
 * @throws {AuditError} `INVALID_OPTION` naming the first invalid field.
 */
export function resolveIntegrity(options: IntegrityOptions | false | undefined, config: AuditConfig = readConfig()): IntegrityConfig | undefined {
  if (options === false) return undefined;
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) throw invalidOption('integrity', 'an object of integrity options, or false', options);
  if (options === undefined && !config.integrity) return undefined;
  const given = options ?? {};
  return {
    signingKey: resolveOption('signingKey', given.signingKey, { config, label: 'integrity.signingKey' }),
    checkpointEvery: resolveOption('checkpointEvery', given.checkpointEvery, { config, label: 'integrity.checkpointEvery' }),
    checkpointIntervalMillis: resolveOption('checkpointIntervalMillis', given.checkpointIntervalMillis, { config, label: 'integrity.checkpointIntervalMillis' }),
  };
}

// Env problems found here (not by the table's parsers) are said once per process, like the table's own.
const warned = new Set<string>();
function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  process.emitWarning(message, { code: CONFIG_WARNING_CODE });
}

/** A pattern of the user's as a rule (its name and source were checked by the option's type; the redactor sets the flags it needs). */
function customRule(name: string, pattern: string | RegExp): RedactionRule {
  const regex = typeof pattern === 'string' ? new RegExp(pattern) : pattern;
  return { name, kind: 'secret', description: `custom: /${regex.source}/`, pattern: regex };
}

/** An exact key name matches in any case; a pattern as written. */
function keyMatcher(key: string | RegExp): RegExp {
  if (key instanceof RegExp) return key;
  return new RegExp(`^${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'i');
}
