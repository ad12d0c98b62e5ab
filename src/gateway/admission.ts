/**
 * Back-pressure: whether the gateway takes another trace request, judged
 * from the pipeline's counters before the body is read. Accepting events
 * that the spool will push out again (it deletes its oldest segment past
 * `spoolMaxBytes`, counting the loss) or that a queue without spool will
 * drop would turn an overload into silent-looking losses; refusing with
 * `Retry-After` makes the app's exporter hold and retry them instead
 * (OTLP/HTTP "Throttling": 429 and 503 are retryable, `Retry-After` honoured).
 * A request let in here is judged once more by its size, once converted
 * (`EventSpool.shortage`, through `AuditSpanExporter.exportDurably`).
 */
import { SPOOL_FULL_SHARE } from '../deliver/spool/spool-room.js';
import type { AuditStats } from '../pipeline/audit-stats.js';

/** The limits a request is judged against (resolved: every field set). */
export interface AdmissionConfig {
  /** The spool's size limit (`spoolMaxBytes`). */
  readonly spoolMaxBytes: number;
  /** Without a spool, a backend's memory queue limit (`maxQueueSize`). */
  readonly maxQueueSize: number;
  /** Events a backend may be behind by (queued, in flight and waiting in the spool) before requests are refused. */
  readonly maxBacklogEvents: number;
  /** What `Retry-After` says, in seconds. */
  readonly retryAfterSeconds: number;
}

/** A refusal: the status, its `Retry-After` in seconds, and why (for the client's log). */
export interface Refusal {
  readonly status: 429 | 503;
  readonly retryAfterSeconds: number;
  readonly reason: string;
}

/**
 * Undefined when a request may be taken; else the refusal. A full spool is
 * `503` (the gateway cannot take more safely), backends far behind `429`
 * (slow down: they are draining).
 *
 * @example
 * admission(pipeline.stats(), config); // { status: 429, retryAfterSeconds: 5, reason: 'backend secureagentics is 120000 events behind …' }
 */
export function admission(stats: AuditStats, config: AdmissionConfig): Refusal | undefined {
  const { retryAfterSeconds } = config;
  if (stats.spool !== undefined && stats.spool.bytes >= SPOOL_FULL_SHARE * config.spoolMaxBytes) {
    return { status: 503, retryAfterSeconds, reason: `the spool is full (${stats.spool.bytes} of ${config.spoolMaxBytes} bytes, spoolMaxBytes); its backends are not taking events fast enough` };
  }
  for (const [name, backend] of Object.entries(stats.backends)) {
    const behind = backend.queued + backend.inFlight + backend.backlog;
    if (stats.spool === undefined && backend.queued >= SPOOL_FULL_SHARE * config.maxQueueSize) {
      return { status: 429, retryAfterSeconds, reason: `backend ${name} has ${backend.queued} events queued in memory (maxQueueSize ${config.maxQueueSize}, no spool)` };
    }
    if (behind >= config.maxBacklogEvents) {
      return { status: 429, retryAfterSeconds, reason: `backend ${name} is ${behind} events behind (maxBacklogEvents ${config.maxBacklogEvents})` };
    }
  }
  return undefined;
}
