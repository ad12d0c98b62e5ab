/**
 * The user's `onResult` callback of AgenticAudit, kept off the delivery path:
 * what it throws, at once or later in a promise, is said once and never
 * reaches delivery.
 */
import type { AuditEvent } from '../../model/audit-event.js';
import type { AgenticAuditResult } from './agentic-audit-wire.js';
import { scrubbedLogger } from '../../redact/scrubbed-logger.js';

const log = scrubbedLogger('otel-agent-audit:agentic-audit');

/**
 * Calls `onResult`, if there is one, with each assessment.
 *
 * @example
 * new ResultCallback(options.onResult).call(result, event); // a throw is logged once, never rethrown
 */
export class ResultCallback {
  private failed = false;

  constructor(private readonly onResult: ((result: AgenticAuditResult, event: AuditEvent) => void) | undefined) {}

  /** Hands `result` to the callback; returns at once, whatever the callback does. */
  call(result: AgenticAuditResult, event: AuditEvent): void {
    if (this.onResult === undefined) return;
    try {
      const returned: unknown = this.onResult(result, event);
      if (returned instanceof Promise) returned.catch((error: unknown) => this.threw(error));
    } catch (error) {
      this.threw(error);
    }
  }

  private threw(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    log.warn(
      `agentic-audit: the onResult callback threw (${error instanceof Error ? error.message : String(error)}); ` +
        'events are still delivered and results still passed to it, but this is said only once. Fix the callback.',
    );
  }
}
