// ISO 8601 date-time parsing for event timestamps and the `from`/`to` query
// parameters. `Date.parse` is not strict enough: V8 accepts `2026-02-30`
// (rolling it into March) and reads an offset-less date-time as *local*
// time, so the receiver parses the extended format itself:
//
//   YYYY-MM-DDThh:mm[:ss[(.|,)fraction]][Z|±hh[[:]mm]]
//
// It runs for every ingested event, so it scans characters instead of running
// a capturing regex and converting its groups.

const ZERO = 48;
const DASH = 45;
const COLON = 58;

/**
 * Parses an ISO 8601 date-time and returns microseconds since the Unix epoch,
 * or `undefined` when the string is not a real date-time.
 *
 * Microseconds (not milliseconds) so that events timestamped by clients with
 * sub-millisecond precision still sort in their true order. A date-time
 * without an offset is read as UTC, the common server-side convention, rather
 * than the receiver's local zone.
 */
export function parseTimestampMicros(text: string): number | undefined {
  const end = text.length;
  if (end < 16 || text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH || text.charAt(10) !== 'T') return undefined;
  if (text.charCodeAt(13) !== COLON) return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59) {
    return undefined;
  }
  if (day > daysInMonth(year, month)) return undefined; // e.g. 30 February

  let at = 16;
  let second = 0;
  let micros = 0;
  if (text.charCodeAt(at) === COLON) {
    second = digits(text, at + 1, 2);
    if (second < 0 || second > 59) return undefined;
    at += 3;
    const mark = text.charAt(at);
    if (mark === '.' || mark === ',') {
      const start = ++at;
      while (at < end && isDigit(text.charCodeAt(at))) at++;
      const count = at - start;
      if (count === 0 || count > 9) return undefined;
      // Keep microsecond precision; finer digits are dropped.
      micros = digits(text, start, Math.min(count, 6)) * 10 ** (6 - Math.min(count, 6));
    }
  }

  const offsetMinutes = parseOffsetMinutes(text, at);
  if (offsetMinutes === undefined) return undefined;
  const seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60;
  return seconds * 1_000_000 + micros;
}

/** The zone suffix from `at` to the end: none or `Z` → 0; `±hh`, `±hhmm`, `±hh:mm` → signed minutes. */
function parseOffsetMinutes(text: string, at: number): number | undefined {
  const rest = text.length - at;
  if (rest === 0) return 0;
  const sign = text.charAt(at);
  if (sign === 'Z') return rest === 1 ? 0 : undefined;
  if (sign !== '+' && sign !== '-') return undefined;
  const hours = digits(text, at + 1, 2);
  let minutes = 0;
  if (rest === 5) minutes = digits(text, at + 3, 2);
  else if (rest === 6 && text.charCodeAt(at + 3) === COLON) minutes = digits(text, at + 4, 2);
  else if (rest !== 3) return undefined;
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return undefined;
  return (sign === '-' ? -1 : 1) * (hours * 60 + minutes);
}

/** The decimal value of `count` digits at `start`, or -1 if any is not a digit or is missing. */
function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const code = text.charCodeAt(i); // NaN past the end, which fails isDigit
    if (!isDigit(code)) return -1;
    value = value * 10 + (code - ZERO);
  }
  return value;
}

function isDigit(code: number): boolean {
  return code >= ZERO && code <= ZERO + 9;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
