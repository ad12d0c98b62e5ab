import { diag } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { defaultBackends } from '../backends/default-backends.js';
import { join, resolve } from 'node:path';
import { resolveDeliveryConfig, type DeliveryConfig, type DeliveryOptions } from '../config/resolve.js';
import { privateFolderOf, spoolServiceName } from '../config/spool-root.js';
import { abandonedSessionEnd } from '../model/abandoned-session-end.js';
import { auditLossEvent } from '../model/audit-loss-event.js';
import type { LossSummary } from '../model/loss-summary.js';
import { EventSpool, SPOOL_WARNING_CODE } from '../deliver/spool/event-spool.js';
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
   * Names this exporter's spool folder (`<spoolDir>/<serviceName>`), so a
   * restarted service finds what it left. Default `OTEL_SERVICE_NAME`, else
   * the main script's file name. `setupAudit` passes its `serviceName`.
   */
  serviceName?: string;
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
  /** The write-ahead spool every event passes through; undefined: memory only (`spoolDir: false`, or it could not be used). */
  private readonly spool: EventSpool | undefined;
  private spoolClosed = false;
  private readonly deliveryConfig: DeliveryConfig;
  /** `audit.loss` events made so far: a flush that made some waits for them too. */
  private lossRecords = 0;

  constructor(options: AuditExporterOptions = {}) {
    const config = resolveDeliveryConfig(options);
    this.deliveryConfig = config;
    this.captureContent = resolveOption('captureContent', options.captureContent);
    this.maxContentLength = resolveOption('maxContentLength', options.maxContentLength);
    const backends = options.backends ?? defaultBackends();
    this.names = uniqueNames(backends.map((b) => b.name));
    this.spool = backends.length > 0 ? openSpool(config, options.serviceName) : undefined;
    this.pipelines = backends.map(
      (backend, i) => new BackendPipeline(backend, config, { spool: this.spool, key: this.names[i] as string, onLossReport: (summary) => this.recordLoss(summary) }),
    );
    if (this.spool) this.recover(this.spool);
    // Helpers whose spans no audit processor sees (this exporter behind a plain
    // processor, say) follow the strictest live pipeline: this one counts.
    // Registered last, so a construction that threw leaves no policy behind.
    liveRecordingPolicies().add(this, { captureContent: this.captureContent, maxContentLength: this.maxContentLength, toolGate: undefined });
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
    await this.flushWithLossRecords(Date.now() + this.deliveryConfig.shutdownTimeoutMillis, false);
  }

  /**
   * Every backend settles what is queued by `end`; the losses that meets are
   * reported and recorded in the trail, so those records are delivered too
   * (once more, not a loop: a loss of records only is not recorded again).
   */
  private async flushWithLossRecords(end: number, untilShutdown: boolean): Promise<void> {
    const before = this.lossRecords;
    await Promise.all(this.pipelines.map((p) => p.flush(end, untilShutdown)));
    if (this.lossRecords !== before) await Promise.all(this.pipelines.map((p) => p.flush(end, untilShutdown)));
  }

  /** Delivers what is queued within the shutdown timeout, reports losses, closes connections. Idempotent. */
  shutdown(): Promise<void> {
    this.stopped = true;
    this.logContent.close();
    liveRecordingPolicies().remove(this);
    this.shutdownPromise ??= this.closePipelines();
    return this.shutdownPromise;
  }

  /**
   * Within one shutdown deadline: deliver what is queued, so the losses it
   * meets are reported; deliver the `audit.loss` records those reports
   * made, to every backend still taking them; then close. (Closing first
   * would leave the last records for the next start.)
   */
  private async closePipelines(): Promise<void> {
    const end = Date.now() + this.deliveryConfig.shutdownTimeoutMillis;
    await this.flushWithLossRecords(end, true);
    await Promise.all(this.pipelines.map((p) => p.shutdown(end)));
    this.spoolClosed = true;
    await this.spool?.close();
  }

  /** Where `auditLogRecordProcessor(this)` puts GenAI log-record content for this exporter's conversions. */
  logContentIntake(): LogContentIntake {
    return { store: this.logContent, captureContent: this.captureContent, maxContentLength: this.maxContentLength };
  }

  private dispatch(events: AuditEvent[]): void {
    this.eventsConverted += events.length;
    if (this.spool) this.spool.append(events);
    else for (const pipeline of this.pipelines) pipeline.enqueue(events);
  }

  /** A backend gave events up: the trail itself says so, at every backend (`audit.loss`). */
  private recordLoss(summary: LossSummary): void {
    const event = auditLossEvent(summary, new Date());
    this.lossRecords++;
    // Not inside the reporter's caller (a queue in the middle of an enqueue); still before a flush that reported it returns.
    queueMicrotask(() => {
      if (this.spoolClosed) return;
      if (this.spool) this.spool.append([event]);
      else if (!this.stopped) for (const pipeline of this.pipelines) pipeline.enqueue([event]);
    });
  }

  /**
   * Sessions the spool's previous owner left open (it died, or stopped
   * before they ended) are closed in the trail as `abandoned`; then the
   * backends start on what it left undelivered.
   */
  private recover(spool: EventSpool): void {
    const now = new Date();
    const reason = 'the process that recorded the session ended (crash, kill, or exit) before the session did';
    const ends = spool.sessionsLeftOpen.map((start) => abandonedSessionEnd(start, now, reason));
    if (ends.length > 0) spool.append(ends);
    spool.start();
    if (spool.stats().adoptedFrom !== undefined) {
      log.info(`took over the spool of process ${spool.stats().adoptedFrom} in ${spool.dir}; delivering what it left`);
    }
  }

  /** Events converted so far, per backend delivered / failed / dropped / retried / waiting, and the spool's state. */
  stats(): Omit<AuditStats, 'spansQueued' | 'spansDropped'> {
    const backends: AuditStats['backends'] = {};
    this.pipelines.forEach((p, i) => (backends[this.names[i] as string] = p.stats()));
    return { eventsConverted: this.eventsConverted, backends, ...(this.spool && { spool: this.spool.stats() }) };
  }
}

/**
 * The spool of this exporter, in `<spoolDir>/<service>/<slot>`; when it
 * cannot be used, events stay in memory and that is said once, visibly.
 */
function openSpool(config: DeliveryConfig, serviceName: string | undefined): EventSpool | undefined {
  const { root, maxBytes, flushMillis } = config.spool;
  if (root === false) return undefined;
  const privateFolder = privateFolderOf(root);
  const opened = EventSpool.open({
    serviceDir: join(resolve(root), spoolServiceName(serviceName)),
    ...(privateFolder && { privateFolder }),
    maxBytes,
    flushMillis,
    maxEventAgeMillis: config.maxEventAgeMillis,
  });
  if (opened instanceof EventSpool) return opened;
  const message = `otel-agent-audit: ${opened.problem}. Audit events are kept in memory only: a crash or an outage longer than the queue holds loses them. Set spoolDir (OTEL_AGENT_AUDIT_SPOOL_DIR) to a writable folder, or to false / none to keep them in memory on purpose.`;
  log.warn(message);
  process.emitWarning(message, { code: SPOOL_WARNING_CODE });
  return undefined;
}

function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name}#${n}`;
  });
}
