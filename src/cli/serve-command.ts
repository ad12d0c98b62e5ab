// `otel-agent-audit serve`: runs the local audit receiver in the foreground
// until SIGINT, SIGTERM or the caller's abort signal.
import { Command } from 'commander';
import { startAuditReceiver, type AuditReceiverOptions, type StoredAuditEvent } from '../receiver/receiver.js';
import { displayStoreUrl } from '../receiver/store-url.js';
import { processIo, type CliIo, type TextSink } from './cli-io.js';
import { runAlone, usageOf } from './cli-program.js';
import { runAction, type CommandContext } from './command-context.js';
import { EXIT_OK } from './exit-codes.js';
import { untilStopped } from './stop-request.js';
import { UsageError } from './usage-error.js';

/** The environment variable `serve` reads the `--store` URL from when the flag is absent. */
export const STORE_ENV = 'OTEL_AGENT_AUDIT_RECEIVER_STORE';

/** The port `serve` listens on without `--port`. */
export const DEFAULT_SERVE_PORT = 8787;

/** What commander parsed from serve's flags. */
interface ServeFlags {
  port: string;
  host?: string;
  file?: string;
  store?: string;
  apiKey?: string;
  denyTool?: string[];
  /** Set by --ui (true) or --no-ui (false); unset, the receiver's default (on when bound on loopback). */
  ui?: boolean;
  quiet?: boolean;
}

const EXAMPLES = `
Examples:
  $ otel-agent-audit serve
  $ otel-agent-audit serve --port 0 --file audit-trail.jsonl
  $ otel-agent-audit serve --ui --file audit-trail.jsonl        # then open the printed viewer URL
  $ otel-agent-audit serve --store postgres://audit@127.0.0.1:5432/audit   # or OTEL_AGENT_AUDIT_RECEIVER_STORE
  $ otel-agent-audit serve --file audit-trail.jsonl --deny-tool delete_customer --deny-tool wire_money
  $ otel-agent-audit serve --host 0.0.0.0 --api-key "$AUDIT_KEY" --quiet`;

/**
 * The `serve` command. Each flag is one `.option` here and one line in
 * {@link receiverOptions}: that is all a new flag takes.
 *
 * @example
 * createProgram(context, [serveCommand]);
 */
export function serveCommand(context: CommandContext): Command {
  const command = new Command('serve')
    .summary('run a local audit receiver (Secureagentics API, JSONL trail or PostgreSQL)')
    .description(
      'Runs a local audit receiver that speaks the Secureagentics API\n' +
        '(POST /v1/agents, POST /v1/agents/{id}/events[/batch], GET /v1/agents/{id}/events)\n' +
        'until Ctrl+C, printing one line per stored event. On loopback it also serves\n' +
        'a web trail viewer at /ui/ (--ui, --no-ui).',
    )
    .option('-p, --port <port>', 'port to listen on, 0 for any free port', String(DEFAULT_SERVE_PORT))
    .option('--host <host>', 'interface to bind (default: 127.0.0.1)')
    .option(
      '-f, --file <path>',
      'append-only JSONL audit trail, reloaded on start; a request is answered once its events are fsynced (default: none, events kept in memory only)',
    )
    .option(
      '--store <url>',
      `keep agents and events in PostgreSQL (postgres://user:password@host:port/database), shared by every receiver of that database; not with --file (default: $${STORE_ENV})`,
    )
    .option('--api-key <key>', "require 'Authorization: Bearer <key>' (default: any bearer token is accepted)")
    .option('--deny-tool <name>', 'block tool_call events for this tool; repeatable', collect, [])
    .option('--ui', 'serve the trail viewer at /ui/ (default: on when bound on loopback)')
    .option('--no-ui', 'do not serve the trail viewer')
    .option('-q, --quiet', 'do not print a line per stored event')
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', EXAMPLES);
  return runAction(command, context, (flags: ServeFlags) => runServe(flags, context.io));
}

