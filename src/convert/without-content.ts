/**
 * Audit events without message content, for when content capture is off:
 * what the agent said and was told goes, what it did (model, tokens, tool
 * names, status, timing, errors) stays.
 */
import type { AuditEvent } from '../model/audit-event.js';

/** Payload fields that carry content, in every converter's events. */
const CONTENT_FIELDS: readonly string[] = ['prompt', 'response', 'messages', 'system_instructions', 'arguments', 'result'];

/**
 * A copy of the event without its content fields (and with only the numeric
 * and boolean request parameters), marked `content_omitted: true`
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
  // Request parameters are metadata, but some instrumentations put text there
  // (OpenInference keeps a Responses call's `instructions`): numbers and flags only.
  const parameters = event.payload['parameters'];
  if (parameters !== null && typeof parameters === 'object') {
    payload ??= { ...event.payload };
    payload['parameters'] = scalarParameters(parameters as Record<string, unknown>);
  }
  if (!payload && event.type === 'custom') return event;
  return { ...event, payload: { ...(payload ?? event.payload), content_omitted: true } };
}

function scalarParameters(parameters: Record<string, unknown>): Record<string, unknown> | undefined {
  let kept: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(parameters)) {
    if (typeof value === 'number' || typeof value === 'boolean') (kept ??= {})[key] = value;
  }
  return kept;
}
