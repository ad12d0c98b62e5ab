/**
 * The log-record side of the audit pipeline. The official
 * `@opentelemetry/instrumentation-openai` (and GenAI semconv v1.28–1.36 in
 * general) writes prompt and completion content only as log records; a span
 * processor never sees them. This processor keeps the content of those
 * records, keyed by the trace and span id they were emitted in, for the GenAI
 * converter to add to that span's `prompt` and `completion` events.
 *
 * Nothing is loaded from `@opentelemetry/sdk-logs`, whose types are declared
 * in emitted-log-record.ts: an app that records no logs needs neither it nor
 * this processor, and one that does uses the sdk-logs of its own line.
 */
import { isSpanContextValid, TraceFlags, type Context } from '@opentelemetry/api';
import { DEFAULTS } from '../config/defaults.js';
import type { AuditLogRecordProcessor, EmittedLogRecord } from './emitted-log-record.js';
import type { DiscardReason } from './genai-log-content-store.js';
import { genAiEventName, isGenAiContentEvent, loggedContentOf } from '../convert/genai-log-messages.js';
import type { LogContentIntake, LogContentTarget } from './log-content-intake.js';
import { scrubbedLogger } from '../redact/scrubbed-logger.js';

const log = scrubbedLogger('otel-agent-audit:logs');

class GenAiContentLogProcessor implements AuditLogRecordProcessor {
  private readonly pending = new Map<DiscardReason, number>();
  private lastReport = 0;
  private readFailureReported = false;

  constructor(private readonly intakes: readonly LogContentIntake[]) {}

  onEmit(record: EmittedLogRecord, _context?: Context): void {
    try {
      // Cheap test first: most records of an app are not GenAI content.
      if (!isGenAiContentEvent(genAiEventName(record))) return;
      const spanContext = record.spanContext;
      // Content emitted outside any span has nothing to join to.
      if (spanContext === undefined || !isSpanContextValid(spanContext)) return;
      // An unsampled span never reaches the audit span processor: its content would only wait to expire.
      if ((spanContext.traceFlags & TraceFlags.SAMPLED) === 0) return;
      for (const intake of this.intakes) {
        // With content capture off, no message content leaves the process: none is held either.
        if (!intake.captureContent) continue;
        const content = loggedContentOf(record, intake.maxContentLength);
        if (content === undefined) return;
        const discarded = intake.store.add(spanContext.traceId, spanContext.spanId, content);
        if (discarded.size > 0) this.noteDiscarded(discarded);
      }
    } catch (error) {
      // The log pipeline is the app's: a record we cannot read costs its content only.
      if (this.readFailureReported) return;
      this.readFailureReported = true;
      log.warn(`could not read a GenAI log record (${error instanceof Error ? error.message : String(error)}); its message content is missing from the audit trail.`);
    }
  }

  forceFlush(): Promise<void> {
    this.report();
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.report();
    return Promise.resolve();
  }

  private noteDiscarded(discarded: Map<DiscardReason, number>): void {
    for (const [reason, n] of discarded) this.pending.set(reason, (this.pending.get(reason) ?? 0) + n);
    // The first discard is said at once; later ones as totals at most once per interval.
    if (Date.now() - this.lastReport >= DEFAULTS.lossReportIntervalMillis) this.report();
  }

  private report(): void {
    if (this.pending.size === 0) return;
    this.lastReport = Date.now();
    const reasons = [...this.pending].map(([reason, n]) => `${n} ${reason}`).join('; ');
    this.pending.clear();
    log.warn(
      `GenAI message content from log records was discarded before its span was converted (${reasons}); ` +
        'those prompt/completion audit events have no message content. Check that the auditSpanProcessor() given to ' +
        'auditLogRecordProcessor(audit) is on the tracer provider that records the model-call spans; "store full" and "too much content" mean more content was waiting ' +
        `than ${DEFAULTS.maxLogContentSpans} spans / ${DEFAULTS.maxLogContentChars} characters (many model calls in flight at once).`,
    );
  }
}

/**
 * A log-record processor that joins GenAI content log records
 * (`gen_ai.user.message`, `gen_ai.choice`, …,
 * `gen_ai.client.inference.operation.details`) to their span, so the audit
 * events of that span carry the prompt and completion messages. Needed with
 * instrumentations that write content only as logs, such as the official
 * `@opentelemetry/instrumentation-openai` (with
 * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`).
 *
 * Give it the audit pipeline it feeds (the `setupAudit()` handle, an
 * `auditSpanProcessor()`, or an `AuditSpanExporter`; several for several
 * pipelines) and register it on the app's `LoggerProvider`. It holds content
 * only of sampled spans and only for pipelines whose content capture is on,
 * each text cut to their `maxContentLength`; at most
 * `DEFAULTS.maxLogContentSpans` spans' content and
 * `DEFAULTS.maxLogContentChars` characters in all per pipeline (oldest spans
 * first), each for at most `DEFAULTS.maxLogContentAgeMillis`; content
 * discarded unused is reported through `diag`. It never throws and exports nothing.
 *
 * @example
 * import { logs } from '@opentelemetry/api-logs'; // on API 1.10+: from '@opentelemetry/api'
 * import { LoggerProvider } from '@opentelemetry/sdk-logs';
 *
 * const audit = setupAudit();
 * const loggerProvider = new LoggerProvider({ processors: [auditLogRecordProcessor(audit)] });
 * logs.setGlobalLoggerProvider(loggerProvider);
 */
export function auditLogRecordProcessor(...targets: LogContentTarget[]): AuditLogRecordProcessor {
  const intakes: LogContentIntake[] = [];
  for (const target of targets) {
    try {
      intakes.push(target.logContentIntake());
    } catch {
      // Not an audit pipeline: said below with the missing one, never thrown into the app's setup.
    }
  }
  if (intakes.length === 0 || intakes.length !== targets.length) {
    const problem =
      'auditLogRecordProcessor() needs the audit pipeline it feeds: auditLogRecordProcessor(audit), with audit from setupAudit() or auditSpanProcessor()';
    log.warn(`${problem}; GenAI log-record content is not joined to ${intakes.length === 0 ? 'any' : 'every'} pipeline's spans.`);
    process.emitWarning(problem, { code: 'OTEL_AGENT_AUDIT_LOG_PROCESSOR' });
  }
  return new GenAiContentLogProcessor(intakes);
}
