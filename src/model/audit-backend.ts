import type { AuditEvent } from './audit-event.js';
import type { DeliveryOutcome } from './delivery-outcome.js';
import type { ToolDecision } from './tool-decision.js';

/**
 * One audit API. A backend maps audit events to its wire format and judges
 * the answer; queueing and retrying are done for it, the same for all.
 * Create one with a factory such as `secureagentics()`.
 */
export interface AuditBackend {
  /** Short name used in logs and stats, e.g. `'secureagentics'`. */
  readonly name: string;
  /** Most events the API takes in one request. */
  readonly maxBatchSize: number;
  /**
   * Set when the backend cannot work as configured (e.g. no API key): said
   * once at setup; its events are then counted as failed, not sent.
   */
  readonly configProblem?: string;
  /**
   * Set when the backend sends a chained event as the canonical text it was
   * hashed over (its wire form is the chain view): the chain then keeps that
   * text on each event for it. Otherwise the chain keeps none, and queued
   * events weigh no more than the event itself.
   */
  readonly sendsChainText?: boolean;
  /**
   * Events with different keys are never sent in one batch (e.g. one
   * request per agent). Omit when any events may share a request.
   */
  batchKey?(event: AuditEvent): string;
  /** One attempt to deliver `events` (at most `maxBatchSize`, all with one `batchKey`). Never throws. */
  send(events: readonly AuditEvent[], signal: AbortSignal): Promise<DeliveryOutcome>;
  /**
   * Sends one `tool_call` event synchronously and returns the backend's verdict
   * on it, before the tool runs. Only backends whose API answers with a
   * decision implement it. Never throws; `signal` carries the latency budget.
   */
  decide?(event: AuditEvent, signal: AbortSignal): Promise<ToolDecision>;
  /**
   * Closes connections. `signal` aborts when the pipeline's shutdown deadline
   * has passed: stop waiting then (the pipeline stops waiting anyway).
   */
  shutdown(signal?: AbortSignal): Promise<void>;
}
