/**
 * The one truncation rule for message content, shared by the recording
 * helpers (`record/safe-json.ts`) and the GenAI log-record content store, so
 * text is cut the same way wherever it enters the audit trail.
 */
import { maxContentLength } from '../config/content-limit.js';

/**
 * Cuts `text` to `max` characters (default: the content limit,
 * `maxContentLength`), saying how much was cut.
 *
 * @example
 * truncateText('abcdef', 3); // 'abc…[truncated 3 chars]'
 */
export function truncateText(text: string, max = maxContentLength()): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}…[truncated ${text.length - max} chars]`;
}
