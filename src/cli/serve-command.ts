// `otel-agent-audit serve`: runs the local audit receiver in the foreground.
// Uses only the package's public API, like any other user of it.
import { parseArgs } from 'node:util';
import { startAuditReceiver, type AuditReceiverOptions, type StoredAuditEvent } from '../index.js';

/** Help text for `serve`. */
export const SERVE_USAGE = `Usage: otel-agent-audit serve [options]

Runs a local audit receiver that speaks the Secureagentics API
(POST /v1/agents, POST /v1/agents/{id}/events[/batch], GET /v1/agents/{id}/events).

Options:
  -p, --port <port>      port to listen on, 0 for any free port (default 8787)
      --host <host>      interface to bind (default 127.0.0.1)
  -f, --file <path>      append-only JSONL audit trail, reloaded on start
                         (default: none, events kept in memory only)
      --api-key <key>    require 'Authorization: Bearer <key>'
                         (default: any bearer token is accepted)
      --deny-tool <name> block tool_call events for this tool; repeatable
  -q, --quiet            do not print a line per stored event
  -h, --help             show this help
`;

/** A usage mistake: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Runs `serve` until SIGINT or SIGTERM, then closes the receiver (flushing the
 * trail) and resolves with the exit code.
 *
 * @throws UsageError for invalid arguments.
 */
export async function serve(args: string[]): Promise<number> {
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
    process.stdout.write(SERVE_USAGE);
    return 0;
  }

  const options: AuditReceiverOptions = { port: parsePort(values.port) };
  if (values.host !== undefined) options.host = values.host;
  if (values.file !== undefined) options.file = values.file;
  if (values['api-key'] !== undefined) options.apiKey = values['api-key'];
  if (values['deny-tool'] !== undefined) options.deniedTools = values['deny-tool'];
  if (!values.quiet) options.onEvent = createEventLog();

  const receiver = await startAuditReceiver(options);
  const trail = options.file === undefined ? 'memory only, no --file' : `trail ${options.file}`;
  console.log(`otel-agent-audit receiver listening on ${receiver.url} (${trail}); Ctrl+C to stop`);

  await untilSignal();
  await receiver.close();
  console.log('otel-agent-audit receiver stopped');
  return 0;
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return 8787;
  const port = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(port <= 65535)) throw new UsageError(`--port must be an integer from 0 to 65535, got '${raw}'`);
  return port;
}

/**
 * One short line per stored event: `<timestamp> <agent> <type> <decision>`.
 * Lines are gathered and written once per event-loop turn, so a batch of 100
 * events costs one write, not 100 (stdout is synchronous on pipes).
 */
function createEventLog(): (event: StoredAuditEvent) => void {
  let pending: string[] = [];
  return (event) => {
    if (pending.length === 0) {
      setImmediate(() => {
        process.stdout.write(pending.join(''));
        pending = [];
      });
    }
    const { decision, violations } = event.policy_result;
    const why = violations.length === 0 ? '' : ` (${violations.map((v) => v.policy).join(', ')})`;
    pending.push(`${event.timestamp} ${event.agent_id} ${event.type} ${decision}${why}\n`);
  };
}

/** Resolves on the first SIGINT or SIGTERM; a second one exits at once. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.once('SIGINT', forceExit);
      process.once('SIGTERM', forceExit);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

function forceExit(): void {
  console.error('otel-agent-audit: second signal, exiting without waiting for the receiver to close');
  process.exit(130);
}
