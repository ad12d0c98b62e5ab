/**
 * One backend's own queue, retries and loss accounting, so a slow or dead
 * backend delays no other and no other telemetry. With a spool, the backend
 * reads the spool through its own feed: a full queue leaves events on disk
 * (not dropped), and its cursor moves only over what it settled.
 */
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { AuditBackend } from '../model/audit-backend.js';
import { backendLabel } from '../model/backend-label.js';
import { eventCount } from '../model/event-count.js';
import type { LossSummary } from '../model/loss-summary.js';
import type { DeliveryConfig } from '../config/resolve.js';
import { auditEventId, type AuditEvent } from '../model/audit-event.js';
import { DeliveryQueue, type DeliveryStats } from './delivery-queue.js';
import { untilAborted } from './until-aborted.js';
import { LossReporter } from './loss-reporter.js';
import { DeliveryNotices } from './delivery-notices.js';
import type { DeliveryOutcome } from '../model/delivery-outcome.js';
import type { EventSpool } from './spool/event-spool.js';
import type { SpoolEntry } from './spool/spool-entry.js';
import type { SpoolFeed } from './spool/spool-feed.js';
import { AUDIT_STREAM_ID } from '../chain/chain-fields.js';
import { scrubbedLogger } from '../redact/scrubbed-logger.js';

const log = scrubbedLogger('otel-agent-audit:delivery');

/** How often flush and shutdown look again whether the backend became unreachable or caught up. */
const SETTLE_SLICE_MILLIS = 50;

/** How long shutdown waits for a backend to close, after its queue's deadline. */
const CLOSE_GRACE_MILLIS = 1_000;

/** Per-backend totals, with what waits in the spool for it. */
export interface BackendStats extends DeliveryStats {
  /** Events waiting in the spool for this backend, not yet read into its queue. */
  backlog: number;
  /** Of `failed` + `dropped`, the trail's own records (`audit.loss`, `audit.checkpoint`): its bookkeeping, not agent activity. */
  trailRecordsLost: number;
}

/** Where a pipeline gets its events: the spool (with the key of its cursor there), or memory only. */
export interface PipelineSource {
  readonly spool?: EventSpool;
  /** The backend's name in the spool's cursors (unique among the exporter's backends). */
  readonly key: string;
  /** Told of each loss report, to record `audit.loss` in the trail. */
  readonly onLossReport?: (summary: LossSummary) => void;
}

export class BackendPipeline {
  private readonly queue: DeliveryQueue<SpoolEntry>;
  private readonly reporter: LossReporter;
  /** This backend instance's label, as the tool gate writes it (backend-label.ts). */
  private readonly label: string;
  private readonly feed: SpoolFeed | undefined;
  /** Positions for entries of a pipeline without spool: they order events, nothing else. */
  private memoryPosition = 0;
  /** Events given up before they reached the queue (damaged on disk, too old when read back, pushed out of a full spool). */
  private readonly spoolLosses = { failed: 0, dropped: 0 };
  private readonly durable: boolean;

  constructor(
    readonly backend: AuditBackend,
    private readonly config: DeliveryConfig,
    source: PipelineSource = { key: backend.name },
  ) {
    this.label = backendLabel(backend);
    const notices = new DeliveryNotices(backend.name, { announce: config.announceDelivery });
    this.reporter = new LossReporter(backend.name, config.lossReportIntervalMillis, source.onLossReport, (reason) => notices.configProblem(reason));
    if (backend.configProblem) this.reporter.onConfigError(backend.configProblem);
    const forBackend = backend.decide ? (e: AuditEvent) => this.afterDecision(e) : (e: AuditEvent) => e;
    const durable = source.spool !== undefined;
    this.queue = new DeliveryQueue<SpoolEntry>(
      // The exporter's own HTTP calls must not become spans (and audit events) themselves.
      async (batch, signal) => {
        let outcome: DeliveryOutcome;
        try {
          outcome = await context.with(suppressTracing(context.active()), () => backend.send(batch.map((e) => forBackend(e.event)), signal));
        } catch (error) {
          // The queue turns the throw into a retryable outcome; the user still hears of it once.
          notices.afterThrow(error, batch.length);
          throw error;
        }
        notices.afterAttempt(outcome, batch.length);
        return outcome;
      },
      {
        maxQueueSize: config.maxQueueSize,
        maxBatchSize: backend.maxBatchSize,
        maxConcurrentRequests: config.maxConcurrentRequests,
        retry: config.retry,
        overflow: durable ? 'refuse' : 'drop',
        appendedAt: (entry) => entry.appendedAt,
        maxEventAgeMillis: config.maxEventAgeMillis,
        ...(source.spool && { durable: (entry: SpoolEntry) => source.spool!.holds(entry) }),
        ...(backend.batchKey && { batchKey: (entry: SpoolEntry) => backend.batchKey!(forBackend(entry.event)) }),
      },
      {
        onLoss: (count, kind, reason, entries) => this.reporter.onLoss(count, kind, reason, entries?.map((e) => e.event)),
        onConfigError: (reason) => this.reporter.onConfigError(reason),
        onSettled: (entries) => this.feed?.settle(entries),
        onRoom: () => this.feed?.pull(),
        onReachability: (reachable, reason) => {
          if (reachable) log.warn(`${backend.name}: ${reason}; sending what waited.`);
          else {
            const outage = `${backend.name}: cannot reach the service (${reason}); ${durable ? 'events wait in the spool' : 'events wait in memory'} and are sent when it answers again.`;
            // The first is a warning anyone sees, with the URL to check; later ones go to diag.
            if (!notices.unreachable(`otel-agent-audit: ${outage} If it persists, check that the service is up and the backend's base URL (its _BASE_URL variable or the baseUrl option). Later outages are reported through diag (OTEL_LOG_LEVEL).`)) log.warn(outage);
          }
        },
      },
    );
    this.feed = source.spool?.feed(source.key, {
      offer: (entries) => this.queue.enqueue(entries),
      room: () => this.queue.room(),
      lose: (count, kind, reason, events) => {
        this.spoolLosses[kind] += count;
        this.reporter.onLoss(count, kind, reason, events);
      },
    });
    this.durable = durable;
  }

