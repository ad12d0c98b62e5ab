/**
 * The sessions whose `session.start` went into the spool and whose
 * `session.end` has not: kept in `sessions.json`, so that when a process
 * dies with sessions open, the next owner of its spool closes them in the
 * trail (`session.end` with outcome `abandoned`) instead of leaving them
 * open in the backend forever.
 */
import { join } from 'node:path';
import type { AuditEvent } from '../../model/audit-event.js';
import { ReplacedJsonFile } from './replaced-json-file.js';

/** Open sessions remembered at most; past this, the oldest is forgotten (it then stays open in the trail). */
const MAX_OPEN_SESSIONS = 10_000;

export class OpenSessions {
  private readonly file: ReplacedJsonFile<{ open: AuditEvent[] }>;
  private readonly open = new Map<string, AuditEvent>();
  private changed = false;
  /** The `session.start` events of sessions a previous owner of this spool left open. */
  readonly leftOpen: AuditEvent[];

  constructor(slotDir: string) {
    this.file = new ReplacedJsonFile(join(slotDir, 'sessions.json'));
    const loaded = this.file.load() as { open?: unknown } | undefined;
    this.leftOpen = Array.isArray(loaded?.open) ? loaded.open.filter(isSessionStart) : [];
  }

  /** Follows the session events among `events`; the next {@link saveIfChanged} saves what changed. */
  observe(events: readonly AuditEvent[]): void {
    let changed = false;
    for (const event of events) {
      if (event.type !== 'custom') continue;
      const name = event.payload['name'];
      if (name === 'session.start') {
        if (this.open.size >= MAX_OPEN_SESSIONS) this.open.delete(this.open.keys().next().value as string);
        this.open.set(sessionKey(event), event);
        changed = true;
      } else if (name === 'session.end') {
        changed = this.open.delete(sessionKey(event)) || changed;
      }
    }
    if (changed) this.changed = true;
  }

  /**
   * The ones left open before are being closed by the caller: the next save
   * drops them (it comes after the commit that holds their `session.end`).
   */
  closingLeftOpen(): void {
    if (this.leftOpen.length > 0) this.changed = true;
  }

  /**
   * Saves the sessions open now, if that changed. Called after a commit, so
   * the file never says less than what is on disk: a crash before the
   * commit leaves the older list, whose sessions are then closed (again,
   * with the same event ids) by the next owner.
   */
  saveIfChanged(): void {
    if (!this.changed) return;
    this.changed = false;
    this.file.save({ open: [...this.open.values()] });
  }

  settled(): Promise<void> {
    return this.file.settled();
  }
}

function sessionKey(event: AuditEvent): string {
  return `${event.traceId}-${event.spanId}`;
}

function isSessionStart(value: unknown): value is AuditEvent {
  const event = value as Partial<AuditEvent> | null;
  return (
    typeof event?.id === 'string' &&
    typeof event.traceId === 'string' &&
    typeof event.spanId === 'string' &&
    typeof event.timestamp === 'string' &&
    event.type === 'custom' &&
    (event.payload as Record<string, unknown> | undefined)?.['name'] === 'session.start'
  );
}
