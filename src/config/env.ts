/**
 * The only reader of `process.env` in the package, and it reads it once: the
 * first call resolves the option table against the process's environment and
 * every later call returns that result, so a bad value is warned about once
 * however many modules ask. Variables set after that first call are not seen
 * (configure through options for that).
 */
import { createConfigWarner } from './config-warning.js';
import type { AuditConfig, EnvValues } from './option-table.js';
import { resolveEnv, withDefaults, type ConfigReport, type EnvSource } from './resolve-env.js';

/** Environment settings the package understands; absent (unset or invalid) ones are undefined. */
export interface AuditEnv {
  secureagenticsApiKey?: string;
  secureagenticsAgentId?: string;
  secureagenticsAgentName?: string;
  secureagenticsBaseUrl?: string;
  agentopsApiKey?: string;
  agentopsBaseUrl?: string;
  /** `AGENTAUDIT_URL` (the AgenticAudit guide's name). */
  agenticAuditUrl?: string;
  /** `AGENTAUDIT_KEY` (the AgenticAudit guide's name). */
  agenticAuditKey?: string;
  agentsudoApiKey?: string;
  agentsudoBaseUrl?: string;
  /** Set when either OTLP endpoint variable is set: OTLP export is wanted. */
  otlpEndpoint?: string;
  maxQueueSize?: number;
  shutdownTimeoutMillis?: number;
  maxContentLength?: number;
  /** `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` (`true` / `false`, any case). */
  captureMessageContent?: boolean;
  /** `OTEL_LOG_LEVEL`, upper-cased, and only a level name (`NONE`, `ERROR`, `WARN`, `INFO`, `DEBUG`, `VERBOSE`, `ALL`). */
  logLevel?: string;
}

// Shared by every resolution in this process, so each variable is warned about once.
const processWarner = createConfigWarner();
let processValues: EnvValues | undefined;
let processConfig: AuditConfig | undefined;
let processEnv: AuditEnv | undefined;

function processEnvValues(): EnvValues {
  processValues ??= resolveEnv(process.env, processWarner);
  return processValues;
}

/**
 * Every option resolved from the process's environment, else its default
 * (env > default), computed on first use and shared from then on. Layer code
 * options on top with `resolveOption(name, value)`.
 *
 * @example
 * const { maxQueueSize } = readConfig(); // OTEL_AGENT_AUDIT_MAX_QUEUE_SIZE, else 20000
 */
export function readConfig(): AuditConfig {
  processConfig ??= withDefaults(processEnvValues());
  return processConfig;
}

/**
 * What the environment sets, in the legacy {@link AuditEnv} shape: absent
 * (unset or invalid) values are undefined, so callers keep `option ?? env ?? DEFAULT`.
 * Without arguments, the process's environment, read once (see the module
 * comment). With `env`, that object is resolved now, without touching
 * `process.env` (for tests); its bad values go to `report`, by default the
 * process's once-per-variable warning.
 *
 * @example
 * readEnv().secureagenticsApiKey; // SECUREAGENTICS_API_KEY, or undefined
 * readEnv({ OTEL_LOG_LEVEL: 'debug' }, () => {}).logLevel; // 'DEBUG'
 */
export function readEnv(env?: EnvSource, report: ConfigReport = processWarner): AuditEnv {
  if (env !== undefined) return toAuditEnv(resolveEnv(env, report));
  processEnv ??= toAuditEnv(processEnvValues());
  return processEnv;
}

// The legacy names of AuditEnv, mapped from the option table's names.
function toAuditEnv(values: EnvValues): AuditEnv {
  return Object.freeze({
    secureagenticsApiKey: values.secureagenticsApiKey,
    secureagenticsAgentId: values.secureagenticsAgentId,
    secureagenticsAgentName: values.secureagenticsAgentName,
    secureagenticsBaseUrl: values.secureagenticsBaseUrl,
    agentopsApiKey: values.agentopsApiKey,
    agentopsBaseUrl: values.agentopsBaseUrl,
    agenticAuditUrl: values.agenticAuditBaseUrl,
    agenticAuditKey: values.agenticAuditApiKey,
    agentsudoApiKey: values.agentsudoApiKey,
    agentsudoBaseUrl: values.agentsudoBaseUrl,
    otlpEndpoint: values.otlpEndpoint,
    maxQueueSize: values.maxQueueSize,
    shutdownTimeoutMillis: values.shutdownTimeoutMillis,
    maxContentLength: values.maxContentLength,
    captureMessageContent: values.captureContent,
    logLevel: values.logLevel,
  });
}
