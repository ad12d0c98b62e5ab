/**
 * A request the receiver refuses, with the HTTP status to answer and a message
 * for the `{error}` body. Thrown inside request handling only and turned into
 * a response by the router; it never escapes the receiver.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';

  constructor(
    readonly status: number,
    message: string,
    /** Extra response headers, e.g. `allow` on a 405. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}
