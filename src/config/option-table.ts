/**
 * Every option of the package, declared once: its type (how it is checked and
 * parsed), its environment variable if it has one, and its default. Env
 * parsing, code validation, warnings and precedence (option > env > default)
 * are all derived from this table, so adding an option is one row.
 *
 * Vendor variables keep the vendor's names exactly; our own start with
 * `OTEL_AGENT_AUDIT_`. Only variables something reads are listed.
 */
import { DEFAULTS } from './defaults.js';
import type { OptionTypeName, ValueOfType } from './option-types.js';

/**
 * One row of the table.
 *
 * @example
 * const row: OptionSpec = { type: 'positiveInteger', envKey: 'OTEL_AGENT_AUDIT_MAX_QUEUE_SIZE', default: 20000 };
 */
export interface OptionSpec<K extends OptionTypeName = OptionTypeName, D = unknown> {
  /** How values are checked (code) and parsed (env). */
  readonly type: K;
  /** Used when neither code nor env gives a valid value; `undefined`: the option has none (a credential, an id). */
  readonly default: D;
  /** The variable read for it; with several, the first one set wins (as OTLP's signal-specific endpoint over the generic one). Absent: code only. */
  readonly envKey?: string | readonly string[];
}

// Ties each default to its row's type at compile time (a string default on a
// numeric option does not build), and freezes the row.
function option<K extends OptionTypeName, const D extends ValueOfType<K> | undefined>(spec: OptionSpec<K, D>): OptionSpec<K, D> {
  return Object.freeze(spec);
}

/**
 * The option table. Keys are the option names used in code and in messages.
 *
 * @example
 * OPTIONS.maxQueueSize; // { type: 'positiveInteger', envKey: 'OTEL_AGENT_AUDIT_MAX_QUEUE_SIZE', default: 20000 }
 */
