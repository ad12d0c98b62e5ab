import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, detectResources, envDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, TracerProvider, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { readConfig } from '../config/env.js';
import type { OtlpProtocolName } from '../config/option-types.js';
import { checkValue } from '../config/resolve-option.js';
import type { AuditStats } from '../pipeline/audit-stats.js';
import { auditSpanProcessor, type AuditProcessorOptions, type AuditSpanProcessor } from '../pipeline/audit-span-processor.js';
import type { LogContentIntake } from '../pipeline/log-content-intake.js';
import { GenAiLogContentStore } from '../pipeline/genai-log-content-store.js';
import type { RedactionOptions } from '../config/resolve-trust.js';
import { redactingSpanExporter } from '../pipeline/redacting-span-exporter.js';
import { ensureDiagLogger } from './diag-logger.js';
import { globalTracerProviderExists, registerGlobally } from './global-provider.js';
import { scrubbedLogger } from '../redact/scrubbed-logger.js';

const log = scrubbedLogger('otel-agent-audit:setup');

/** Where the OTLP/HTTP exporter sends, when not taken from the standard OTEL_EXPORTER_OTLP_* env vars. */
export interface OtlpOptions {
  /** Full traces URL, e.g. `http://collector:4318/v1/traces`. */
  url?: string;
  headers?: Record<string, string>;
  /**
   * `'http/protobuf'` or `'http/json'`. Default: `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`,
   * else `OTEL_EXPORTER_OTLP_PROTOCOL`, else `'http/protobuf'` (the SDK's default).
   */
  protocol?: OtlpProtocolName;
  /**
   * Redact the spans sent over OTLP too, with the audit trail's rules
   * (`true`) or rules of their own (README "Redaction"). Default false: the
   * telemetry you send elsewhere is yours to shape.
   */
  redact?: boolean | RedactionOptions;
}

/** Options of {@link setupAudit}. */
export interface SetupAuditOptions extends AuditProcessorOptions {
  /** `service.name` of the resource. Default from `OTEL_SERVICE_NAME`, else the SDK default. */
  serviceName?: string;
  /** More resource attributes. */
  resource?: Resource;
  /**
   * OTLP/HTTP trace export beside the audit export. Default: on when
   * `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is
   * set. `true` turns it on with the env/default settings, `false` off.
   */
  otlp?: boolean | OtlpOptions;
}

/** What {@link setupAudit} returns. */
export interface AuditHandle {
  /**
   * The tracer provider built for the audit pipeline: `@opentelemetry/sdk-trace`'s
   * `TracerProvider`, of the SDK line your app has (2.9+ or 3.x).
   */
  readonly provider: TracerProvider;
  /** False when another provider was already registered globally and was left in place. */
  readonly registered: boolean;
  /** Converts finished spans and waits until every backend settled them (or the shutdown timeout passes). */
  flush(): Promise<void>;
  /**
   * Delivers what is queued within the shutdown timeout, reports losses, and
   * stops. Done for you when the process runs out of work ('beforeExit'); call
   * it yourself before `process.exit()` or on SIGTERM. Then takes the
   * provider, context manager and propagator it registered out of the global
   * API, where they are still its own, so that a later `setupAudit()`
   * registers again. A tracer taken before (instrumentations keep theirs)
   * still writes to this provider, which drops what it gets after shutdown
   * (counted in `stats().spansDropped`): set up once per process, or
   * register instrumentations after the `setupAudit()` they should write to.
   */
  shutdown(): Promise<void>;
  /** Counters: spans converted and dropped, and per backend delivered / failed / dropped / retried. */
  stats(): AuditStats;
  /** Where `auditLogRecordProcessor(audit)` puts GenAI log-record content for this pipeline. */
  logContentIntake(): LogContentIntake;
}

