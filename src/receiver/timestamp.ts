// ISO 8601 date-time parsing for event timestamps and the `from`/`to` query
// parameters. `Date.parse` is not strict enough: V8 accepts `2026-02-30`
// (rolling it into March) and reads an offset-less date-time as *local*
// time, so the receiver parses the extended format itself.

// Extended format only: `YYYY-MM-DDThh:mm[:ss[.fraction]][Z|±hh[:mm]]`.
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

const MICROS_PER_MILLI = 1000;

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
  const match = ISO_DATE_TIME.exec(text);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;

  const offsetMinutes = parseOffsetMinutes(zone);
  if (offsetMinutes === undefined) return undefined;

  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCDate() !== day) return undefined; // e.g. 30 February
  date.setUTCHours(hour, minute, second, 0);

  const millis = date.getTime() - offsetMinutes * 60_000;
  const micros = fraction === undefined ? 0 : Number(fraction.slice(0, 6).padEnd(6, '0'));
  return millis * MICROS_PER_MILLI + micros;
}

/** `Z` or absent → 0; `±hh`, `±hhmm`, `±hh:mm` → signed minutes; out of range → undefined. */
function parseOffsetMinutes(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes);
}
