/**
 * The port a tool call passes before it runs: which deciding backend is
 * asked, how long the tool waits, and what happens without a verdict.
 */
import type { AuditBackend } from './audit-backend.js';
import type { AuditEvent } from './audit-event.js';

/** How tool calls are put to a deciding backend before they run. */
export interface ToolDecisionOptions {
  /** A backend whose API answers with a verdict: `secureagentics()` or `agenticAudit()`. */
  backend: AuditBackend;
  /**
   * What happens when no verdict arrives within the budget (backend slow,
   * down, or answering nonsense): `'open'` runs the tool, `'closed'` throws
   * `AuditBlockedError` without running it. Required: the choice is yours.
   */
  failMode: 'open' | 'closed';
  /** Latency budget for the verdict, in ms. Default 1000. */
  timeoutMillis?: number;
}

/** Validated {@link ToolDecisionOptions}: the port a tool call passes through before it runs. */
export interface ToolGate {
  readonly backend: AuditBackend & Required<Pick<AuditBackend, 'decide'>>;
  readonly failMode: 'open' | 'closed';
  readonly timeoutMillis: number;
  /** The pipeline's redaction, applied to the event put to the backend (it leaves the process like any other). */
  readonly redact?: (event: AuditEvent) => AuditEvent;
}
