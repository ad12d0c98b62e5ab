/**
 * One backend's own queue, retries and loss accounting, so a slow or dead
 * backend delays no other and no other telemetry.
 */
import { context, diag } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { AuditBackend } from '../model/audit-backend.js';
import { backendLabel } from '../model/backend-label.js';
import { eventCount } from '../model/event-count.js';
import type { DeliveryConfig } from '../config/resolve.js';
import { auditEventId, type AuditEvent } from '../model/audit-event.js';
import { DeliveryQueue, type DeliveryStats } from './delivery-queue.js';
import { untilAborted } from './until-aborted.js';
import { LossReporter } from './loss-reporter.js';

const log = diag.createComponentLogger({ namespace: 'otel-agent-audit:delivery' });

/** How long shutdown waits for a backend to close, after its queue's deadline. */
const CLOSE_GRACE_MILLIS = 1_000;

export class BackendPipeline {
  private readonly queue: DeliveryQueue<AuditEvent>;
  private readonly reporter: LossReporter;
  /** This backend instance's label, as the tool gate writes it (backend-label.ts). */
  private readonly label: string;

  constructor(
    readonly backend: AuditBackend,
    private readonly config: DeliveryConfig,
  ) {
    this.label = backendLabel(backend);
    this.reporter = new LossReporter(backend.name, config.lossReportIntervalMillis);
    if (backend.configProblem) this.reporter.onConfigError(backend.configProblem);
    this.queue = new DeliveryQueue<AuditEvent>(
      // The exporter's own HTTP calls must not become spans (and audit events) themselves.
      (batch, signal) => context.with(suppressTracing(context.active()), () => backend.send(batch, signal)),
      {
        maxQueueSize: config.maxQueueSize,
        maxBatchSize: backend.maxBatchSize,
        maxConcurrentRequests: config.maxConcurrentRequests,
        retry: config.retry,
        ...(backend.batchKey && { batchKey: (event: AuditEvent) => backend.batchKey!(event) }),
      },
      this.reporter,
    );
  }

  enqueue(events: readonly AuditEvent[]): void {
    this.queue.enqueue(this.backend.decide ? events.map((e) => this.afterDecision(e)) : events);
  }

  /**
   * A deciding backend already holds each tool call it was asked about (with
   * its arguments): it is not sent again. What only the finished span knows
   * (result, status, duration) follows as a `custom` `tool_call.result` event.
   */
  private afterDecision(event: AuditEvent): AuditEvent {
    if (event.type !== 'tool_call') return event;
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

  stats(): DeliveryStats {
    return this.queue.stats();
  }

  async flush(): Promise<void> {
    const settled = await this.queue.flush(this.config.shutdownTimeoutMillis);
    this.reporter.report(); // losses are said now, not on a timer that may never fire
    if (settled) return;
    const { queued, inFlight } = this.queue.stats();
    log.warn(
      `${this.backend.name}: flush gave up waiting after ${this.config.shutdownTimeoutMillis} ms with ` +
        `${eventCount(queued + inFlight, 'audit')} still queued or being sent; delivery goes on in the background.`,
    );
  }

  async shutdown(): Promise<void> {
    await this.queue.shutdown(this.config.shutdownTimeoutMillis);
    this.reporter.report();
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
