/**
 * Parses an HTTP `Retry-After` header (RFC 9110 §10.2.3): delay-seconds or
 * an HTTP date. Returns milliseconds to wait, or undefined when absent or
 * unreadable (the caller then uses its own backoff).
 */
export function parseRetryAfter(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
