/**
 * Audit events without message content, for when content capture is off:
 * what the agent said and was told goes, what it did (model, tokens, tool
 * names, status, timing, errors) stays.
 */
import type { AuditEvent } from './audit-event.js';

/** Payload fields that carry content, in every converter's events. */
const CONTENT_FIELDS: readonly string[] = ['prompt', 'response', 'messages', 'system_instructions', 'arguments', 'result'];

/**
 * A copy of the event without its content fields, marked `content_omitted: true`
 * (always on prompts, completions and tool calls, so a reader knows the
 * content was withheld, not empty). Errors are kept whole: their message is
 * what went wrong.
 */
export function withoutContent(event: AuditEvent): AuditEvent {
  if (event.type === 'error') return event;
  let payload: Record<string, unknown> | undefined;
  for (const field of CONTENT_FIELDS) {
    if (event.payload[field] === undefined) continue;
    payload ??= { ...event.payload };
    delete payload[field];
  }
  if (!payload && event.type === 'custom') return event;
  return { ...event, payload: { ...(payload ?? event.payload), content_omitted: true } };
}
