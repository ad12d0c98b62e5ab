/**
 * `--since` / `--until` values: an ISO 8601 time, or a span back from now
 * (`90s`, `10m`, `2h`, `7d`, `1w`).
 */

const UNIT_MILLIS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const RELATIVE = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;
// A date first: Date.parse alone takes '1', 'May 4' and other guesses.
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * The time `text` names, in epoch milliseconds, or `undefined` when it names
 * none. A date alone is midnight UTC; a time without a zone is local time
 * (as JavaScript's Date reads ISO 8601).
 *
 * @example
 * parseTimeBound('2026-05-04T10:30:00Z', Date.now()); // 1777890600000
 * parseTimeBound('10m', now); // now - 600000
 */
export function parseTimeBound(text: string, nowMillis: number): number | undefined {
  const trimmed = text.trim();
  const relative = RELATIVE.exec(trimmed);
  if (relative) return nowMillis - Number(relative[1]) * UNIT_MILLIS[relative[2]!]!;
  if (!ISO_DATE.test(trimmed)) return undefined;
  const millis = Date.parse(trimmed.replace(' ', 'T'));
  return Number.isNaN(millis) ? undefined : millis;
}
