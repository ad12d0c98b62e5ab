/**
 * CSV records per RFC 4180: fields joined by commas, records ended by CRLF
 * (§2.1), and a field holding a comma, a double quote, CR or LF enclosed in
 * double quotes, its double quotes doubled (§2.5–2.7).
 */

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One field, quoted only when it has to be.
 *
 * @example
 * csvField('say "hi", then go'); // '"say ""hi"", then go"'
 */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * One record, with its CRLF.
 *
 * @example
 * csvRecord(['id', 'type']); // 'id,type\r\n'
 */
export function csvRecord(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}