/**
 * Builds and registers a tracer provider that records agent activity and
 * exports it as audit events (and over OTLP/HTTP when configured). With
 * `OTEL_SDK_DISABLED=true` it builds and registers nothing, as NodeSDK then
 * starts nothing: the handle's provider has no processors. If a
 * provider is already registered globally, it is left in place (never a
 * second global provider): `diag` says so; pass `auditSpanProcessor()` in
 * that provider's `spanProcessors` where it is built instead. When the app has set no
 * diag logger, one is set that writes to the console at `OTEL_LOG_LEVEL`
 * (default WARN), so losses and configuration errors are never silent.
 *
 * @throws {AuditError} `INVALID_OPTION` for an invalid option value.
 * @example
 * const audit = setupAudit({ serviceName: 'support-bot', backends: [secureagentics()] });
 * process.on('SIGTERM', () => audit.shutdown().then(() => process.exit(0)));
 */
export function setupAudit(options: SetupAuditOptions = {}): AuditHandle {
  ensureDiagLogger();
  if (readConfig().sdkDisabled) return disabledHandle();

  // What can throw on a bad option comes before the audit processor, whose
  // policy counts process-wide from its construction: a setupAudit() that
  // threw leaves nothing live behind, and no handle is needed to undo it.
  const resource = buildResource(options);
  const beside = telemetryProcessors(options.otlp, options.redaction);
  const processor = auditSpanProcessor(options);
  const spanProcessors: SpanProcessor[] = [processor, ...beside];

  const provider = providerWith(resource, spanProcessors, processor);
  const registration = globalTracerProviderExists() ? undefined : registerGlobally(provider);
  const registered = registration?.registered === true;
  if (!registered) {
    log.warn(
      'a global tracer provider is already registered (or the OpenTelemetry API refused ours: see its diag error); setupAudit() left it in place, ' +
        'so spans made through the global API are not audited. OpenTelemetry SDK providers take their processors only when they are built: ' +
        "pass auditSpanProcessor() in that provider's spanProcessors where it is created (new NodeSDK({ spanProcessors: [auditSpanProcessor(), ...] }), " +
        'or the spanProcessors of your NodeTracerProvider (SDK 2.x) / TracerProvider (SDK 3.x)), and drop this setupAudit() call.',
    );
  }
  const pipeline: LivePipeline = { provider, processor, flushedAtExit: false };
  deliverBeforeExit(pipeline);
  return {
    provider,
    registered,
    flush: () => provider.forceFlush(),
    shutdown: () => {
      forgetAtExit(pipeline);
      // Out of the global API once delivered, so that a later setupAudit() registers again; the context still follows awaits until then.
      return provider.shutdown().finally(() => registration?.unregister());
    },
    stats: () => processor.stats(),
    logContentIntake: () => processor.logContentIntake(),
  };
}

/** The provider; should building it throw after all, the processor is shut down first, so its policy stops counting. */
function providerWith(resource: Resource, spanProcessors: SpanProcessor[], processor: AuditSpanProcessor): TracerProvider {
  try {
    return new TracerProvider({ resource, spanProcessors });
  } catch (error) {
    // shutdown() takes the policy out at once; what it delivers after is nothing (no span has started).
    processor.shutdown().catch(() => undefined);
    throw error;
  }
}

/**
 * The exporters beside the audit export. The `otlp` option wins; without it,
 * `OTEL_TRACES_EXPORTER` decides as in the SDK (`otlp`, `console`, `none`);
 * with neither, OTLP runs only when an endpoint variable is set — unlike the
 * SDK, which then posts to localhost:4318 — so an audit setup never sends
 * telemetry nobody asked for.
 */
function telemetryProcessors(option: SetupAuditOptions['otlp'], auditRules: RedactionOptions | false | undefined): SpanProcessor[] {
  // Processors take `{ exporter }`, as on both SDK lines' @opentelemetry/sdk-trace.
  if (option !== undefined) return option === false ? [] : [new BatchSpanProcessor({ exporter: otlpExporter(option, auditRules) })];
  const { tracesExporter, otlpEndpoint } = readConfig();
  const names = tracesExporter ?? (otlpEndpoint === undefined ? [] : ['otlp']);
  return names.map((name) =>
    name === 'otlp' ? new BatchSpanProcessor({ exporter: otlpExporter(undefined, auditRules) }) : new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() }),
  );
}

