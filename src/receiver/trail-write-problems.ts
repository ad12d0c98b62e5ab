import { dirname } from 'node:path';
import type { NoticeSink } from './operator-notices.js';
import type { TrailWriteError } from './trail-write-error.js';

/**
 * Counts failed trail writes and tells the operator about them: the first
 * failure of each kind (`ENOSPC`, `EIO`, …) once, and the return to working
 * writes after a run of failures, so a full disk is neither silent nor a
 * line per request.
 */
export class TrailWriteProblems {
  /** Failed writes (each failed group commit counts once) since the receiver started. */
  failures = 0;
  private readonly reported = new Set<string>();
  private failingSince: number | undefined;

  constructor(
    private readonly file: string,
    private readonly notify: NoticeSink,
  ) {}

  /** Records a failed write; says so the first time this kind of failure happens. */
  failed(error: TrailWriteError): void {
    this.failures++;
    this.failingSince ??= this.failures;
    if (this.reported.has(error.code)) return;
    this.reported.add(error.code);
    const answer = error.outOfSpace ? 507 : 503;
    const check = error.outOfSpace
      ? `Free space on the disk that holds ${dirname(this.file)}.`
      : 'Check the disk, the file system and the permissions of the file.';
    this.notify(
      `${error.message}. Requests whose events could not be written are answered ${answer} and nothing from them is ` +
        `kept; each later request tries the disk again (this is said once per kind of failure). ${check}`,
    );
  }

  /** Records a write that reached the disk; after failures, says that writing works again. */
  succeeded(): void {
    if (this.failingSince === undefined) return;
    const failed = this.failures - this.failingSince + 1;
    this.failingSince = undefined;
    this.notify(`writing the audit trail ${this.file} works again, after ${failed} failed write(s).`);
  }
}
