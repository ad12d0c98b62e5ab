import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { defaultBackends } from '../backends/default-backends.js';
import { join, resolve } from 'node:path';
import { resolveDeliveryConfig, type DeliveryConfig, type DeliveryOptions } from '../config/resolve.js';
import { privateFolderOf, spoolServiceName } from '../config/spool-root.js';
import { abandonedSessionEnd } from '../model/abandoned-session-end.js';
import { auditLossEvent } from '../model/audit-loss-event.js';
import type { LossSummary } from '../model/loss-summary.js';
import { EventSpool, SPOOL_WARNING_CODE } from '../deliver/spool/event-spool.js';
import type { SpoolEntry } from '../deliver/spool/spool-entry.js';
import type { SpoolShortage } from '../deliver/spool/spool-room.js';
import type { DurableExportResult } from './durable-export-result.js';
import { resolveOption } from '../config/resolve-option.js';
import { resolveIntegrity, resolveRedaction, type IntegrityOptions, type RedactionOptions } from '../config/resolve-trust.js';
import { redactEvent } from '../redact/redact-event.js';
import { addCounts, Redactor, type RedactionCounts } from '../redact/redactor.js';
import { TrailIntegrity } from './trail-integrity.js';
import { GenAiLogContentStore } from './genai-log-content-store.js';
import { toAuditEvents, toSessionStartEvents } from '../convert/to-audit-events.js';
import type { AuditBackend } from '../model/audit-backend.js';
import type { AuditEvent } from '../model/audit-event.js';
import { liveRecordingPolicies } from '../model/recording-policy.js';
import type { AuditStats } from './audit-stats.js';
import { BackendPipeline } from '../deliver/backend-pipeline.js';
import type { LogContentIntake } from './log-content-intake.js';
import { scrubbedLogger } from '../redact/scrubbed-logger.js';