  /** Events for a pipeline without spool (with one, the spool hands them over). */
  enqueue(events: readonly AuditEvent[]): void {
    const now = Date.now();
    const entries = events.map((event): SpoolEntry => ({ event, appendedAt: now, position: this.memoryPosition++, segment: -1, offset: 0 }));
    this.queue.enqueue(entries);
  }

  /**
   * A deciding backend already holds each tool call it was asked about (with
   * its arguments): it is not sent again. What only the finished span knows
   * (result, status, duration) follows as a `custom` `tool_call.result` event.
   * Not so in a hash-chained trail, where every backend gets every event unchanged.
   */
  private afterDecision(event: AuditEvent): AuditEvent {
    if (event.type !== 'tool_call') return event;
    // A chained event goes to every backend as it is, or its trail would not verify: the
    // deciding backend gets the finished call besides the one it was asked about.
    if (event.payload[AUDIT_STREAM_ID] !== undefined) return event;
    const decision = event.payload['decision'] as { backend?: unknown; verdict?: unknown; late_verdict?: unknown } | undefined;
    if (decision?.backend !== this.label) return event;
    if (decision.verdict === 'unavailable' && decision.late_verdict === undefined) return event; // it never got the call
    const { result, status, duration_ms, tool_name } = event.payload;
    const endMillis = Date.parse(event.timestamp) + (typeof duration_ms === 'number' ? Math.round(duration_ms) : 0);
    return {
      ...event,
      id: auditEventId(event.traceId, event.spanId, 'tool_result'),
      type: 'custom',
      timestamp: Number.isFinite(endMillis) ? new Date(endMillis).toISOString() : event.timestamp,
      payload: { name: 'tool_call.result', tool_call_event_id: event.id, tool_name, result, status, duration_ms, decision },
    };
  }

  /**
   * True once everything queued has settled and the feed is not behind on
   * the spool (it refills the queue from disk as the queue drains), false
   * when `end` came first.
   */
  private async settleAll(end: number): Promise<boolean> {
    for (;;) {
      // Unreachable, with a spool: everything waits on disk for the next start, so waiting would only hold the process open.
      if (this.durable && this.queue.isDown(end)) return false;
      const settled = await this.queue.flush(Math.max(0, Math.min(SETTLE_SLICE_MILLIS, end - Date.now())));
      if (settled && this.feed?.isBehind !== true) return true;
      if (Date.now() >= end) return false;
      if (!settled) continue;
      // Behind on the spool: the queue refills from disk as it drains. A timer, not a
      // resolved promise, so the read it waits for gets the event loop.
      this.feed?.pull();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  stats(): BackendStats {
    const stats = this.queue.stats();
    return {
      ...stats,
      failed: stats.failed + this.spoolLosses.failed,
      dropped: stats.dropped + this.spoolLosses.dropped,
      backlog: this.feed?.backlog ?? 0,
      trailRecordsLost: this.reporter.trailRecordsLost,
    };
  }

  /** Waits until what is queued (and, with a spool, what this backend is behind by) has settled, or the shutdown timeout passes. */
  /** `untilShutdown`: part of a shutdown, which says itself what is left (so no "goes on in the background"). */
  async flush(end = Date.now() + this.config.shutdownTimeoutMillis, untilShutdown = false): Promise<void> {
    const settled = await this.settleAll(end);
    this.reporter.report(); // losses are said now, not on a timer that may never fire
    if (settled) return;
    if (untilShutdown || (this.durable && this.queue.isDown(end))) return; // said when it became unreachable; the events are in the spool
    const { queued, inFlight } = this.queue.stats();
    log.warn(
      `${this.backend.name}: flush gave up waiting after ${this.config.shutdownTimeoutMillis} ms with ` +
        `${eventCount(queued + inFlight, 'audit')} still queued or being sent; delivery goes on in the background.`,
    );
  }

  /** Delivers what it can by the shutdown deadline (in the spool: also what it is behind by); the rest stays there, or in memory is counted lost. */
  async shutdown(end = Date.now() + this.config.shutdownTimeoutMillis): Promise<void> {
    await this.settleAll(end);
    await this.queue.shutdown(this.durable && this.queue.isDown(end) ? 0 : Math.max(0, end - Date.now()));
    this.feed?.close();
    this.reporter.report();
    const { deferred } = this.queue.stats();
    const behind = deferred + (this.feed?.backlog ?? 0);
    if (behind > 0) log.warn(`${this.backend.name}: ${eventCount(behind, 'audit')} not delivered by the shutdown deadline stay in the spool; the next start delivers them.`);
    // Closing gets a short grace too: a hung connection or file must not hold shutdown.
    const grace = AbortSignal.timeout(CLOSE_GRACE_MILLIS);
    const closing = Promise.resolve()
      .then(() => this.backend.shutdown(grace))
      .then(
        () => true,
        (error: unknown) => (log.debug(`${this.backend.name}: closing failed`, error), true),
      );
    const closed = await untilAborted(closing, grace, () => false);
    if (!closed) log.warn(`${this.backend.name}: closing took longer than ${CLOSE_GRACE_MILLIS} ms; shutdown did not wait for it.`);
  }
}
