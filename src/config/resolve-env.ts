/**
 * The option table parsed against an environment. Pure: the environment is
 * an argument and every bad value goes to a `report` callback, so tests need
 * neither `process.env` nor a warning spy. `env.ts` applies it, once, to the
 * process's environment.
 */
import { OPTIONS, envKeysOf, type AuditConfig, type EnvValues, type OptionName, type OptionSpec } from './option-table.js';
import { OPTION_TYPES } from './option-types.js';

/** An environment: `process.env`, or any object of the same shape. */
export type EnvSource = Readonly<Record<string, string | undefined>>;

/** A variable whose value was not valid, and what was used instead. */
export interface ConfigProblem {
  /** The option the variable sets. */
  readonly option: OptionName;
  /** The variable that held the bad value. */
  readonly envKey: string;
  /** The value used instead (the option's default; `undefined`: none). */
  readonly fallback: unknown;
  /** The whole warning, naming the variable, the bad value (never a credential's) and the fallback. */
  readonly message: string;
}

/** Receives each {@link ConfigProblem} of one resolution. */
export type ConfigReport = (problem: ConfigProblem) => void;

/**
 * Parses every option's variable in `env`: set and valid → the parsed value;
 * set but invalid → reported (the default applies); unset, empty or blank →
 * absent. Values are trimmed first.
 *
 * @example
 * resolveEnv({ OTEL_AGENT_AUDIT_MAX_QUEUE_SIZE: '500' }, console.warn); // { maxQueueSize: 500 }
 */
export function resolveEnv(env: EnvSource, report: ConfigReport): EnvValues {
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(OPTIONS) as [OptionName, OptionSpec][]) {
    const found = firstSet(env, envKeysOf(spec));
    if (found === undefined) continue;
    const type = OPTION_TYPES[spec.type];
    const value = type.fromEnv(found.raw);
    if (value !== undefined) {
      values[name] = value;
      continue;
    }
    report({ option: name, envKey: found.envKey, fallback: spec.default, message: describeProblem(found, spec) });
  }
  return Object.freeze(values) as EnvValues;
}

/**
 * Every option from `env`, else its default (env > default).
 *
 * @example
 * resolveConfig({}, console.warn).maxQueueSize; // 20000
 */
export function resolveConfig(env: EnvSource, report: ConfigReport): AuditConfig {
  return withDefaults(resolveEnv(env, report));
}

/**
 * Fills in the default of every option `values` leaves out.
 *
 * @example
 * withDefaults({ maxQueueSize: 5 }).maxAttempts; // 5 (DEFAULTS.maxAttempts)
 */
export function withDefaults(values: EnvValues): AuditConfig {
  const config: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(OPTIONS) as [OptionName, OptionSpec][]) {
    config[name] = name in values ? values[name] : spec.default;
  }
  return Object.freeze(config) as AuditConfig;
}

function firstSet(env: EnvSource, envKeys: readonly string[]): { envKey: string; raw: string } | undefined {
  for (const envKey of envKeys) {
    // Blank counts as unset, as the OTel SDK's env parsing treats it.
    const raw = env[envKey]?.trim();
    if (raw) return { envKey, raw };
  }
  return undefined;
}

function describeProblem(found: { envKey: string; raw: string }, spec: OptionSpec): string {
  const type = OPTION_TYPES[spec.type];
  // A credential is never echoed, even a malformed one: it may be a real key pasted wrong.
  const what = type.secret ? `${found.envKey} is set but` : `${found.envKey}=${JSON.stringify(shorten(found.raw))}`;
  const fallback = spec.default === undefined ? 'no value (there is no default)' : `${String(spec.default)} (the default)`;
  return `otel-agent-audit: ${what} is not ${type.expected}; using ${fallback}.`;
}

/** Keeps a warning one line long when a variable holds a whole file by mistake. */
function shorten(raw: string): string {
  return raw.length > 80 ? `${raw.slice(0, 80)}…` : raw;
}