const log = scrubbedLogger('otel-agent-audit:exporter');

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
  /**
   * Secrets and personal data redacted from every event before it is
   * spooled or sent: on by default with the built-in rules (README
   * "Redaction"); options here, or `false` to turn it off. Env
   * `OTEL_AGENT_AUDIT_REDACTION=false` turns it off when no options are passed.
   */
  redaction?: RedactionOptions | false;
  /**
   * Tamper evidence: every event numbered and hash-chained in this
   * exporter's stream, with signed checkpoints (README "Tamper evidence").
   * On by default; `false` turns it off, as env `OTEL_AGENT_AUDIT_INTEGRITY=false`
   * does when no options are passed.
   */
  integrity?: IntegrityOptions | false;
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
 * // SDK 2.x (@opentelemetry/sdk-trace-base): new BatchSpanProcessor(exporter)
 * new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new AuditSpanExporter({ backends: [secureagentics()] }))] });
 * // SDK 3.x (@opentelemetry/sdk-trace): processors take { exporter }
 * new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter: new AuditSpanExporter({ backends: [secureagentics()] }) })] });
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
  /** Undefined: redaction is off. */
  private readonly redactor: Redactor | undefined;
  private readonly redactions: RedactionCounts = {};
  /** Undefined: tamper evidence is off. */
  private readonly integrity: TrailIntegrity | undefined;

  constructor(options: AuditExporterOptions = {}) {
    const config = resolveDeliveryConfig(options);
    this.deliveryConfig = config;
    this.captureContent = resolveOption('captureContent', options.captureContent);
    this.maxContentLength = resolveOption('maxContentLength', options.maxContentLength);
    const redaction = resolveRedaction(options.redaction, this.maxContentLength);
    this.redactor = redaction && new Redactor(redaction);
    const integrity = resolveIntegrity(options.integrity);
    const backends = options.backends ?? defaultBackends();
    this.names = uniqueNames(backends.map((b) => b.name));
    const { root } = config.spool;
    const serviceDir = root === false ? undefined : join(resolve(root), spoolServiceName(options.serviceName));
    // The chain head a commit leaves for a next owner is asked for later, once the chain exists.
    this.spool = backends.length > 0 && root !== false && serviceDir !== undefined ? openSpool(config, root, serviceDir, integrity && ((event) => this.integrity?.headOf(event))) : undefined;
    // The key is kept beside a spool that could be used, never in a folder it refused.
    this.integrity = integrity && backends.length > 0 ? new TrailIntegrity(integrity, this.spool && serviceDir, (events) => this.deliver(events), backends.some((b) => b.sendsChainText === true)) : undefined;
    this.pipelines = backends.map(
      (backend, i) => new BackendPipeline(backend, config, { spool: this.spool, key: this.names[i] as string, onLossReport: (summary) => this.recordLoss(summary) }),
    );
    if (this.spool) this.recover(this.spool);
    // Helpers whose spans no audit processor sees (this exporter behind a plain
    // processor, say) follow the strictest live pipeline: this one counts.
    // Registered last, so a construction that threw leaves no policy behind.
    liveRecordingPolicies().add(this, { captureContent: this.captureContent, maxContentLength: this.maxContentLength, toolGate: undefined });
  }

  /**
   * No backend: the processor in front only stamps spans (session, agent,
   * recording policy) for the app's own exporter to carry to a gateway, and
   * converts nothing.
   *
   * @example
   * new AuditSpanExporter({ backends: [] }).stampsOnly; // true
   */
  get stampsOnly(): boolean {
    return this.pipelines.length === 0;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const outcome = this.convertAndSend(spans);
    resultCallback(outcome instanceof Error ? { code: ExportResultCode.FAILED, error: outcome } : { code: ExportResultCode.SUCCESS });
  }

  /**
   * Like `export`, for a caller that acknowledges spans to someone else (the
   * OTLP gateway): resolves once the spans' events are safe, or says why they
   * are not ({@link DurableExportResult}). With a spool, events are taken
   * only when they fit without pushing out any that a backend has not
   * settled: acknowledged events are never given up to make room for new
   * ones. Never rejects.
   */
  async exportDurably(spans: readonly ReadableSpan[]): Promise<DurableExportResult> {
    const spool = this.spoolClosed ? undefined : this.spool;
    const sent = this.convertAndSend(spans, spool);
    if (sent instanceof Error) return { outcome: 'failed', events: 0, error: sent };
    if (!Array.isArray(sent)) return { outcome: sent.shortage.reason, events: 0, shortage: { ...sent.shortage, events: sent.events } };
    if (spool === undefined) return { outcome: 'queued', events: sent.length };
    return { outcome: (await spool.durable(sent)) ? 'spooled' : 'unspooled', events: sent.length };
  }

  /**
   * Converts and sends; the spool entries made (none without a spool), the
   * shortage that refused them (only when `roomIn` is given), or the error
   * that failed the whole batch.
   */
  private convertAndSend(spans: readonly ReadableSpan[], roomIn?: EventSpool): SpoolEntry[] | Refused | Error {
    if (this.stopped) return new Error('otel-agent-audit: exporter is shut down');
    try {
      const events = toAuditEvents(spans, { logContent: this.logContent, captureContent: this.captureContent });
      const entries = roomIn === undefined ? this.dispatch(events) : this.dispatchIfRoom(events, roomIn);
      // Refused: the spans come again (the client retries), and must then make the same events, content included.
      if (!Array.isArray(entries)) return entries;
      // Converted, with or without it: each span's log-record content is no longer needed.
      for (const span of spans) this.logContent.release(span.spanContext().traceId, span.spanContext().spanId);
      return entries;
    } catch (error) {
      // Conversion is total by design; should a bug break that, it fails this
      // export (counted by the caller) instead of throwing into a timer of the agent.
      log.error(`could not convert ${spans.length === 1 ? '1 span' : `${spans.length} spans`} into audit events; ${spans.length === 1 ? 'it is' : 'they are'} not delivered`, error);
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  /**
   * Queues the `session.start` event of a session that has just begun.
   * Returns false when there is none to send (not a session root, or shut
   * down) and when there is no backend to send it to: then the span must not
   * be marked as sent, so that whoever converts it downstream (the app's own
   * exporter to a gateway) still emits the session's start.
   */
  exportSessionStart(span: ReadableSpan): boolean {
    if (this.stopped || this.pipelines.length === 0) return false;
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
    // The stream's last event, so a trail that lacks it was cut short; it is delivered like any other.
    if (this.closeStream()) await this.flushWithLossRecords(end, true);
    await Promise.all(this.pipelines.map((p) => p.shutdown(end)));
    this.spoolClosed = true;
    await this.spool?.close();
  }

  /**
   * Appends the stream's close checkpoint when events came since the last
   * one (a process about to exit without `shutdown()`: `setupAudit`'s
   * exit hook). Returns whether it did; a later event is followed by a new close.
   */
  closeStream(): boolean {
    if (!this.integrity || this.spoolClosed) return false;
    const close = this.integrity.close();
    this.deliver(close);
    return close.length > 0;
  }

  /** Where `auditLogRecordProcessor(this)` puts GenAI log-record content for this exporter's conversions. */
  logContentIntake(): LogContentIntake {
    return { store: this.logContent, captureContent: this.captureContent, maxContentLength: this.maxContentLength };
  }

  private dispatch(events: AuditEvent[]): SpoolEntry[] {
    this.eventsConverted += events.length;
    return this.send(events);
  }

  /**
   * `dispatch`, only when the spool has room for the events as they would be
   * spooled (redacted and chained: their size is known only then). Refused,
   * nothing happened: no event counted, no redaction counted, no sequence
   * number taken (the chain's draft is dropped, so the stream has no gap),
   * nothing in the spool or in a backend's queue.
   */
  private dispatchIfRoom(events: AuditEvent[], spool: EventSpool): SpoolEntry[] | Refused {
    const counts: RedactionCounts = {};
    const redactor = this.redactor;
    const redacted = redactor ? events.map((event) => redactEvent(event, redactor, counts)) : events;
    const draft = this.integrity?.draft(redacted);
    const spooled = draft?.events ?? redacted;
    const shortage = spool.shortage(spooled);
    if (shortage !== undefined) return { shortage, events: events.length };
    draft?.keep();
    addCounts(this.redactions, counts);
    this.eventsConverted += events.length;
    return this.deliver(spooled);
  }

  /**
   * `event` redacted as this exporter redacts what it sends (counted in
   * `stats().redactions`): for the event a tool gate puts to its backend.
   * The same event when redaction is off.
   */
  redacted(event: AuditEvent): AuditEvent {
    return this.redactor ? redactEvent(event, this.redactor, this.redactions) : event;
  }

  /** Redaction, then the hash chain, then delivery: what is spooled is what is chained, and nothing unredacted is either. */
  private send(events: AuditEvent[]): SpoolEntry[] {
    const redacted = this.redactor ? events.map((event) => this.redacted(event)) : events;
    return this.deliver(this.integrity ? this.integrity.link(redacted) : redacted);
  }

  /** Into the spool (its entries returned), or without one into each backend's queue. */
  private deliver(events: AuditEvent[]): SpoolEntry[] {
    if (events.length === 0) return [];
    if (this.spool) return this.spool.append(events);
    for (const pipeline of this.pipelines) pipeline.enqueue(events);
    return [];
  }

  /** A backend gave events up: the trail itself says so, at every backend (`audit.loss`). */
  private recordLoss(summary: LossSummary): void {
    const event = auditLossEvent(summary, new Date());
    this.lossRecords++;
    // Not inside the reporter's caller (a queue in the middle of an enqueue); still before a flush that reported it returns.
    queueMicrotask(() => {
      if (this.spoolClosed || (!this.spool && this.stopped)) return;
      this.send([event]);
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
    // The dead process's stream is closed in the trail, in this one: a signed word for how far it got.
    if (this.integrity) this.deliver(this.integrity.recover(spool.headLeft));
    const ends = spool.sessionsLeftOpen.map((start) => abandonedSessionEnd(start, now, reason));
    if (ends.length > 0) this.send(ends);
    spool.start();
    if (spool.stats().adoptedFrom !== undefined) {
      log.info(`took over the spool of process ${spool.stats().adoptedFrom} in ${spool.dir}; delivering what it left`);
    }
  }

  /** Events converted so far, per backend delivered / failed / dropped / retried / waiting, and the spool's state. */
  stats(): Omit<AuditStats, 'spansQueued' | 'spansDropped'> {
    const backends: AuditStats['backends'] = {};
    this.pipelines.forEach((p, i) => (backends[this.names[i] as string] = p.stats()));
    return {
      eventsConverted: this.eventsConverted,
      backends,
      ...(this.spool && { spool: this.spool.stats() }),
      ...(this.redactor && { redactions: { ...this.redactions } }),
      ...(this.integrity && { integrity: this.integrity.stats() }),
    };
  }
}

/**
 * The spool of this exporter, in `<spoolDir>/<service>/<slot>`; when it
 * cannot be used, events stay in memory and that is said once, visibly.
 */
function openSpool(config: DeliveryConfig, root: string, serviceDir: string, headOf: ((event: AuditEvent) => unknown) | undefined): EventSpool | undefined {
  const { maxBytes, flushMillis } = config.spool;
  const privateFolder = privateFolderOf(root);
  const opened = EventSpool.open({
    serviceDir,
    ...(privateFolder && { privateFolder }),
    maxBytes,
    flushMillis,
    maxEventAgeMillis: config.maxEventAgeMillis,
    ...(headOf && { headOf }),
  });
  if (opened instanceof EventSpool) return opened;
  const message = `otel-agent-audit: ${opened.problem}. Audit events are kept in memory only: a crash or an outage longer than the queue holds loses them. Set spoolDir (OTEL_AGENT_AUDIT_SPOOL_DIR) to a writable folder, or to false / none to keep them in memory on purpose.`;
  // A process warning only: visible without a logger, and not said twice where setupAudit's console logger is on.
  process.emitWarning(message, { code: SPOOL_WARNING_CODE });
  return undefined;
}

/** Events the spool had no room for, and why. */
interface Refused {
  readonly shortage: SpoolShortage;
  /** How many events the spans made. */
  readonly events: number;
}

function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name}#${n}`;
  });
}
