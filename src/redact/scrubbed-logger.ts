/**
 * The package's diag loggers, with secrets scrubbed from what they print:
 * messages (and errors passed along) often quote a URL, a server's answer or
 * a configured value, and a log line must never carry an API key, a bearer
 * token or a URL's user:password — whatever the agent or its backends put
 * in them.
 */
import { diag, type DiagLogger } from '@opentelemetry/api';
import { scrubSecrets } from './log-scrubber.js';

/**
 * `diag.createComponentLogger({ namespace })` whose every line passes
 * through {@link scrubSecrets} first.
 *
 * @example
 * const log = scrubbedLogger('otel-agent-audit:delivery');
 * log.warn(`could not reach ${url}`); // https://[REDACTED:url_credentials]@host/… when the URL has userinfo
 */
export function scrubbedLogger(namespace: string): DiagLogger {
  const inner = diag.createComponentLogger({ namespace });
  const level =
    (write: DiagLogger['warn']) =>
    (message: string, ...args: unknown[]): void =>
      write(scrubSecrets(message), ...args.map(scrubbedArgument));
  return {
    error: level(inner.error.bind(inner)),
    warn: level(inner.warn.bind(inner)),
    info: level(inner.info.bind(inner)),
    debug: level(inner.debug.bind(inner)),
    verbose: level(inner.verbose.bind(inner)),
  };
}

/** Strings and errors are scrubbed; an error that needed it becomes a copy, so the caller's object is untouched. */
function scrubbedArgument(arg: unknown): unknown {
  if (typeof arg === 'string') return scrubSecrets(arg);
  if (!(arg instanceof Error)) return arg;
  const message = scrubSecrets(arg.message);
  const stack = arg.stack === undefined ? undefined : scrubSecrets(arg.stack);
  if (message === arg.message && stack === arg.stack) return arg;
  const copy = new Error(message);
  copy.name = arg.name;
  if (stack !== undefined) copy.stack = stack;
  return copy;
}
