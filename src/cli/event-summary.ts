/**
 * The essentials of one event in a few words, for a terminal line and the
 * CSV `summary` column: model and tokens for model calls, tool, arguments
 * and outcome for tool calls, the message of an error, the name of a custom
 * event. Payload field names are the converters' (convert/model-call-events.ts,
 * tool-call-event.ts, span-events.ts, session-events.ts).
 */
import type { TrailEvent } from './trail-event.js';

/** Longest argument or result JSON shown before it is cut with `…`. */
const JSON_CHARS = 60;
/** Longest prompt, response or message shown. */
const TEXT_CHARS = 100;

/**
 * What the event is about: the model of a model call, the tool of a tool
 * call, the type of an error, the name of a custom event.
 *
 * @example
 * eventSubject(toolCall); // 'lookup_order'
 */
export function eventSubject(event: TrailEvent): string {
  const p = event.payload;
  switch (event.type) {
    case 'prompt':
    case 'completion':
      return text(p['model']);
    case 'tool_call':
      return text(p['tool_name']);
    case 'error':
      return text(p['error_type']);
    default:
      return text(p['name']);
  }
}

/**
 * The event's outcome in a word: a tool call's `ok`/`error`, a completion's
 * finish reasons, a session's outcome, `handled` for an error the agent
 * recovered from; `''` when it has none.
 *
 * @example
 * eventStatus(toolCall); // 'ok'
 */
export function eventStatus(event: TrailEvent): string {
  const p = event.payload;
  if (event.type === 'completion') return list(p['finish_reasons']);
  if (event.type === 'error') return p['handled'] === true ? 'handled' : '';
  return text(p['status'] ?? p['outcome']);
}

/**
 * The event's essentials, one line, without what {@link eventSubject} and
 * the verdict already say.
 *
 * @example
 * eventSummary(completion); // '120 in / 48 out tokens · Order 42 has shipped.'
 */
export function eventSummary(event: TrailEvent): string {
  const p = event.payload;
  switch (event.type) {
    case 'prompt':
      // The newest message is what this call added.
      return joined(tokens(p['token_count'], 'in'), fit(lastLine(text(p['prompt'])), TEXT_CHARS));
    case 'completion':
      return joined(completionTokens(p), fit(oneLine(text(p['response'])), TEXT_CHARS));
    case 'tool_call':
      return joined(fit(json(p['arguments']), JSON_CHARS), p['result'] === undefined ? '' : `→ ${fit(json(p['result']), JSON_CHARS)}`, duration(p['duration_ms']));
    case 'error':
      return fit(oneLine(text(p['message'])), TEXT_CHARS);
    default:
      return customSummary(p);
  }
}

function customSummary(p: Readonly<Record<string, unknown>>): string {
  switch (p['name']) {
    case 'tool_call.result':
      return joined(text(p['tool_name']), p['result'] === undefined ? '' : `→ ${fit(json(p['result']), JSON_CHARS)}`);
    case 'session.end':
      return joined(duration(p['duration_ms']), fit(oneLine(text(p['status_message'])), TEXT_CHARS));
    case 'audit.checkpoint':
      return joined(text(p['audit.checkpoint.kind']), p['audit.checkpoint.sequence'] === undefined ? '' : `covers sequence ${text(p['audit.checkpoint.sequence'])}`);
    default:
      return p['data'] === undefined ? '' : fit(json(p['data']), JSON_CHARS);
  }
}

function completionTokens(p: Readonly<Record<string, unknown>>): string {
  const usage = typeof p['usage'] === 'object' && p['usage'] !== null ? (p['usage'] as Record<string, unknown>) : {};
  const input = usage['input_tokens'];
  const output = usage['output_tokens'] ?? p['token_count'];
  if (typeof input === 'number' && typeof output === 'number') return `${input} in / ${output} out tokens`;
  return tokens(output, 'out');
}

function tokens(count: unknown, direction: 'in' | 'out'): string {
  return typeof count === 'number' ? `${count} ${direction} tokens` : '';
}

function duration(millis: unknown): string {
  return typeof millis === 'number' ? `${Math.round(millis)} ms` : '';
}

function joined(...parts: string[]): string {
  return parts.filter((part) => part !== '').join(' · ');
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : typeof value === 'object' ? json(value) : String(value);
}

function list(value: unknown): string {
  return Array.isArray(value) ? value.map(text).join(',') : text(value);
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return String(value);
  }
}

function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

function lastLine(value: string): string {
  const lines = value.split('\n').filter((line) => line.trim() !== '');
  return oneLine(lines.at(-1) ?? '');
}

function fit(value: string, width: number): string {
  return value.length > width ? `${value.slice(0, width - 1)}…` : value;
}
