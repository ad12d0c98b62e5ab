import { diag } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { defaultBackends } from '../backends/default-backends.js';
import { resolveDeliveryConfig, type DeliveryOptions } from '../config/resolve.js';
import { resolveOption } from '../config/resolve-option.js';
import { GenAiLogContentStore } from './genai-log-content-store.js';
import { toAuditEvents, toSessionStartEvents } from '../convert/to-audit-events.js';
import type { AuditBackend } from '../model/audit-backend.js';
import type { AuditEvent } from '../model/audit-event.js';
import { liveRecordingPolicies } from '../model/recording-policy.js';
import type { AuditStats } from './audit-stats.js';
import { BackendPipeline } from '../deliver/backend-pipeline.js';
import type { LogContentIntake } from './log-content-intake.js';

const log = diag.createComponentLogger({ namespace: 'otel-agent-audit:exporter' });

/** Options of {@link AuditSpanExporter}. */
export interface AuditExporterOptions extends DeliveryOptions {
  /** Where audit events go. Default `[secureagentics()]` (configured from its env vars). */
  backends?: AuditBackend[];
  /**
   * Whether message content (prompts, completions, tool arguments and
   * results) leaves the process through this exporter. Metadata always does.
   * False also keeps our helpers from writing content on the spans of this
   * pipeline's provider (and, while it is alive, on spans no audit processor
   * sees start). Default: env `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`, else true.
   */
  captureContent?: boolean;
  /**
   * Longest text kept per message part, tool argument or result, by our
   * helpers and of GenAI log-record content. Default 16384; env
   * `OTEL_AGENT_AUDIT_MAX_CONTENT_LENGTH`.
   */
  maxContentLength?: number;
}

/**
 * A `SpanExporter` that turns finished spans into audit events and hands them
 * to each backend's own bounded queue. `export` converts and queues, then
 * reports success at once: delivery, retries and loss accounting happen
 * behind it (see `stats()`), so a slow backend never holds up the span
 * pipeline. It never throws.
 *
 * Use it with any span processor; `auditSpanProcessor()` adds what a plain
 * processor cannot (session identity on spans from other libraries).
 *
 * @example
 * new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new AuditSpanExporter({ backends: [secureagentics()] }))] });
 */
export class AuditSpanExporter implements SpanExporter {
  private readonly pipelines: BackendPipeline[];
  private readonly names: string[];
  private eventsConverted = 0;
  /** Whether content leaves through this exporter, and how long a text may be. */
  readonly captureContent: boolean;
  readonly maxContentLength: number;
  /** GenAI log-record content waiting for its span, filled by `auditLogRecordProcessor(this)`. */
  private readonly logContent = new GenAiLogContentStore();
  private stopped = false;
  private shutdownPromise: Promise<void> | undefined;

  constructor(options: AuditExporterOptions = {}) {
    const config = resolveDeliveryConfig(options);
    this.captureContent = resolveOption('captureContent', options.captureContent);
    this.maxContentLength = resolveOption('maxContentLength', options.maxContentLength);
    // Helpers whose spans no audit processor sees (this exporter behind a plain
    // processor, say) follow the strictest live pipeline: this one counts.
    liveRecordingPolicies().add(this, { captureContent: this.captureContent, maxContentLength: this.maxContentLength, toolGate: undefined });
    const backends = options.backends ?? defaultBackends();
    this.pipelines = backends.map((backend) => new BackendPipeline(backend, config));
    this.names = uniqueNames(backends.map((b) => b.name));
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('otel-agent-audit: exporter is shut down') });
      return;
    }
    try {
      this.dispatch(toAuditEvents(spans, { logContent: this.logContent, captureContent: this.captureContent }));
      // Converted, with or without it: each span's log-record content is no longer needed.
      for (const span of spans) this.logContent.release(span.spanContext().traceId, span.spanContext().spanId);
    } catch (error) {
      // Conversion is total by design; should a bug break that, it fails this
      // export (counted by the caller) instead of throwing into a timer of the agent.
      log.error(`could not convert ${spans.length === 1 ? '1 span' : `${spans.length} spans`} into audit events; ${spans.length === 1 ? 'it is' : 'they are'} not delivered`, error);
      resultCallback({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
      return;
    }
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  /**
   * Queues the `session.start` event of a session that has just begun.
   * Returns false when there is none to send (not a session root, or shut down).
   */
  exportSessionStart(span: ReadableSpan): boolean {
    if (this.stopped) return false;
    const events = toSessionStartEvents(span, { captureContent: this.captureContent });
    if (events.length === 0) return false;
    this.dispatch(events);
    return true;
  }

  /** Waits until every backend has settled what is queued (or the shutdown timeout passes). */
  async forceFlush(): Promise<void> {
    await Promise.all(this.pipelines.map((p) => p.flush()));
  }

  /** Delivers what is queued within the shutdown timeout, reports losses, closes connections. Idempotent. */
  shutdown(): Promise<void> {
    this.stopped = true;
    this.logContent.close();
    liveRecordingPolicies().remove(this);
    this.shutdownPromise ??= Promise.all(this.pipelines.map((p) => p.shutdown())).then(() => undefined);
    return this.shutdownPromise;
  }

  /** Where `auditLogRecordProcessor(this)` puts GenAI log-record content for this exporter's conversions. */
  logContentIntake(): LogContentIntake {
    return { store: this.logContent, captureContent: this.captureContent, maxContentLength: this.maxContentLength };
  }

  private dispatch(events: AuditEvent[]): void {
    this.eventsConverted += events.length;
    for (const pipeline of this.pipelines) pipeline.enqueue(events);
  }

  /** Events converted so far, and per backend delivered / failed / dropped / retried / waiting. */
  stats(): Omit<AuditStats, 'spansQueued' | 'spansDropped'> {
    const backends: AuditStats['backends'] = {};
    this.pipelines.forEach((p, i) => (backends[this.names[i] as string] = p.stats()));
    return { eventsConverted: this.eventsConverted, backends };
  }
}

function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name}#${n}`;
  });
}
