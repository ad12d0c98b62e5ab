/**
 * The seam between the log-record side and the span side of one audit
 * pipeline: `auditLogRecordProcessor(audit)` fills the store of the exporter
 * it was given, under that exporter's content settings.
 */
import type { GenAiLogContentStore } from './genai-log-content-store.js';

/** One exporter's log-content store and the settings its content is held under. */
export interface LogContentIntake {
  readonly store: GenAiLogContentStore;
  /** False: no content is held at all. */
  readonly captureContent: boolean;
  /** Each held text is cut to this many characters. */
  readonly maxContentLength: number;
}

/** Anything that owns an audit exporter: the exporter, `auditSpanProcessor()`, or `setupAudit()`'s handle. */
export interface LogContentTarget {
  logContentIntake(): LogContentIntake;
}
