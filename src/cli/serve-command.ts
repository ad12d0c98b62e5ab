// `otel-agent-audit serve`: runs the local audit receiver in the foreground
// until SIGINT, SIGTERM or the caller's abort signal.
import { parseArgs } from 'node:util';
import { startAuditReceiver, type AuditReceiverOptions, type StoredAuditEvent } from '../receiver/receiver.js';
import { processIo, type CliIo, type TextSink } from './cli-io.js';
import { UsageError } from './usage-error.js';

/** The port `serve` listens on without `--port`. */
export const DEFAULT_SERVE_PORT = 8787;

/** Help text for `serve`. */
export const SERVE_USAGE = `Usage: otel-agent-audit serve [options]

Runs a local audit receiver that speaks the Secureagentics API
(POST /v1/agents, POST /v1/agents/{id}/events[/batch], GET /v1/agents/{id}/events).

Options:
  -p, --port <port>      port to listen on, 0 for any free port (default ${DEFAULT_SERVE_PORT})
      --host <host>      interface to bind (default 127.0.0.1)
  -f, --file <path>      append-only JSONL audit trail, reloaded on start; a
                         request is answered once its events are fsynced
                         (default: none, events kept in memory only)
      --api-key <key>    require 'Authorization: Bearer <key>'
                         (default: any bearer token is accepted)
      --deny-tool <name> block tool_call events for this tool; repeatable
  -q, --quiet            do not print a line per stored event
  -h, --help             show this help
`;

/**
 * Runs `serve` with `args` (the words after `serve`): starts the receiver,
 * prints its URL, waits for SIGINT, SIGTERM or `io.signal`, then closes it
 * (flushing the trail) and resolves with the exit code.
 *
 * @throws UsageError for an invalid flag value, and parseArgs' `ERR_PARSE_ARGS_*` errors for unknown flags.
 * @throws Error when the receiver cannot start (port taken, file unreadable).
 * @example
 * const stop = new AbortController();
 * const done = serve(['--port', '0'], { stdout: process.stdout, stderr: process.stderr, signal: stop.signal });
 * stop.abort(); await done; // 0
 */
export async function serve(args: string[], io: CliIo = processIo()): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      file: { type: 'string', short: 'f' },
      'api-key': { type: 'string' },
      'deny-tool': { type: 'string', multiple: true },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(SERVE_USAGE);
    return 0;
  }

  const options: AuditReceiverOptions = { port: parsePort(values.port) };
  if (values.host !== undefined) options.host = values.host;
  if (values.file !== undefined) options.file = values.file;
  if (values['api-key'] !== undefined) options.apiKey = values['api-key'];
  if (values['deny-tool'] !== undefined) options.deniedTools = values['deny-tool'];
  if (!values.quiet) options.onEvent = createEventLog(io.stdout);
  // The receiver's own problems (a trail it cannot write, lines skipped on
  // load, no key beyond loopback) reach the terminal with no diag logger set up.
  options.onWarning = (message) => io.stderr.write(`otel-agent-audit receiver: ${message}\n`);

  const receiver = await startAuditReceiver(options);
  const stop = untilStopped(io);
  const trail = options.file === undefined ? 'memory only, no --file' : `trail ${options.file}`;
  io.stdout.write(`otel-agent-audit receiver listening on ${receiver.url} (${trail}); Ctrl+C to stop\n`);

  await stop.requested;
  try {
    await receiver.close();
  } finally {
    stop.dispose();
  }
  io.stdout.write('otel-agent-audit receiver stopped\n');
  return 0;
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_SERVE_PORT;
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

interface StopRequest {
  /** Resolves on the first SIGINT, SIGTERM or abort of `io.signal`. */
  requested: Promise<void>;
  /** Removes every listener this added (the CLI may run in-process, many times). */
  dispose(): void;
}

/** After the first stop request, a second signal exits at once instead of waiting for the receiver to close. */
function untilStopped(io: CliIo): StopRequest {
  const forceExit = (): void => {
    io.stderr.write('otel-agent-audit: second signal, exiting without waiting for the receiver to close\n');
    process.exit(130);
  };
  let stop = (): void => {};
  const requested = new Promise<void>((resolve) => {
    stop = () => {
      process.off('SIGINT', stop).off('SIGTERM', stop);
      io.signal?.removeEventListener('abort', stop);
      process.once('SIGINT', forceExit).once('SIGTERM', forceExit);
      resolve();
    };
  });
  process.on('SIGINT', stop).on('SIGTERM', stop);
  if (io.signal?.aborted) stop();
  else io.signal?.addEventListener('abort', stop, { once: true });
  return {
    requested,
    dispose: () => {
      process.off('SIGINT', stop).off('SIGTERM', stop).off('SIGINT', forceExit).off('SIGTERM', forceExit);
      io.signal?.removeEventListener('abort', stop);
    },
  };
}
