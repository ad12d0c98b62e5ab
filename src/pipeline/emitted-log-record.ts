/**
 * The log-record side of the SDK as the audit pipeline sees it: what it reads
 * of a record, and the processor a `LoggerProvider` calls. Declared here
 * rather than imported from `@opentelemetry/sdk-logs`, so that the package
 * needs no sdk-logs of its own (not even as an optional peer, which npm
 * resolves against the newest line and then refuses an app on API 1.9) and
 * its types fit both SDK lines: sdk-logs 0.2xx and 3.x records and
 * processors have these members, so theirs and ours are interchangeable.
 */
import type { Context, SpanContext } from '@opentelemetry/api';
import type { GenAiLogRecordLike } from '../convert/genai-log-messages.js';

/**
 * What the audit pipeline reads of an emitted log record (sdk-logs' `SdkLogRecord` / `ReadableLogRecord`).
 *
 * @example
 * const record: EmittedLogRecord = { eventName: 'gen_ai.user.message', body: { content: 'Hi' }, spanContext: span.spanContext() };
 */
export interface EmittedLogRecord extends GenAiLogRecordLike {
  /** The span the record was emitted in; none outside any span. */
  readonly spanContext?: SpanContext;
}

/**
 * What `auditLogRecordProcessor()` returns: a log-record processor as sdk-logs' `LoggerProvider({ processors })` calls it.
 *
 * @example
 * const processor: AuditLogRecordProcessor = auditLogRecordProcessor(audit);
 * new LoggerProvider({ processors: [processor] });
 */
export interface AuditLogRecordProcessor {
  onEmit(record: EmittedLogRecord, context?: Context): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}
