/**
 * The only reader of `process.env` in the package. Vendor variables keep the
 * vendor's names; our own start with `OTEL_AGENT_AUDIT_`.
 */
import { diag } from '@opentelemetry/api';

const log = diag.createComponentLogger({ namespace: 'otel-agent-audit:config' });

/** Environment settings the package understands; absent ones are undefined. */
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
  /** `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` (`true` / `false`). */
  captureMessageContent?: boolean;
  /** `OTEL_LOG_LEVEL`, upper-cased (`NONE`, `ERROR`, `WARN`, `INFO`, `DEBUG`, `VERBOSE`, `ALL`). */
  logLevel?: string;
}

/** Reads the environment now. Bad numbers warn and are ignored (the default applies). */
export function readEnv(env: NodeJS.ProcessEnv = process.env): AuditEnv {
  return {
    secureagenticsApiKey: text(env.SECUREAGENTICS_API_KEY),
    secureagenticsAgentId: text(env.SECUREAGENTICS_AGENT_ID),
    secureagenticsAgentName: text(env.SECUREAGENTICS_AGENT_NAME),
    secureagenticsBaseUrl: text(env.SECUREAGENTICS_BASE_URL),
    agentopsApiKey: text(env.AGENTOPS_API_KEY),
    agentopsBaseUrl: text(env.AGENTOPS_BASE_URL),
    agenticAuditUrl: text(env.AGENTAUDIT_URL),
    agenticAuditKey: text(env.AGENTAUDIT_KEY),
    agentsudoApiKey: text(env.AGENTSUDO_API_KEY),
    agentsudoBaseUrl: text(env.AGENTSUDO_BASE_URL),
    otlpEndpoint: text(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) ?? text(env.OTEL_EXPORTER_OTLP_ENDPOINT),
    maxQueueSize: positiveInt(env, 'OTEL_AGENT_AUDIT_MAX_QUEUE_SIZE'),
    shutdownTimeoutMillis: positiveInt(env, 'OTEL_AGENT_AUDIT_SHUTDOWN_TIMEOUT_MILLIS'),
    maxContentLength: positiveInt(env, 'OTEL_AGENT_AUDIT_MAX_CONTENT_LENGTH'),
    captureMessageContent: flag(env, 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT'),
    logLevel: text(env.OTEL_LOG_LEVEL)?.toUpperCase(),
  };
}

function text(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = text(env[name]);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (Number.isInteger(value) && value > 0) return value;
  log.warn(`${name}=${JSON.stringify(raw)} is not a positive integer; using the default.`);
  return undefined;
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const raw = text(env[name])?.toLowerCase();
  if (raw === undefined) return undefined;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  log.warn(`${name}=${JSON.stringify(raw)} is neither 'true' nor 'false'; using the default.`);
  return undefined;
}