export const OPTIONS = Object.freeze({
  // Which backends an exporter given none sends to, and the JSONL backend's file.
  backends: option({ type: 'backendList', envKey: 'OTEL_AGENT_AUDIT_BACKENDS', default: ['secureagentics'] }),
  jsonlFile: option({ type: 'string', envKey: 'OTEL_AGENT_AUDIT_JSONL_FILE', default: DEFAULTS.jsonlFile }),
  // Backends (vendor names, vendor defaults).
  secureagenticsApiKey: option({ type: 'secret', envKey: 'SECUREAGENTICS_API_KEY', default: undefined }),
  secureagenticsAgentId: option({ type: 'string', envKey: 'SECUREAGENTICS_AGENT_ID', default: undefined }),
  secureagenticsAgentName: option({ type: 'string', envKey: 'SECUREAGENTICS_AGENT_NAME', default: undefined }),
  secureagenticsBaseUrl: option({ type: 'string', envKey: 'SECUREAGENTICS_BASE_URL', default: DEFAULTS.secureagenticsBaseUrl }),
  agentopsApiKey: option({ type: 'secret', envKey: 'AGENTOPS_API_KEY', default: undefined }),
  agentopsBaseUrl: option({ type: 'string', envKey: 'AGENTOPS_BASE_URL', default: DEFAULTS.agentopsBaseUrl }),
  // The names the AgenticAudit integration guide uses.
  agenticAuditApiKey: option({ type: 'secret', envKey: 'AGENTAUDIT_KEY', default: undefined }),
  agenticAuditBaseUrl: option({ type: 'string', envKey: 'AGENTAUDIT_URL', default: DEFAULTS.agenticAuditBaseUrl }),
  agentsudoApiKey: option({ type: 'secret', envKey: 'AGENTSUDO_API_KEY', default: undefined }),
  agentsudoBaseUrl: option({ type: 'string', envKey: 'AGENTSUDO_BASE_URL', default: DEFAULTS.agentsudoBaseUrl }),
  /** Per backend: one HTTP attempt. */
  requestTimeoutMillis: option({ type: 'positiveInteger', default: DEFAULTS.requestTimeoutMillis }),
  /** Per backend: keep-alive pool size. */
  maxConnections: option({ type: 'positiveInteger', default: DEFAULTS.maxConnections }),

  // OpenTelemetry's own variables, read as the SDK reads them.
  /** Set: OTLP export is wanted. The traces-specific variable wins over the generic one (OTLP exporter spec, "Endpoint URLs"). */
  otlpEndpoint: option({
    type: 'string',
    envKey: ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT'],
    default: undefined,
  }),
  /** The OTLP exporter's transport. The traces-specific variable wins, as in the SDK; its default is the SDK's. */
  otlpProtocol: option({
    type: 'otlpProtocol',
    envKey: ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL'],
    default: DEFAULTS.otlpProtocol,
  }),
  /** `true`: `setupAudit` builds no pipeline and registers nothing, as NodeSDK starts nothing. */
  sdkDisabled: option({ type: 'boolean', envKey: 'OTEL_SDK_DISABLED', default: false }),
  /** Which exporters `setupAudit` puts beside the audit export; unset: OTLP when an endpoint variable is set. */
  tracesExporter: option({ type: 'tracesExporterList', envKey: 'OTEL_TRACES_EXPORTER', default: undefined }),
  captureContent: option({ type: 'boolean', envKey: 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT', default: DEFAULTS.captureContent }),
  logLevel: option({ type: 'logLevel', envKey: 'OTEL_LOG_LEVEL', default: DEFAULTS.logLevel }),

  // Recording.
  maxContentLength: option({ type: 'positiveInteger', envKey: 'OTEL_AGENT_AUDIT_MAX_CONTENT_LENGTH', default: DEFAULTS.maxContentLength }),
  toolDecisionTimeoutMillis: option({ type: 'positiveInteger', default: DEFAULTS.toolDecisionTimeoutMillis }),

  // Span queue (the audit span processor).
  maxSpanQueueSize: option({ type: 'positiveInteger', default: DEFAULTS.maxSpanQueueSize }),
  maxSpanBatchSize: option({ type: 'positiveInteger', default: DEFAULTS.maxSpanBatchSize }),
  scheduledDelayMillis: option({ type: 'nonNegativeNumber', default: DEFAULTS.scheduledDelayMillis }),
  unfinishedCallTimeoutMillis: option({ type: 'positiveInteger', default: DEFAULTS.unfinishedCallTimeoutMillis }),

  // Delivery, per backend.
  maxQueueSize: option({ type: 'positiveInteger', envKey: 'OTEL_AGENT_AUDIT_MAX_QUEUE_SIZE', default: DEFAULTS.maxQueueSize }),
  maxConcurrentRequests: option({ type: 'positiveInteger', default: DEFAULTS.maxConcurrentRequests }),
  maxAttempts: option({ type: 'positiveInteger', default: DEFAULTS.maxAttempts }),
  initialBackoffMillis: option({ type: 'nonNegativeNumber', default: DEFAULTS.initialBackoffMillis }),
  maxBackoffMillis: option({ type: 'nonNegativeNumber', default: DEFAULTS.maxBackoffMillis }),
  maxRetryAfterMillis: option({ type: 'nonNegativeNumber', default: DEFAULTS.maxRetryAfterMillis }),
  maxRetryElapsedMillis: option({ type: 'nonNegativeNumber', default: DEFAULTS.maxRetryElapsedMillis }),
  shutdownTimeoutMillis: option({
    type: 'nonNegativeNumber',
    envKey: 'OTEL_AGENT_AUDIT_SHUTDOWN_TIMEOUT_MILLIS',
    default: DEFAULTS.shutdownTimeoutMillis,
  }),
  /** An event not delivered this long after it was spooled is given up (counted, and recorded as `audit.loss`). */
  maxEventAgeMillis: option({ type: 'positiveInteger', envKey: 'OTEL_AGENT_AUDIT_MAX_EVENT_AGE_MILLIS', default: DEFAULTS.maxEventAgeMillis }),

  // The write-ahead spool. Default folder: none here, it is derived per user and service (spool-location.ts).
  spoolDir: option({ type: 'folderOrOff', envKey: 'OTEL_AGENT_AUDIT_SPOOL_DIR', default: undefined }),
  spoolMaxBytes: option({ type: 'positiveInteger', envKey: 'OTEL_AGENT_AUDIT_SPOOL_MAX_BYTES', default: DEFAULTS.spoolMaxBytes }),
  announceDelivery: option({ type: 'boolean', envKey: 'OTEL_AGENT_AUDIT_ANNOUNCE_DELIVERY', default: DEFAULTS.announceDelivery }),
  spoolFlushMillis: option({ type: 'nonNegativeNumber', envKey: 'OTEL_AGENT_AUDIT_SPOOL_FLUSH_MILLIS', default: DEFAULTS.spoolFlushMillis }),

  // Redaction, before anything leaves the process (src/redact/).
  redaction: option({ type: 'boolean', envKey: 'OTEL_AGENT_AUDIT_REDACTION', default: DEFAULTS.redaction }),
  redactionMode: option({ type: 'redactionMode', envKey: 'OTEL_AGENT_AUDIT_REDACTION_MODE', default: DEFAULTS.redactionMode }),
  redactionHashKey: option({ type: 'secret', envKey: 'OTEL_AGENT_AUDIT_REDACTION_HASH_KEY', default: undefined }),
  redactionDisable: option({ type: 'nameList', envKey: 'OTEL_AGENT_AUDIT_REDACTION_DISABLE', default: undefined }),
  redactionPatterns: option({ type: 'patternTable', envKey: 'OTEL_AGENT_AUDIT_REDACTION_PATTERNS', default: undefined }),
  redactionKeys: option({ type: 'matcherList', envKey: 'OTEL_AGENT_AUDIT_REDACTION_KEYS', default: undefined }),
  redactionAllow: option({ type: 'matcherList', envKey: 'OTEL_AGENT_AUDIT_REDACTION_ALLOW', default: undefined }),

  // Tamper evidence: hash chain and signed checkpoints (src/chain/).
  integrity: option({ type: 'boolean', envKey: 'OTEL_AGENT_AUDIT_INTEGRITY', default: DEFAULTS.integrity }),
  signingKey: option({ type: 'secret', envKey: 'OTEL_AGENT_AUDIT_SIGNING_KEY', default: undefined }),
  checkpointEvery: option({ type: 'positiveInteger', envKey: 'OTEL_AGENT_AUDIT_CHECKPOINT_EVERY', default: DEFAULTS.checkpointEvery }),
  checkpointIntervalMillis: option({
    type: 'positiveInteger',
    envKey: 'OTEL_AGENT_AUDIT_CHECKPOINT_INTERVAL_MILLIS',
    default: DEFAULTS.checkpointIntervalMillis,
  }),
});

/** The name of an option: a key of {@link OPTIONS}. */
export type OptionName = keyof typeof OPTIONS;

type Row<N extends OptionName> = (typeof OPTIONS)[N];

/** The value option `N` holds when it is set. */
export type OptionValue<N extends OptionName> = ValueOfType<Row<N>['type']>;

/** Option `N` once resolved: its value, or `undefined` only for an option without a default. */
export type ResolvedValue<N extends OptionName> = OptionValue<N> | (undefined extends Row<N>['default'] ? undefined : never);

/**
 * Every option resolved from the environment and the defaults (env > default).
 * Code options are layered on top by `resolveOption`.
 */
export type AuditConfig = { readonly [N in OptionName]: ResolvedValue<N> };

/** What the environment sets validly, by option; unset and invalid variables are absent. */
export type EnvValues = { readonly [N in OptionName]?: OptionValue<N> };

/**
 * The variables read for an option, in order of precedence (empty: code only).
 *
 * @example
 * envKeysOf(OPTIONS.otlpEndpoint); // ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT']
 */
export function envKeysOf(spec: OptionSpec): readonly string[] {
  if (spec.envKey === undefined) return [];
  return typeof spec.envKey === 'string' ? [spec.envKey] : spec.envKey;
}
