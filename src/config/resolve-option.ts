/**
 * One option, resolved: a value passed in code wins, else the environment,
 * else the default (the last two already merged in the resolved config).
 * A bad value in code is a programming error and throws, naming the option;
 * a bad env value was already warned about and replaced by the default.
 */
import { AuditError, invalidOption } from '../errors.js';
import { readConfig } from './env.js';
import { OPTIONS, type AuditConfig, type OptionName, type OptionValue, type ResolvedValue } from './option-table.js';
import { OPTION_TYPES, type OptionTypeName, type ValueOfType } from './option-types.js';

/** Where {@link resolveOption} looks when no value is passed, and how it names the option. */
export interface ResolveOptionSettings {
  /** Env and defaults, resolved. Default: the process's, {@link readConfig}. */
  config?: AuditConfig;
  /** The option's name in messages, when it sits inside another option: `'secureagentics.requestTimeoutMillis'`. Default: the table's name. */
  label?: string;
}

/**
 * Option > env > default for the option `name`.
 *
 * @param value what the user passed in code; `undefined` means not passed.
 * @throws {AuditError} `INVALID_OPTION` naming the option (or `label`) when `value` is not valid.
 * @example
 * resolveOption('maxQueueSize', options.maxQueueSize); // options → OTEL_AGENT_AUDIT_MAX_QUEUE_SIZE → 20000
 * resolveOption('requestTimeoutMillis', options.requestTimeoutMillis, { label: 'agentops.requestTimeoutMillis' });
 */
export function resolveOption<N extends OptionName>(
  name: N,
  value: OptionValue<N> | undefined,
  settings: ResolveOptionSettings = {},
): ResolvedValue<N> {
  if (value !== undefined) return checkValue(OPTIONS[name].type, settings.label ?? name, value) as OptionValue<N>;
  return (settings.config ?? readConfig())[name];
}

/**
 * Returns `value` when it is valid for an option of type `type`, else throws.
 * For options outside the table's names (a nested option's label), or to
 * validate before anything else happens.
 *
 * @throws {AuditError} `INVALID_OPTION`, naming `label` and what it accepts.
 * @example
 * checkValue('positiveInteger', 'tools.timeoutMillis', 0); // throws: option 'tools.timeoutMillis' must be a positive integer; got 0.
 */
export function checkValue<K extends OptionTypeName>(type: K, label: string, value: unknown): ValueOfType<K> {
  const spec = OPTION_TYPES[type];
  if (spec.accepts(value)) return value as ValueOfType<K>;
  if (spec.secret) {
    // The value may be a real credential in the wrong shape: say what kind of thing it was, never what.
    throw new AuditError('INVALID_OPTION', `otel-agent-audit: option '${label}' must be ${spec.expected}; got a value of type ${typeof value}.`);
  }
  throw invalidOption(label, spec.expected, value);
}
