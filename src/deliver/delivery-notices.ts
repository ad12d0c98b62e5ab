/**
 * What a user must see about delivery without having set up any logging:
 * a problem only they can fix, and the first failure of each backend, as a
 * process warning (Node prints those to stderr by default; `diag` prints
 * nothing unless a logger is set, which NodeSDK does only with
 * `OTEL_LOG_LEVEL`); and one line when a backend first takes a batch, so a
 * working setup is visibly working. Each is said once per backend.
 */
import type { DeliveryOutcome } from '../model/delivery-outcome.js';
import { scrubSecrets } from '../redact/log-scrubber.js';
import { eventCount } from '../model/event-count.js';

/**
 * The `code` of every delivery warning, stable across versions:
 * `process.on('warning', (w) => w.code === DELIVERY_WARNING_CODE && …)`.
 */
export const DELIVERY_WARNING_CODE = 'OTEL_AGENT_AUDIT_DELIVERY';

/**
 * Ends the reason of a rejection whose configuration problem was already
 * said as a warning, so it is not said again as the backend's first failure.
 */
export const SAID_AS_CONFIG_PROBLEM = 'a configuration error, reported once with what to check';

/** Where notices go: a warning (process warning by default) and an info line (stderr by default). */
export interface NoticeSinks {
  warn(message: string): void;
  info(message: string): void;
}

/** The process's: `process.emitWarning` with {@link DELIVERY_WARNING_CODE}, and a line on stderr. Both scrubbed of secrets. */
export const PROCESS_NOTICE_SINKS: NoticeSinks = {
  warn: (message) => process.emitWarning(scrubSecrets(message), { code: DELIVERY_WARNING_CODE }),
  info: (message) => void process.stderr.write(`${scrubSecrets(message)}\n`),
};

/**
 * One backend's notices.
 *
 * @example
 * const notices = new DeliveryNotices('secureagentics', { announce: true });
 * notices.afterAttempt(outcome, batch.length);
 */
export class DeliveryNotices {
  private failureSaid = false;
  private outageSaid = false;
  private deliverySaid = false;

  constructor(
    private readonly backend: string,
    private readonly settings: { announce: boolean },
    private readonly sinks: NoticeSinks = PROCESS_NOTICE_SINKS,
  ) {}

  /** A problem only the user can fix, worded with what to check: said as a warning (it is also the backend's first failure). */
  configProblem(reason: string): void {
    this.failureSaid = true;
    this.sinks.warn(reason);
  }

  /**
   * The service stopped answering (the pipeline's outage notice): the first
   * outage is said as a warning, whatever failed before it. Returns whether
   * it was said, so the pipeline sends later outages to diag only.
   */
  unreachable(message: string): boolean {
    if (this.outageSaid) return false;
    this.outageSaid = true;
    this.failureSaid = true;
    this.sinks.warn(message);
    return true;
  }

  /** `send` threw instead of answering an outcome (a backend's bug): said as its first failure. */
  afterThrow(error: unknown, events: number): void {
    this.firstFailure(`the backend threw while sending ${eventCount(events, 'audit')} (${error instanceof Error ? error.message : String(error)})`, 'it is retried as an unexpected error');
  }

  /** Told of each attempt's outcome: the first success and the first failure other than a configuration problem or an outage are said. */
  afterAttempt(outcome: DeliveryOutcome, events: number): void {
    if (outcome.kind === 'delivered') {
      const refused = Math.min(outcome.rejected ?? 0, events);
      // "Export works" only for events the service kept; what it refused is a failure.
      if (events - refused > 0) this.firstDelivery(events - refused);
      if (refused > 0) {
        this.firstFailure(`the service took the request but did not keep ${refused} of its ${eventCount(events, 'audit')}${outcome.reason ? ` (${outcome.reason})` : ''}`, 'those events are counted as failed');
      }
      return;
    }
    // A configuration problem is said by configProblem, with what to check; an unreachable service by unreachable().
    if (outcome.kind === 'retryable' && outcome.unreachable === true) return;
    if (outcome.kind === 'rejected' && (outcome.configError === true || outcome.reason.endsWith(SAID_AS_CONFIG_PROBLEM))) return;
    // Too large for one request: the queue splits the batch, so only a single event's refusal is final.
    if (outcome.kind === 'rejected' && outcome.tooLarge === true && events > 1) return;
    const next = outcome.kind === 'retryable' ? 'it is retried, and the events wait until it is taken' : 'it is not retried, and those events are counted as failed';
    this.firstFailure(outcome.reason, next);
  }

  private firstDelivery(kept: number): void {
    if (this.deliverySaid) return;
    this.deliverySaid = true;
    if (!this.settings.announce) return;
    this.sinks.info(`otel-agent-audit: ${this.backend} took its first batch (${eventCount(kept, 'audit')}); audit export works. (Set OTEL_AGENT_AUDIT_ANNOUNCE_DELIVERY=false to hide this line.)`);
  }

  private firstFailure(reason: string, next: string): void {
    if (this.failureSaid) return;
    this.failureSaid = true;
    this.sinks.warn(`otel-agent-audit: ${this.backend}: a delivery failed (${reason}); ${next}. Later failures are reported through diag (OTEL_LOG_LEVEL) and in stats().`);
  }
}
