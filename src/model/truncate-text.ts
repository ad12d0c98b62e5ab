/**
 * The one truncation rule for message content, shared by the recording
 * helpers (`safe-json.ts`, the message normaliser) and the GenAI log-record
 * content store, so text is cut the same way wherever it enters the audit
 * trail.
 */

/**
 * Cuts `text` to `max` characters, saying how much was cut. The limit is
 * the caller's to give (a span's recording policy, a converter option): no
 * process-wide default is read here.
 *
 * @example
 * truncateText('abcdef', 3); // 'abc…[truncated 3 chars]'
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}…[truncated ${text.length - max} chars]`;
}
