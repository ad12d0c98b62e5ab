/**
 * CSV records per RFC 4180: fields joined by commas, records ended by CRLF
 * (§2.1), and a field holding a comma, a double quote, CR or LF enclosed in
 * double quotes, its double quotes doubled (§2.5–2.7).
 *
 * An audit export is opened in spreadsheets, and its fields hold text an
 * agent was given or wrote (tool names, arguments, model output): a field
 * that a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, a tab or
 * CR first: OWASP's "CSV injection") gets a `'` in front, so it is shown as
 * the text it is and never evaluated.
 */

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One field, quoted only when it has to be; one a spreadsheet would
 * evaluate, prefixed with `'`.
 *
 * @example
 * csvField('say "hi", then go'); // '"say ""hi"", then go"'
 * csvField('=HYPERLINK("http://x")'); // '"\'=HYPERLINK(""http://x"")"'
 */
export function csvField(value: string): string {
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
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
