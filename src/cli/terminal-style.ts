/**
 * Colour for trail output, only where it helps: on a terminal, unless
 * `NO_COLOR` is set (no-color.org); `FORCE_COLOR` forces it on (or off with
 * `0`/`false`), as Node reads it. Plain ANSI SGR codes: the few used here
 * need no library, and `util.styleText`'s stream check cannot see our sinks.
 */
import type { TextSink } from './cli-io.js';

/** The styles trail output uses; each returns `text` unchanged without colour. */
export interface TerminalStyle {
  readonly enabled: boolean;
  dim(text: string): string;
  bold(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  blue(text: string): string;
  magenta(text: string): string;
  cyan(text: string): string;
}

/** [open, close] SGR parameters (ECMA-48 §8.3.117). */
const CODES = {
  dim: [2, 22],
  bold: [1, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
} as const;

/**
 * Whether output to `sink` is coloured, given the environment.
 *
 * @example
 * wantsColor(process.stdout, process.env); // true in a terminal without NO_COLOR
 */
export function wantsColor(sink: TextSink, env: Readonly<Record<string, string | undefined>> = {}): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return sink.isTTY === true;
}

/**
 * The styles for output to `sink`.
 *
 * @example
 * const style = styleFor(io.stdout, io.env);
 * io.stdout.write(style.red('block') + '\n');
 */
export function styleFor(sink: TextSink, env?: Readonly<Record<string, string | undefined>>): TerminalStyle {
  const enabled = wantsColor(sink, env);
  const paint = (open: number, close: number) => (text: string) => (enabled && text !== '' ? `\x1b[${open}m${text}\x1b[${close}m` : text);
  const style = { enabled } as { -readonly [K in keyof TerminalStyle]: TerminalStyle[K] };
  for (const [name, [open, close]] of Object.entries(CODES)) style[name as keyof typeof CODES] = paint(open, close);
  return style;
}
