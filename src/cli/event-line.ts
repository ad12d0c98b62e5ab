/**
 * One readable line per event, as `show` and `tail` print it: time, type,
 * what it is about and its outcome, the essentials, and the verdict.
 */
import { policyText } from './event-policy.js';
import { eventStatus, eventSubject, eventSummary } from './event-summary.js';
import type { TerminalStyle } from './terminal-style.js';
import type { TrailEvent } from './trail-event.js';

/** How much of the event's identity the line carries. */
export interface EventLineOptions {
  /**
   * `grouped`: under a session and trace heading (`show`), so the time of
   * day is enough; `flat`: on its own (`tail`), with the full time, session and agent.
   */
  readonly layout: 'grouped' | 'flat';
  /** In `grouped` layout, the day the heading names: an event on another day shows its date. */
  readonly day?: string;
}

const TYPE_WIDTH = 'completion'.length;

/**
 * The line for `event`, without a newline.
 *
 * @example
 * eventLine(event, style, { layout: 'flat' });
 * // '2026-05-04T10:30:00.002Z  sess-1 support-bot  tool_call   lookup_order ok  {"order_id":42} · 3 ms  allow'
 */
export function eventLine(event: TrailEvent, style: TerminalStyle, options: EventLineOptions): string {
  const iso = isoTime(event);
  const parts: string[] = [];
  if (options.layout === 'flat') {
    parts.push(style.dim(iso), style.dim([event.sessionId ?? '-', event.agentName ?? event.agentId ?? '-'].join(' ')));
  } else {
    parts.push(style.dim(iso.slice(0, 10) === options.day ? iso.slice(11, 23) : iso));
  }
  parts.push(typeStyle(event, style)(event.type.padEnd(TYPE_WIDTH)));
  const subject = eventSubject(event);
  const status = eventStatus(event);
  const head = [subject === '' ? '' : style.bold(subject), status === '' ? '' : statusStyle(status, style)(status)].filter((s) => s !== '').join(' ');
  if (head !== '') parts.push(head);
  const summary = eventSummary(event);
  if (summary !== '') parts.push(summary);
  const policy = policyText(event);
  // A verdict always matters on a tool call; elsewhere a plain allow is noise on every line.
  if (policy !== '' && (event.type === 'tool_call' || policy !== 'allow')) parts.push(policyStyle(policy, style)(policy));
  return parts.join('  ');
}

/**
 * The event's time as ISO 8601 UTC with milliseconds, whatever precision the line had.
 *
 * @example
 * isoTime(event); // '2026-05-04T10:30:00.000Z'
 */
export function isoTime(event: TrailEvent): string {
  return new Date(event.timeMillis).toISOString();
}

function typeStyle(event: TrailEvent, style: TerminalStyle): (text: string) => string {
  switch (event.type) {
    case 'prompt':
      return style.cyan;
    case 'completion':
      return style.green;
    case 'tool_call':
      return style.magenta;
    case 'error':
      return style.red;
    default:
      return style.blue;
  }
}

function statusStyle(status: string, style: TerminalStyle): (text: string) => string {
  return status === 'error' ? style.red : style.dim;
}

function policyStyle(policy: string, style: TerminalStyle): (text: string) => string {
  if (/\bblock\b/.test(policy)) return (text) => style.bold(style.red(text));
  if (/\b(flag|unavailable)\b/.test(policy)) return style.yellow;
  return style.green;
}
