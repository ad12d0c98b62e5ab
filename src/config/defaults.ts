/**
 * Every default of the package, in one frozen object. Options and env vars
 * override these (precedence: option > env > default, resolved once at setup).
 *
 * @example
 * setupAudit({ maxQueueSize: DEFAULTS.maxQueueSize * 5 });
 */
export const DEFAULTS = Object.freeze({
  /** Secureagentics API origin. */
  secureagenticsBaseUrl: 'https://api.secureagentics.ai',
  /** AgentOps API origin. */
  agentopsBaseUrl: 'https://api.agentops.ai',
  /** AgenticAudit origin: the self-hosted server's documented default. */
  agenticAuditBaseUrl: 'http://localhost:8000',
  /** AgentSudo API origin. */
  agentsudoBaseUrl: 'https://api.agentsudo.dev',
  /** Agent name registered with a backend when none is given. */
  agentName: 'agent',
  /** The JSONL backend's file when `OTEL_AGENT_AUDIT_BACKENDS` names `jsonl` (relative: to the working directory). */
  jsonlFile: 'audit-trail.jsonl',

  /** Message content in spans and audit events (env `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`). */
  captureContent: true,
  /** How long a tool waits for a deciding backend's verdict before its fail mode applies. */
  toolDecisionTimeoutMillis: 1_000,

  /** A model call's span still open this long after its session ended (or, outside one, after it started) is reported as failed. */
  unfinishedCallTimeoutMillis: 300_000,

  /** Finished spans waiting for conversion; past this, a span's end converts the oldest batch itself. */
  maxSpanQueueSize: 8192,
  /** Spans converted per pass of the processor (one pass per turn of the event loop; more while over half the queue waits). */
  maxSpanBatchSize: 128,
  /** How long finished spans wait before conversion when fewer than a batch are queued. */
  scheduledDelayMillis: 200,

  /** Events waiting per backend; past this, new events are dropped and counted. */
  maxQueueSize: 20_000,
  /** Events per request (Secureagentics accepts at most 100 per batch). */
  maxBatchSize: 100,
  /** Requests in flight per backend. */
  maxConcurrentRequests: 8,
  /** Connections in a backend's keep-alive pool. */
  maxConnections: 8,

  /** One HTTP attempt, headers and body. */
  requestTimeoutMillis: 10_000,
  /** Attempts per batch, the first included. */
  maxAttempts: 5,
  /** First backoff; doubles per attempt, with full jitter. */
  initialBackoffMillis: 500,
  /** Longest backoff between two attempts. */
  maxBackoffMillis: 30_000,
  /** Longest `Retry-After` honoured; a longer one is capped to this. */
  maxRetryAfterMillis: 60_000,
  /** A batch is given up after this long since its first attempt. */
  maxRetryElapsedMillis: 120_000,

  /** An event not delivered this long after it entered delivery is given up. */
  maxEventAgeMillis: 86_400_000,
  /** Disk the spool may use, per process; past it the oldest events are dropped (counted). */
  spoolMaxBytes: 268_435_456,
  /** Longest time between a spooled event and the write + fsync that makes it durable (group commit). */
  spoolFlushMillis: 100,

  /** How long `shutdown()` may take to deliver what is queued. */
  shutdownTimeoutMillis: 10_000,
  /** Longest text kept per message part / tool argument; longer is truncated with a marker. */
  maxContentLength: 16_384,

  /** Spans whose GenAI log-record content waits for the span to be converted; past this, the oldest is discarded. */
  maxLogContentSpans: 4096,
  /** Log-record content whose span has not been converted after this long is discarded. */
  maxLogContentAgeMillis: 600_000,
  /** Messages kept per span from GenAI log records (the whole history is re-sent on every call). */
  maxLogContentMessagesPerSpan: 1024,
  /** Characters of GenAI log-record content held across all spans (each text already cut to `maxContentLength`); past this, the oldest spans' content is discarded. */
  maxLogContentChars: 16_777_216,
  /** Losses are reported through `diag` at most this often (the first at once). */
  lossReportIntervalMillis: 30_000,
  /** Secrets and personal data are redacted from every audit event before it is spooled or sent. */
  redaction: true,
  /** `[REDACTED:<rule>]`; `hash` gives a keyed hash token instead (needs a hash key). */
  redactionMode: 'mask',
  /** Events are numbered and hash-chained per stream, with signed checkpoints. */
  integrity: true,
  /** A signed checkpoint after this many events of a stream. */
  checkpointEvery: 1000,
  /** …and at least this often while events keep coming. */
  checkpointIntervalMillis: 10_000,
  /** Level of the console diag logger set up when the app has none (env `OTEL_LOG_LEVEL`), as NodeSDK does. */
  logLevel: 'WARN',
  /** One line on stderr at the first successful delivery of each backend, as a sign that export works. */
  announceDelivery: true,
  /** The OTLP exporter's transport when `OTEL_EXPORTER_OTLP_PROTOCOL` is unset: the SDK's default. */
  otlpProtocol: 'http/protobuf',
});
