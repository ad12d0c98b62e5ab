// A failed write or fsync of the JSONL audit trail, and what a request that
// waited on it is answered: the receiver acknowledges only what is on disk,
// so a request whose events could not be stored is told so, not answered 2xx.
import { HttpError } from './http-error.js';

/** `errno` codes that mean the disk, or the user's quota on it, is full. */
const OUT_OF_SPACE: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT']);

/**
 * Writing (or fsyncing) the trail failed. Every request whose lines were in
 * the failed write gets it; nothing of theirs is kept, on disk or in memory.
 */
export class TrailWriteError extends Error {
  override readonly name = 'TrailWriteError';
  /** The `errno` code of the cause (`ENOSPC`, `EIO`, …), or `EUNKNOWN`. */
  readonly code: string;

  constructor(
    readonly file: string,
    override readonly cause: unknown,
  ) {
    const code = (cause as NodeJS.ErrnoException | null)?.code;
    super(`writing the audit trail ${file} failed: ${(cause as Error | null)?.message ?? String(cause)}`);
    this.code = typeof code === 'string' ? code : 'EUNKNOWN';
  }

  /** Whether the disk or quota is full, as opposed to another I/O failure. */
  get outOfSpace(): boolean {
    return OUT_OF_SPACE.has(this.code);
  }
}

/**
 * The answer to a request whose events could not be stored: 507 Insufficient
 * Storage (RFC 4918 §11.5) for a full disk or quota, 503 for any other write
 * failure. Both say what was stored, so a client retries (our exporter
 * retries every 5xx but 501 and 505): nothing, or, with `partly`, the batch's
 * own new events but not those repeating events that were in the failed
 * write. The trail's path is left out: it is the operator's business, printed
 * on their stderr.
 *
 * @example
 * sendError(res, storageRefusal(error).status, storageRefusal(error).message);
 */
export function storageRefusal(error: TrailWriteError, partly?: { stored: number }): HttpError {
  const what =
    partly === undefined
      ? 'nothing from this request was stored'
      : `${partly.stored} new event(s) of this batch were stored, but not the ones repeating events that were still being ` +
        'written when that write failed; retrying the batch stores those and recognises the others by payload.event_id';
  if (error.outOfSpace) {
    return new HttpError(
      507,
      `the receiver's disk is full (${error.code}): its audit trail could not be written and ${what}. ` +
        'Retry once the receiver has space again.',
    );
  }
  return new HttpError(
    503,
    `the receiver could not write its audit trail (${error.code}): ${what}. Retry later; the receiver's log says more.`,
  );
}
