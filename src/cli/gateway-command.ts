// `otel-agent-audit gateway`: runs the OTLP/HTTP audit gateway in the
// foreground until SIGINT, SIGTERM or the caller's abort signal.
import { Command } from 'commander';
import { startAuditGateway, type AuditGatewayOptions } from '../gateway/audit-gateway.js';
import { processIo, type CliIo } from './cli-io.js';
import { runAlone, usageOf } from './cli-program.js';
import { runAction, type CommandContext } from './command-context.js';
import { EXIT_OK } from './exit-codes.js';
import { untilStopped } from './stop-request.js';
import { UsageError } from './usage-error.js';

/** The port `gateway` listens on without `--port`: OTLP/HTTP's. */
export const DEFAULT_GATEWAY_PORT = 4318;

/** What commander parsed from gateway's flags. */
interface GatewayFlags {
  port: string;
  grpcPort?: string;
  host?: string;
  apiKey?: string;
}

/** The variable `--api-key` defaults to: a key in the environment is not shown by `ps`, as one on the command line is. */
export const GATEWAY_API_KEY_ENV = 'OTEL_AGENT_AUDIT_GATEWAY_API_KEY';

const EXAMPLES = `
Examples:
  $ OTEL_AGENT_AUDIT_BACKENDS=jsonl OTEL_AGENT_AUDIT_JSONL_FILE=audit-trail.jsonl otel-agent-audit gateway
  $ otel-agent-audit gateway --port 0
  $ OTEL_AGENT_AUDIT_GATEWAY_API_KEY=… otel-agent-audit gateway --host 0.0.0.0 --grpc-port 4317

Backends, spool, redaction and tamper evidence are configured by the same
OTEL_AGENT_AUDIT_* variables as the library (README "Configuration").
Point apps at it with OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318; point
a Collector's loadbalancing exporter (OTLP/gRPC) at --grpc-port.`;

/**
 * The `gateway` command.
 *
 * @example
 * createProgram(context, [gatewayCommand]);
 */
export function gatewayCommand(context: CommandContext): Command {
  const command = new Command('gateway')
    .summary('run an OTLP/HTTP gateway that turns spans from apps into audit events')
    .description(
      'Takes OTLP/HTTP (POST /v1/traces, /v1/logs; protobuf or JSON, gzip) from apps\n' +
        'that have no audit processor, converts their spans and GenAI log records into\n' +
        'audit events as the library does in process, and delivers them to the backends\n' +
        'the environment configures. Answers 200 once the events are spooled. With\n' +
        '--grpc-port it also takes OTLP/gRPC (TraceService/Export, LogsService/Export).',
    )
    .option('-p, --port <port>', 'port to listen on, 0 for any free port', String(DEFAULT_GATEWAY_PORT))
    .option('--grpc-port <port>', 'also take OTLP/gRPC on this port, 0 for any free port (default: no gRPC)')
    .option('--host <host>', 'interface to bind (default: 127.0.0.1)')
    .option('--api-key <key>', `require 'Authorization: Bearer <key>' on /v1/* and gRPC calls (default: $${GATEWAY_API_KEY_ENV}, else none; then keep to loopback)`)
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', EXAMPLES);
  return runAction(command, context, (flags: GatewayFlags) => runGateway(flags, context.io));
}

/** Help text for `gateway`, as `gateway --help` prints it. */
export const GATEWAY_USAGE = usageOf(gatewayCommand);

/**
 * Runs `gateway` with `args` (the words after `gateway`): starts it, prints
 * its URL, waits for SIGINT, SIGTERM or `io.signal`, then closes it
 * (delivering what is queued) and resolves with the exit code: 0 after a
 * clean stop, 1 when it cannot start, 2 for a usage mistake. Never rejects.
 *
 * @example
 * const stop = new AbortController();
 * const done = gateway(['--port', '0'], { stdout: process.stdout, stderr: process.stderr, signal: stop.signal });
 * stop.abort(); await done; // 0
 */
export function gateway(args: string[], io: CliIo = processIo()): Promise<number> {
  return runAlone(gatewayCommand, args, io);
}

async function runGateway(flags: GatewayFlags, io: CliIo): Promise<number> {
  const apiKey = flags.apiKey ?? (io.env?.[GATEWAY_API_KEY_ENV] || undefined);
  const options: AuditGatewayOptions = {
    port: parsePort(flags.port, '--port'),
    ...(flags.grpcPort !== undefined && { grpcPort: parsePort(flags.grpcPort, '--grpc-port') }),
    ...(flags.host !== undefined && { host: flags.host }),
    ...(apiKey !== undefined && { apiKey }),
    onWarning: (message) => io.stderr.write(`otel-agent-audit gateway: ${message}\n`),
  };
  const running = await startAuditGateway(options);
  const stop = untilStopped(io, 'second signal, exiting without waiting for the gateway to deliver what it holds');
  const grpc = running.grpcAddress === undefined ? '' : `, and on ${running.grpcAddress} (OTLP/gRPC)`;
  io.stdout.write(`otel-agent-audit gateway listening on ${running.url} (OTLP/HTTP: /v1/traces, /v1/logs)${grpc}; Ctrl+C to stop\n`);
  await stop.requested;
  try {
    await running.close();
  } finally {
    stop.dispose();
  }
  io.stdout.write('otel-agent-audit gateway stopped\n');
  return EXIT_OK;
}

function parsePort(raw: string, flag: string): number {
  // Digits only: Number() would also take '', ' 80', '0x50' and '1e3'.
  const port = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(port <= 65535)) throw new UsageError(`${flag} must be an integer from 0 to 65535, got '${raw}'`);
  return port;
}