/** Help text for `serve`, as `serve --help` prints it. */
export const SERVE_USAGE = usageOf(serveCommand);

/**
 * Runs `serve` with `args` (the words after `serve`): starts the receiver,
 * prints its URL, waits for SIGINT, SIGTERM or `io.signal`, then closes it
 * (flushing the trail) and resolves with the exit code: 0 after a clean
 * stop, 1 when the receiver cannot start (port taken, file unreadable,
 * PostgreSQL unreachable), 2
 * for a usage mistake. Never rejects.
 *
 * @example
 * const stop = new AbortController();
 * const done = serve(['--port', '0'], { stdout: process.stdout, stderr: process.stderr, signal: stop.signal });
 * stop.abort(); await done; // 0
 */
export function serve(args: string[], io: CliIo = processIo()): Promise<number> {
  return runAlone(serveCommand, args, io);
}

async function runServe(flags: ServeFlags, io: CliIo): Promise<number> {
  const options = receiverOptions(flags, io);
  const receiver = await startAuditReceiver(options);
  const stop = untilStopped(io, 'second signal, exiting without waiting for the receiver to close');
  const trail =
    options.store !== undefined ? `store ${displayStoreUrl(options.store)}` : options.file === undefined ? 'memory only, no --file' : `trail ${options.file}`;
  io.stdout.write(`otel-agent-audit receiver listening on ${receiver.url} (${trail}); Ctrl+C to stop\n`);
  if (receiver.viewerUrl !== undefined) io.stdout.write(`trail viewer: ${receiver.viewerUrl}\n`);

  await stop.requested;
  try {
    await receiver.close();
  } finally {
    stop.dispose();
  }
  io.stdout.write('otel-agent-audit receiver stopped\n');
  return EXIT_OK;
}

/** The receiver's options from the flags. @throws UsageError for a bad --port. */
function receiverOptions(flags: ServeFlags, io: CliIo): AuditReceiverOptions {
  const options: AuditReceiverOptions = { port: parsePort(flags.port) };
  if (flags.host !== undefined) options.host = flags.host;
  if (flags.file !== undefined) options.file = flags.file;
  // Flag over environment; an empty variable counts as unset.
  const store = flags.store ?? (io.env?.[STORE_ENV] || undefined);
  if (store !== undefined) options.store = store;
  if (flags.apiKey !== undefined) options.apiKey = flags.apiKey;
  if (flags.denyTool !== undefined && flags.denyTool.length > 0) options.deniedTools = flags.denyTool;
  if (flags.ui !== undefined) options.ui = flags.ui;
  if (!flags.quiet) options.onEvent = createEventLog(io.stdout);
  // The receiver's own problems (a trail it cannot write, lines skipped on
  // load, no key beyond loopback) reach the terminal with no diag logger set up.
  options.onWarning = (message) => io.stderr.write(`otel-agent-audit receiver: ${message}\n`);
  return options;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parsePort(raw: string): number {
  // Digits only: Number() would also take '', ' 80', '0x50' and '1e3'.
  const port = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(port <= 65535)) throw new UsageError(`--port must be an integer from 0 to 65535, got '${raw}'`);
  return port;
}

/**
 * One short line per stored event: `<timestamp> <agent> <type> <decision>`.
 * Lines are gathered and written once per event-loop turn, so a batch of 100
 * events costs one write, not 100 (stdout is synchronous on pipes).
 */
function createEventLog(out: TextSink): (event: StoredAuditEvent) => void {
  let pending: string[] = [];
  return (event) => {
    if (pending.length === 0) {
      setImmediate(() => {
        out.write(pending.join(''));
        pending = [];
      });
    }
    const { decision, violations } = event.policy_result;
    const why = violations.length === 0 ? '' : ` (${violations.map((v) => v.policy).join(', ')})`;
    pending.push(`${event.timestamp} ${event.agent_id} ${event.type} ${decision}${why}\n`);
  };
}
