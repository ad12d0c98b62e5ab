/**
 * Says, through OTel `diag`, what a backend could not deliver: a
 * configuration error once, clearly; losses as totals with their reasons, the
 * first at once and then at most once per interval, never one line per event.
 */
import { diag } from '@opentelemetry/api';
import { eventCount } from '../model/event-count.js';
import type { DeliveryListener } from './delivery-queue.js';

const log = diag.createComponentLogger({ namespace: 'otel-agent-audit:delivery' });

export class LossReporter implements DeliveryListener {
  private readonly pending = new Map<string, number>();
  /** Configuration errors already said, by kind (the text without its counts). */
  private readonly reportedConfigErrors = new Set<string>();
  private lastReport = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly backend: string,
    private readonly intervalMillis: number,
  ) {}

  onConfigError(reason: string): void {
    // Said once per kind of problem, not once per agent or per batch size.
    const kind = reason.replace(/\d+ events/g, 'N events').replace(/'[^']*'/g, "'…'").replace(/agt_\w+/g, 'agt_…');
    if (this.reportedConfigErrors.has(kind)) return;
    this.reportedConfigErrors.add(kind);
    log.error(reason);
  }

  onLoss(count: number, kind: 'failed' | 'dropped', reason: string): void {
    const key = `${kind}: ${reason}`;
    this.pending.set(key, (this.pending.get(key) ?? 0) + count);
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
    for (const [reason, count] of this.pending) {
      total += count;
      reasons.push(`${count} ${reason}`);
    }
    this.pending.clear();
    log.warn(`${this.backend}: ${eventCount(total, 'audit')} not delivered — ${reasons.join('; ')}`);
  }
}
