/**
 * Says, through OTel `diag`, what a backend could not deliver: a
 * configuration error once, clearly; losses as totals with their reasons, the
 * first at once and then at most once per interval, never one line per event.
 * Each report is also handed on as a {@link LossSummary}, from which the
 * pipeline records an `audit.loss` event in the trail itself.
 */
import type { AuditEvent } from '../model/audit-event.js';
import { eventCount } from '../model/event-count.js';
import type { LossSummary } from '../model/loss-summary.js';
import { CHECKPOINT_NAME } from '../chain/chain-fields.js';
import { scrubbedLogger } from '../redact/scrubbed-logger.js';

const log = scrubbedLogger('otel-agent-audit:delivery');

/** Payload `name` of the events that report losses: a loss of only these is not reported by another. */
export const AUDIT_LOSS_EVENT_NAME = 'audit.loss';

export class LossReporter {
  private pending = new Map<string, number>();
  /** Oldest and newest lost event of the pending report, by timestamp. */
  private first: AuditEvent | undefined;
  private last: AuditEvent | undefined;
  /** Whether the pending report lost anything but `audit.loss` events. */
  private lostAuditActivity = false;
  /** Configuration errors already said, by kind (the text without its counts). */
  private readonly reportedConfigErrors = new Set<string>();
  private lastReport = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Of the events given up, how many were the trail's own records (`audit.loss`, `audit.checkpoint`), not agent activity. */
  trailRecordsLost = 0;

  /**
   * @param onReport told of each report (not of one that lost only `audit.loss` events, so losses cannot feed themselves).
   */
  constructor(
    private readonly backend: string,
    private readonly intervalMillis: number,
    private readonly onReport: (summary: LossSummary) => void = () => {},
    /** Says a configuration error; default: through diag. */
    private readonly sayConfigError: (reason: string) => void = (reason) => log.error(reason),
  ) {}

  onConfigError(reason: string): void {
    // Said once per kind of problem, not once per agent or per batch size.
    const kind = reason.replace(/\d+ events/g, 'N events').replace(/'[^']*'/g, "'…'").replace(/agt_\w+/g, 'agt_…');
    if (this.reportedConfigErrors.has(kind)) return;
    this.reportedConfigErrors.add(kind);
    this.sayConfigError(reason);
  }

  /** `events`: the lost events when known (their ids and times go into the summary). */
  onLoss(count: number, kind: 'failed' | 'dropped', reason: string, events?: readonly AuditEvent[]): void {
    if (count <= 0) return;
    const key = `${kind}: ${reason}`;
    this.pending.set(key, (this.pending.get(key) ?? 0) + count);
    if (events === undefined || events.length < count) this.lostAuditActivity = true;
    for (const event of events ?? []) {
      const name = event.type === 'custom' ? event.payload['name'] : undefined;
      // A lost checkpoint is a gap in the trail, recorded like any loss; a lost loss record is not recorded again (no loop).
      if (name !== AUDIT_LOSS_EVENT_NAME) this.lostAuditActivity = true;
      if (name === AUDIT_LOSS_EVENT_NAME || name === CHECKPOINT_NAME) this.trailRecordsLost++;
      if (this.first === undefined || event.timestamp < this.first.timestamp) this.first = event;
      if (this.last === undefined || event.timestamp > this.last.timestamp) this.last = event;
    }
    const wait = this.lastReport + this.intervalMillis - Date.now();
    if (wait <= 0) this.report();
    else this.timer ??= setTimeout(() => this.report(), wait).unref();
  }

  /** Reports what is pending now (at shutdown, so nothing is left unsaid). */
  report(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    this.lastReport = Date.now();
    let total = 0;
    const reasons: string[] = [];
    const byReason: Record<string, number> = {};
    for (const [reason, count] of this.pending) {
      total += count;
      reasons.push(`${count} ${reason}`);
      byReason[reason] = count;
    }
    const summary: LossSummary = {
      backend: this.backend,
      total,
      byReason,
      ...(this.first && { firstEventId: this.first.id, from: this.first.timestamp }),
      ...(this.last && { lastEventId: this.last.id, to: this.last.timestamp }),
    };
    const tell = this.lostAuditActivity;
    this.pending = new Map();
    this.first = this.last = undefined;
    this.lostAuditActivity = false;
    log.warn(`${this.backend}: ${eventCount(total, 'audit')} not delivered — ${reasons.join('; ')}`);
    if (tell) this.onReport(summary);
  }
}
