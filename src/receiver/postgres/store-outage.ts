/**
 * When the PostgreSQL store cannot be reached or refuses a statement: the
 * request is answered 503 (our exporter retries it; a retry is stored once),
 * and the operator is told once per run of failures, and again when it works.
 */
import { HttpError } from '../http-error.js';
import type { NoticeSink } from '../operator-notices.js';

/** Counts failures (requests, and connections the server dropped) and says when the store stops and starts working. */
export class StoreOutage {
  private failures = 0;
  private failingSince: number | undefined;

  constructor(
    /** The store's URL without its password. */
    private readonly shownUrl: string,
    private readonly notify: NoticeSink,
  ) {}

  /** Records a failure (its cause already free of the password) and returns the answer for the request. */
  failed(cause: string, writing: boolean): HttpError {
    this.failures++;
    if (this.failingSince === undefined) {
      this.failingSince = this.failures;
      this.notify(
        `the PostgreSQL store ${this.shownUrl} failed: ${cause}. Requests are answered 503 until it works again ` +
          '(clients retry; a retried event is stored once). Check that the server runs and accepts connections.',
      );
    }
    const what = writing ? 'nothing from this request was stored' : 'the request could not be answered';
    return new HttpError(503, `the receiver could not reach its PostgreSQL store: ${what}. Retry later; the receiver's log says more.`, {
      'retry-after': '1',
    });
  }

  /** Records a request the store served; after failures, says it works again. */
  succeeded(): void {
    if (this.failingSince === undefined) return;
    const failed = this.failures - this.failingSince + 1;
    this.failingSince = undefined;
    this.notify(`the PostgreSQL store ${this.shownUrl} works again, after ${failed} failure(s).`);
  }
}

/** A driver error's message; Node's happy-eyeballs connect fails with an AggregateError whose own message is empty. */
export function causeOf(error: unknown): string {
  if (error instanceof AggregateError && error.message === '') {
    return error.errors.map((inner: unknown) => (inner as Error).message).join('; ') || 'connection failed';
  }
  const message = (error as Error | null)?.message;
  return typeof message === 'string' && message !== '' ? message : String((error as { code?: unknown } | null)?.code ?? error);
}
