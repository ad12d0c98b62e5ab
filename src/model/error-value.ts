/**
 * Reading a thrown or recorded error, which may be any value: an `Error`, a
 * string, a plain object, or a proxy whose every read throws. Nothing here
 * throws: recording an error must not raise another.
 */

/**
 * `instanceof Error`, false where asking throws (a revoked proxy, a throwing
 * `getPrototypeOf` trap).
 *
 * @example
 * isError(new TypeError('x')); // true
 */
export function isError(value: unknown): value is Error {
  try {
    return value instanceof Error;
  } catch {
    return false;
  }
}

/**
 * The error's type for `error.type` / `exception.type`: its name, `'Error'`
 * for a string, else `'_OTHER'` (the OTel convention's fallback), also when
 * the name cannot be read.
 *
 * @example
 * errorType(new RangeError('x')); // 'RangeError'
 */
export function errorType(error: unknown): string {
  try {
    if (error instanceof Error) {
      // `class RateLimitError extends Error {}` inherits the name 'Error': its class says more.
      const className = error.constructor?.name;
      if ((error.name === 'Error' || !error.name) && className && className !== 'Error') return className;
      return error.name || 'Error';
    }
    if (error !== null && typeof error === 'object') {
      const name = (error as { name?: unknown }).name;
      if (typeof name === 'string' && name) return name;
    }
  } catch {
    return '_OTHER';
  }
  return typeof error === 'string' ? 'Error' : '_OTHER';
}

/** What {@link readErrorMessage} answers for a value that threw when read. */
export interface UnreadableError {
  /** Why it could not be read: the type and message of what reading it threw. */
  readonly unreadable: string;
}

/**
 * The error's message: an `Error`'s `message`, a string itself, an object's
 * string `message`, else its `String()` text; `{ unreadable }` when reading
 * the value threw.
 *
 * @example
 * readErrorMessage({ message: 'quota' }); // 'quota'
 */
export function readErrorMessage(error: unknown): string | UnreadableError {
  try {
    if (error instanceof Error) return error.message;
    if (typeof error === 'string') return error;
    if (error !== null && typeof error === 'object') {
      const message = (error as { message?: unknown }).message;
      if (typeof message === 'string') return message;
    }
    return String(error);
  } catch (thrown) {
    return { unreadable: describeThrown(thrown) };
  }
}

/**
 * The error's message as {@link readErrorMessage} reads it, `'unknown error'`
 * when it cannot be read (the span status message of a failed call).
 *
 * @example
 * errorMessage(new Error('timeout')); // 'timeout'
 */
export function errorMessage(error: unknown): string {
  const message = readErrorMessage(error);
  return typeof message === 'string' ? message : 'unknown error';
}

/**
 * `Type: message` of a value something threw while we read agent input, for
 * markers and warnings; never throws.
 *
 * @example
 * describeThrown(new TypeError('revoked')); // 'TypeError: revoked'
 */
export function describeThrown(thrown: unknown): string {
  const message = thrownMessage(thrown);
  const type = errorType(thrown);
  return type === '_OTHER' ? message : `${type}: ${message}`;
}

/**
 * Just the message of a value something threw, for markers that already say
 * where it happened; `'unreadable'` when even that cannot be read.
 *
 * @example
 * thrownMessage(new Error('no access')); // 'no access'
 */
export function thrownMessage(thrown: unknown): string {
  try {
    if (thrown instanceof Error) return String(thrown.message);
    return String(thrown);
  } catch {
    return 'unreadable';
  }
}
