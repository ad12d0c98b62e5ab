/**
 * The filter flags `show`, `tail` and `export` share, declared once:
 * `--session`, `--type`, `--since`, `--until`, `--policy`. Bad values are
 * usage mistakes, found while parsing (exit 2, with the usage).
 */
import { Command, InvalidArgumentError } from 'commander';
import { POLICY_VERDICTS } from './event-policy.js';
import { parseTimeBound } from './time-bound.js';
import { EVENT_TYPES } from './trail-event.js';
import type { TrailFilter } from './trail-filter.js';

/** What commander parsed from the filter flags. */
export interface FilterFlags {
  session?: string[];
  type?: string[];
  since?: number;
  until?: number;
  policy?: string[];
}

/** Custom event names the recorder and the converters write; `--type` takes any dotted name too. */
const CUSTOM_NAMES = ['session.start', 'session.end', 'tool_call.result', 'audit.checkpoint', 'audit.loss'];
const POLICIES: ReadonlySet<string> = new Set(POLICY_VERDICTS);
const TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

/**
 * Adds the filter flags to `command`. Relative times (`--since 10m`) count
 * back from `now()`, read when the flag is parsed.
 *
 * @example
 * addFilterOptions(new Command('show'), Date.now);
 */
export function addFilterOptions(command: Command, now: () => number): Command {
  return command
    .option('--session <id>', 'only events of this session (repeatable)', collect)
    .option('--type <types>', `only these event types (${EVENT_TYPES.join(', ')}) or custom event names (${CUSTOM_NAMES.join(', ')}, …); comma-separated, repeatable`, collectTypes)
    .option('--since <time>', 'only events at or after this time: ISO 8601 (2026-05-04T10:30:00Z) or back from now (90s, 10m, 2h, 7d)', (text: string) => timeBound('--since', text, now))
    .option('--until <time>', 'only events at or before this time, as for --since', (text: string) => timeBound('--until', text, now))
    .option('--policy <verdicts>', `only events with this verdict (${POLICY_VERDICTS.join(', ')}; deny = block): the receiver's policy result or the tool gate's decision; comma-separated, repeatable`, collectPolicies);
}

/**
 * The filter the flags describe.
 *
 * @example
 * filterOf({ type: ['tool_call'], policy: ['block'] }); // { types: Set {'tool_call'}, policies: Set {'block'} }
 */
export function filterOf(flags: FilterFlags): TrailFilter {
  return {
    ...(flags.session && { sessions: new Set(flags.session) }),
    ...(flags.type && { types: new Set(flags.type) }),
    ...(flags.since !== undefined && { sinceMillis: flags.since }),
    ...(flags.until !== undefined && { untilMillis: flags.until }),
    ...(flags.policy && { policies: new Set(flags.policy) }),
  };
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function collectTypes(value: string, previous: string[] | undefined): string[] {
  const types = commaSeparated(value);
  // A custom event name has a dot; anything else must be one of the five types, so a typo is not a silent empty result.
  const unknown = types.filter((type) => !TYPES.has(type) && !/^[\w-]+(\.[\w-]+)+$/.test(type));
  if (unknown.length > 0) throw new InvalidArgumentError(`not an event type: ${unknown.join(', ')}. Use ${EVENT_TYPES.join(', ')} or a custom event name such as session.start.`);
  return [...(previous ?? []), ...types];
}

function collectPolicies(value: string, previous: string[] | undefined): string[] {
  const verdicts = commaSeparated(value).map((verdict) => (verdict === 'deny' ? 'block' : verdict));
  const unknown = verdicts.filter((verdict) => !POLICIES.has(verdict));
  if (unknown.length > 0) throw new InvalidArgumentError(`not a verdict: ${unknown.join(', ')}. Use ${POLICY_VERDICTS.join(', ')} (or deny).`);
  return [...(previous ?? []), ...verdicts];
}

function commaSeparated(value: string): string[] {
  const items = value.split(',').map((item) => item.trim()).filter((item) => item !== '');
  if (items.length === 0) throw new InvalidArgumentError('give at least one value');
  return items;
}

function timeBound(flag: string, text: string, now: () => number): number {
  const millis = parseTimeBound(text, now());
  if (millis === undefined) throw new InvalidArgumentError(`${flag} takes an ISO 8601 time (2026-05-04T10:30:00Z) or a span back from now (90s, 10m, 2h, 7d).`);
  return millis;
}

/**
 * A command that reads one trail (`show`, `tail`, `export`): its name, texts,
 * the `<file>` argument and the shared filters; the caller adds its own options.
 *
 * @example
 * trailReadingCommand('show', 'print a trail', DESCRIPTION, Date.now).option('--json', '…');
 */
export function trailReadingCommand(name: string, summary: string, description: string, now: () => number): Command {
  const command = new Command(name).summary(summary).description(description).argument('<file>', 'the trail: a JSONL file, or - for stdin');
  return addFilterOptions(command, now);
}