function otlpExporter(option: SetupAuditOptions['otlp'], auditRules: RedactionOptions | false | undefined): SpanExporter {
  const settings = typeof option === 'object' ? option : {};
  const protocol = settings.protocol === undefined ? readConfig().otlpProtocol : checkValue('otlpProtocol', 'otlp.protocol', settings.protocol);
  const Exporter = protocol === 'http/json' ? JsonTraceExporter : ProtobufTraceExporter;
  const exporter = new Exporter({ ...(settings.url && { url: settings.url }), ...(settings.headers && { headers: settings.headers }) });
  if (settings.redact === undefined || settings.redact === false) return exporter;
  const rules = settings.redact === true ? auditRules || {} : settings.redact;
  return redactingSpanExporter(exporter, rules);
}

/**
 * The handle of a disabled SDK: a provider with no processors, not
 * registered (so the global API stays no-op, as with NodeSDK), and nothing
 * to flush, deliver or count.
 */
function disabledHandle(): AuditHandle {
  const provider = new TracerProvider();
  // Closed at once: content handed to it is held nowhere, as there is no pipeline to convert it.
  const store = new GenAiLogContentStore();
  store.close();
  const intake: LogContentIntake = { store, captureContent: false, maxContentLength: 0 };
  return {
    provider,
    registered: false,
    flush: () => Promise.resolve(),
    shutdown: () => provider.shutdown(),
    stats: () => ({ eventsConverted: 0, spansQueued: 0, spansDropped: 0, backends: {} }),
    logContentIntake: () => intake,
  };
}

function buildResource(options: SetupAuditOptions): Resource {
  let resource = defaultResource().merge(detectResources({ detectors: [envDetector] }));
  if (options.resource) resource = resource.merge(options.resource);
  if (options.serviceName) resource = resource.merge(resourceFromAttributes({ 'service.name': options.serviceName }));
  return resource;
}

interface LivePipeline {
  provider: TracerProvider;
  processor: AuditSpanProcessor;
  flushedAtExit: boolean;
}

const live = new Set<LivePipeline>();

/**
 * A script that ends without calling shutdown() still delivers its trail.
 * 'beforeExit' fires whenever the event loop runs empty (not on
 * process.exit() or signals: call shutdown() yourself there). Pending work is
 * flushed, which keeps the provider usable for the app's own beforeExit
 * hooks; if work is still pending the next time (a backend that is down),
 * shutdown with its deadline counts and reports what is left, so the process
 * can end.
 */
function deliverBeforeExit(pipeline: LivePipeline): void {
  if (live.size === 0) process.on('beforeExit', onBeforeExit);
  live.add(pipeline);
}

function forgetAtExit(pipeline: LivePipeline): void {
  live.delete(pipeline);
  if (live.size === 0) process.removeListener('beforeExit', onBeforeExit);
}

function onBeforeExit(): void {
  for (const pipeline of live) {
    const { processor, provider } = pipeline;
    // The event loop is empty: a model call's span open now can end only if a
    // beforeExit handler starts more work. One more turn tells; then it is reported.
    if (!processor.isShutdown) {
      const { reported, noted } = processor.reportUnfinishedCallsAtExit();
      if (noted > 0) setImmediate(() => undefined);
      // New work to deliver, not a backend that failed to take the last flush.
      if (reported > 0) pipeline.flushedAtExit = false;
    }
    if (processor.isShutdown || !processor.hasPendingWork()) {
      // All delivered: the stream's close is the last thing to deliver before the process ends.
      if (processor.closeStreamAtExit()) {
        pipeline.flushedAtExit = false;
        provider.forceFlush().catch((error: unknown) => log.error('delivering the audit trail at exit failed', error));
        continue;
      }
      if (processor.isShutdown) forgetAtExit(pipeline);
      pipeline.flushedAtExit = false;
      continue;
    }
    const done = pipeline.flushedAtExit ? provider.shutdown() : provider.forceFlush();
    pipeline.flushedAtExit = true;
    done.catch((error: unknown) => log.error('delivering the audit trail at exit failed', error));
  }
}
