/**
 * The audit pipeline behind the gateway: received spans are stitched
 * (finished-span-stitcher.ts) and handed to one `AuditSpanExporter` —
 * conversion, redaction, hash chain, spool, delivery, exactly as in process —
 * and received GenAI log records go through `auditLogRecordProcessor` into
 * that exporter's content store, so they join their spans as in process.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { auditLogRecordProcessor } from '../pipeline/audit-log-record-processor.js';
import type { AuditLogRecordProcessor } from '../pipeline/emitted-log-record.js';
import type { ReceivedLogRecord } from './received-log-records.js';
import { AuditSpanExporter, type AuditExporterOptions } from '../pipeline/audit-span-exporter.js';
import type { AuditStats } from '../pipeline/audit-stats.js';
import { FinishedSpanStitcher } from './finished-span-stitcher.js';

/** The spool folder's name for the gateway (`<spoolDir>/<serviceName>`) when none is given. */
export const GATEWAY_SERVICE_NAME = 'otel-agent-audit-gateway';

/** What happened to the events of one request's spans (see `AuditSpanExporter.exportDurably`). */
export type SpansOutcome = Awaited<ReturnType<AuditSpanExporter['exportDurably']>>;

/**
 * One gateway's pipeline. Build it with the library's options (backends,
 * spool, redaction, integrity), each defaulting to the library's env.
 *
 * @example
 * const pipeline = new GatewayPipeline({ backends: [jsonlFile({ path: 'trail.jsonl' })] });
 * await pipeline.acceptSpans(spans); // { outcome: 'spooled', events: 4 }
 */
export class GatewayPipeline {
  readonly exporter: AuditSpanExporter;
  private readonly logs: AuditLogRecordProcessor;
  private readonly stitcher = new FinishedSpanStitcher();
  private spansReceived = 0;
  private logRecordsReceived = 0;

  constructor(options: AuditExporterOptions = {}) {
    this.exporter = new AuditSpanExporter({ serviceName: GATEWAY_SERVICE_NAME, ...options });
    this.logs = auditLogRecordProcessor(this.exporter);
  }

  /**
   * Converts and delivers the spans of one request; resolves once their
   * events are safe (spooled, or queued without a spool), or says why not —
   * among them, refused whole (`full`, `too-large`) when the spool has no room
   * for them without pushing out events a backend has not settled.
   */
  acceptSpans(spans: readonly ReadableSpan[]): Promise<SpansOutcome> {
    this.spansReceived += spans.length;
    return this.exporter.exportDurably(this.stitcher.stitch(spans));
  }

  /**
   * Holds the GenAI content of received log records for their spans. A
   * record's span must reach the gateway after it (the SDK emits a call's
   * records before its span ends; send logs no later than traces).
   */
  acceptLogRecords(records: readonly ReceivedLogRecord[]): void {
    this.logRecordsReceived += records.length;
    for (const record of records) this.logs.onEmit(record);
  }

  /** The exporter's counters, and what was received. */
  stats(): AuditStats & { readonly spansReceived: number; readonly logRecordsReceived: number } {
    return { ...this.exporter.stats(), spansQueued: 0, spansDropped: 0, spansReceived: this.spansReceived, logRecordsReceived: this.logRecordsReceived };
  }

  /** Delivers what is queued within the shutdown timeout, then closes the spool. */
  async shutdown(): Promise<void> {
    await this.logs.shutdown();
    await this.exporter.shutdown();
  }
}
