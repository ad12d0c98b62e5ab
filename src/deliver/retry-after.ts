/** Every HTTP-date form (RFC 9110 §5.6.7) starts with a day name: `Sun, `, `Sunday, `, `Sun `. */
const HTTP_DATE_START = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /i;

/**
 * Parses an HTTP `Retry-After` header (RFC 9110 §10.2.3): delay-seconds or
 * an HTTP date. Returns milliseconds to wait, or undefined when absent or
 * unreadable (the caller then uses its own backoff).
 */
export function parseRetryAfter(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // Date.parse alone reads garbage such as "1.5" or "-5" as a date in 2001: no wait at all.
  if (!HTTP_DATE_START.test(value)) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
